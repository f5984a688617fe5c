import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '@app/config';
import { FlowlineMetrics, metricsAuthorized } from '@app/metrics';
import { UnauthenticatedError } from '../auth/auth.errors';
import { ApiErrors } from '../common/decorators/api-errors.decorator';
import { Public } from '../security/public.decorator';
import { QueueGaugeSampler } from './queue-gauge.sampler';

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: FlowlineMetrics,
    private readonly sampler: QueueGaugeSampler,
    private readonly config: AppConfig,
  ) {}

  // Public to the user auth guard: Prometheus authenticates with METRICS_TOKEN when it is set.
  @Public()
  @Get()
  @ApiBearerAuth('metrics-token')
  @ApiOperation({
    summary: 'Prometheus metrics',
    description: 'When METRICS_TOKEN is set, send it as `Authorization: Bearer <METRICS_TOKEN>`.',
  })
  @ApiOkResponse({ description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } })
  @ApiErrors(401, 429)
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<string> {
    if (!metricsAuthorized(this.config.metricsToken, authorization)) throw new UnauthenticatedError('A valid metrics token is required');
    await this.sampler.sample();
    response.type(this.metrics.contentType);
    return this.metrics.render();
  }
}
