import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import Redis from 'ioredis';
import { AppConfig } from '@app/config';
import { RegionQueues } from '@app/queue-contracts';
import { MAIN_REDIS } from '@app/redis';

@Injectable()
export class RedisHealthIndicator {
  constructor(
    @Inject(MAIN_REDIS) private readonly redis: Redis,
    private readonly queues: RegionQueues,
    private readonly config: AppConfig,
    private readonly health: HealthIndicatorService,
  ) {}

  /** The main Redis and every region's queue Redis (which may be another server). */
  async isHealthy(key: string): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    const clients = [
      { name: 'main', client: this.redis },
      ...this.config.regions.map((region) => ({ name: region, client: this.queues.connectionFor(region) })),
    ];
    const results = await Promise.all(
      clients.map(({ name, client }) =>
        client.ping().then(
          () => [name, 'up'] as const,
          () => [name, 'down'] as const,
        ),
      ),
    );
    const down = results.filter(([, state]) => state === 'down').map(([name]) => name);
    return down.length === 0 ? indicator.up() : indicator.down({ message: `Redis unreachable for: ${down.join(', ')}` });
  }
}
