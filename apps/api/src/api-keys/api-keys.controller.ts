import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user';
import { ApiAuthErrors, ApiErrors } from '../common/decorators/api-errors.decorator';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { PaginationQuery, toPage } from '../common/dto/pagination.dto';
import { ApiKeyPage, ApiKeyResponse, CreateApiKeyRequest, CreatedApiKeyResponse } from './api-keys.dto';
import { ApiKeysService } from './api-keys.service';

@ApiTags('api-keys')
@ApiAuthErrors()
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiOperation({
    summary: 'Create an API key (the key is shown only in this response)',
    description: 'Send it as X-API-Key. Only a hash is stored, so a lost key cannot be shown again: revoke it and create another.',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyResponse })
  @ApiErrors(400)
  async create(@CurrentUser() user: AuthUser, @Body() body: CreateApiKeyRequest): Promise<CreatedApiKeyResponse> {
    const { entity, key } = await this.apiKeys.create(user.id, body.name);
    return { id: entity.id, name: entity.name, key };
  }

  @Get()
  @ApiOperation({
    summary: 'Your API keys (never the keys themselves)',
    description: 'Each with its prefix, to tell keys apart, and when it was last used.',
  })
  @ApiOkResponse({ type: ApiKeyPage })
  @ApiErrors(400)
  async list(@CurrentUser() user: AuthUser, @Query() query: PaginationQuery): Promise<ApiKeyPage> {
    const [keys, total] = await this.apiKeys.list(user.id, query.page, query.limit);
    return toPage(keys.map(ApiKeyResponse.from), total, query);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Revoke an API key; it stops working at once',
    description: "Another user's key answers 404, as an unknown one.",
  })
  @ApiNoContentResponse()
  @ApiErrors(400, 404)
  async delete(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.apiKeys.delete(user.id, id);
  }
}
