import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { QueueConnections } from '@app/queue-backend';

/** The queue store of the mode (Redis: the main one and every region's; or PostgreSQL), under its own key. */
@Injectable()
export class QueueStoreHealthIndicator {
  constructor(
    private readonly connections: QueueConnections,
    private readonly health: HealthIndicatorService,
  ) {}

  async isHealthy(): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(this.connections.healthKey);
    const down = await this.connections.unreachable();
    const store = this.connections.backend === 'redis' ? 'Redis' : 'PostgreSQL (queues)';
    return down.length === 0 ? indicator.up() : indicator.down({ message: `${store} unreachable for: ${down.join(', ')}` });
  }
}
