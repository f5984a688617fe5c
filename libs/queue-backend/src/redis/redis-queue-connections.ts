import type { ConnectionOptions } from 'bullmq';
import type Redis from 'ioredis';
import type { AppConfig } from '@app/config';
import type { EventBus } from '../event-bus';
import { QueueConnections, QueueRole } from '../queue-connections';
import type { WindowCounters } from '../window-counters';
import { createRedis, failFastRedisOptions, workerRedisOptions } from './redis-client';
import { RedisEventBus } from './redis-event-bus';
import { RedisWindowCounters } from './redis-window-counters';

/**
 * Queues on Redis: `REDIS_URL`, or a region's own `REDIS_URL_<REGION>`. Producers of one URL share a
 * fail-fast connection (an enqueue while Redis is down errors at once: 503); each consumer gets its own
 * connection that waits for Redis.
 */
export class RedisQueueConnections extends QueueConnections {
  readonly backend = 'redis' as const;
  readonly healthKey = 'redis';
  // An hour, but never more than 10,000: Redis holds them in memory; trimming by count is a sorted-set range.
  readonly completedRunJobsKept = { age: 3600, count: 10000 };
  readonly addsJobsInBulk = true;
  private readonly producers = new Map<string, Redis>();
  private readonly consumers: Redis[] = [];

  constructor(private readonly config: AppConfig) {
    super();
  }

  region(region: string, role: QueueRole): ConnectionOptions {
    const url = this.config.regionRedisUrls[region];
    if (!url) throw new Error(`No queue for region ${region}`);
    return this.connect(url, role);
  }

  main(role: QueueRole): ConnectionOptions {
    return this.connect(this.config.redisUrl, role);
  }

  onMainReconnect(listener: () => void): void {
    this.producer(this.config.redisUrl).on('ready', listener);
  }

  async unreachable(): Promise<string[]> {
    const stores = [
      { name: 'main', url: this.config.redisUrl },
      ...this.config.regions.map((region) => ({ name: region, url: this.config.regionRedisUrls[region] })),
    ];
    const answers = await Promise.all(
      stores.map(({ url }) =>
        this.producer(url)
          .ping()
          .then(
            () => true,
            () => false,
          ),
      ),
    );
    return stores.filter((_, index) => !answers[index]).map(({ name }) => name);
  }

  createEventBus(): EventBus {
    return new RedisEventBus(this.producer(this.config.redisUrl), this.config.redisUrl, this.config.redisKeyPrefix);
  }

  createWindowCounters(): WindowCounters {
    return new RedisWindowCounters(this.producer(this.config.redisUrl), this.config.redisKeyPrefix);
  }

  async close(): Promise<void> {
    const clients = [...this.producers.values(), ...this.consumers];
    await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
  }

  private connect(url: string, role: QueueRole): Redis {
    if (role === 'producer') return this.producer(url);
    const consumer = createRedis(url, workerRedisOptions());
    this.consumers.push(consumer);
    return consumer;
  }

  private producer(url: string): Redis {
    let client = this.producers.get(url);
    if (!client) {
      client = createRedis(url, failFastRedisOptions());
      this.producers.set(url, client);
    }
    return client;
  }
}
