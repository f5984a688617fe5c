import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user';
import { ApiAuthErrors, ApiErrors } from '../common/decorators/api-errors.decorator';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { PaginationQuery, toPage } from '../common/dto/pagination.dto';
import { CreateCredentialRequest, CredentialPage, CredentialResponse, UpdateCredentialRequest } from './credentials.dto';
import { CredentialsService } from './credentials.service';

@ApiTags('credentials')
@ApiAuthErrors()
@Controller('credentials')
export class CredentialsController {
  constructor(private readonly credentials: CredentialsService) {}

  @Post()
  @ApiOperation({
    summary: 'Store a secret for http steps',
    description: 'Encrypted at rest (AES-256-GCM); the response names the fields that are set, never their values.',
  })
  @ApiCreatedResponse({ type: CredentialResponse })
  @ApiErrors(400)
  async create(@CurrentUser() user: AuthUser, @Body() body: CreateCredentialRequest): Promise<CredentialResponse> {
    return CredentialResponse.from(await this.credentials.create(user.id, body));
  }

  @Get()
  @ApiOperation({
    summary: 'Your credentials, newest first (masked)',
    description: 'Names, types and which secret fields are set; never a secret value.',
  })
  @ApiOkResponse({ type: CredentialPage })
  @ApiErrors(400)
  async list(@CurrentUser() user: AuthUser, @Query() query: PaginationQuery): Promise<CredentialPage> {
    const [items, total] = await this.credentials.list(user.id, query.page, query.limit);
    return toPage(items.map(CredentialResponse.from), total, query);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One credential (masked)',
    description: "Another user's credential answers 404, as an unknown one.",
  })
  @ApiOkResponse({ type: CredentialResponse })
  @ApiErrors(400, 404)
  async get(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<CredentialResponse> {
    return CredentialResponse.from(await this.credentials.get(user.id, id));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Rename a credential or replace its secret',
    description:
      'A new `data` replaces the whole secret (encrypted with the current key); ' +
      'workflows that use the credential get it on their next run.',
  })
  @ApiOkResponse({ type: CredentialResponse })
  @ApiErrors(400, 404)
  async update(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateCredentialRequest,
  ): Promise<CredentialResponse> {
    return CredentialResponse.from(await this.credentials.update(user.id, id, body));
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Delete a credential',
    description: 'Workflows that still use it fail at that step with "credential … not found".',
  })
  @ApiNoContentResponse()
  @ApiErrors(400, 404)
  async delete(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.credentials.delete(user.id, id);
  }
}
