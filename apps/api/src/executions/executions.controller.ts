import { Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user';
import { ApiAuthErrors, ApiErrors } from '../common/decorators/api-errors.decorator';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { toPage } from '../common/dto/pagination.dto';
import { TiersService } from '../tiers/tiers.service';
import { ExecutionListQuery, ExecutionPage, ExecutionResponse } from './executions.dto';
import { ExecutionsService } from './executions.service';

@ApiTags('executions')
@ApiAuthErrors()
@Controller('executions')
export class ExecutionsController {
  constructor(
    private readonly executions: ExecutionsService,
    private readonly tiers: TiersService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Your executions, newest first, with filters',
    description: "Only executions inside your tier's retention window (retentionDays).",
  })
  @ApiOkResponse({ type: ExecutionPage })
  @ApiErrors(400)
  async list(@CurrentUser() user: AuthUser, @Query() query: ExecutionListQuery): Promise<ExecutionPage> {
    const [items, total] = await this.executions.list(user.id, query, this.tiers.retentionDaysOf(user));
    return toPage(
      items.map((execution) => ExecutionResponse.from(execution)),
      total,
      query,
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'One execution with its step results', description: "404 once it is older than your tier's retention window." })
  @ApiOkResponse({ type: ExecutionResponse })
  @ApiErrors(400, 404)
  async get(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<ExecutionResponse> {
    const execution = await this.executions.get(user.id, id, this.tiers.retentionDaysOf(user));
    return ExecutionResponse.from(execution, await this.executions.stepsOf(user.id, id));
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Cancel a waiting, queued or running execution', description: '409 when it already ended.' })
  @ApiOkResponse({ type: ExecutionResponse })
  @ApiErrors(400, 404, 409)
  async cancel(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<ExecutionResponse> {
    const execution = await this.executions.cancel(user.id, id, this.tiers.retentionDaysOf(user));
    return ExecutionResponse.from(execution, await this.executions.stepsOf(user.id, id));
  }
}
