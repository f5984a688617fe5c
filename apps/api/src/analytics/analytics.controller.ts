import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user';
import { ApiAuthErrors, ApiErrors } from '../common/decorators/api-errors.decorator';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { TiersService } from '../tiers/tiers.service';
import { WorkflowsService } from '../workflows/workflows.service';
import { AnalyticsQuery, AnalyticsSummaryResponse } from './analytics.dto';
import { AnalyticsService } from './analytics.service';

@ApiTags('analytics')
@ApiAuthErrors()
@Controller('analytics')
export class AnalyticsController {
  constructor(
    private readonly analytics: AnalyticsService,
    private readonly workflows: WorkflowsService,
    private readonly tiers: TiersService,
  ) {}

  @Get('summary')
  @ApiOperation({
    summary: 'Usage of all your workflows over the last N UTC days',
    description: "`days` (default 7) is capped at your tier's retentionDays; the answer says which window it used.",
  })
  @ApiOkResponse({ type: AnalyticsSummaryResponse })
  @ApiErrors(400)
  summary(@CurrentUser() user: AuthUser, @Query() query: AnalyticsQuery): Promise<AnalyticsSummaryResponse> {
    return this.analytics.summary({ ownerId: user.id }, query.days, this.tiers.retentionDaysOf(user));
  }

  @Get('workflows/:id')
  @ApiOperation({
    summary: 'Usage of one of your workflows over the last N UTC days',
    description: 'Same answer as /analytics/summary, for one workflow.',
  })
  @ApiOkResponse({ type: AnalyticsSummaryResponse })
  @ApiErrors(400, 404)
  async workflow(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: AnalyticsQuery,
  ): Promise<AnalyticsSummaryResponse> {
    await this.workflows.get(user.id, id);
    return this.analytics.summary({ ownerId: user.id, workflowId: id }, query.days, this.tiers.retentionDaysOf(user));
  }
}
