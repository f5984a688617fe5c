import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ApiErrors } from '../common/decorators/api-errors.decorator';
import { Public } from '../security/public.decorator';
import { QueueStoreHealthIndicator } from './queue-store.health';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly queueStore: QueueStoreHealthIndicator,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Liveness: the process answers',
    description: 'Touches no dependency: an orchestrator restarts the process only when this fails.',
  })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  @ApiErrors(429)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: PostgreSQL answers, and the queue store of the mode (Redis, or PostgreSQL in single-machine mode)',
    description: "503 with each dependency's state while one is down: a load balancer stops sending requests here until it recovers.",
  })
  @ApiErrors(429, 503)
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.database.pingCheck('database', { timeout: 1500 }), () => this.queueStore.isHealthy()]);
  }
}
