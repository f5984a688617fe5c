import type { AppConfig } from '@app/config';
import type { EventBus } from '../event-bus';
import { QueueConnections, QueueRole, QueueStore } from '../queue-connections';
import type { WindowCounters } from '../window-counters';
import { queueKeyPrefix } from './queue-key-prefix';
import { createRedis, RedisClient } from './redis-client';
import { RedisEventBus } from './redis-event-bus';
import { RedisWindowCounters } from './redis-window-counters';

/**
 * Queues on Redis: `REDIS_URL`, or a region's own `REDIS_URL_<REGION>`; with `REDIS_CLUSTER=true` each of
 * them a Redis Cluster (this class and redis-client.ts are the only code that knows). Producers of one URL
 * share a fail-fast connection (an enqueue while Redis is down errors at once: 503); each consumer gets its
 * own connection that waits for Redis.
 */
export class RedisQueueConnections extends QueueConnections {
  readonly backend = 'redis' as const;
  readonly healthKey = 'redis';
  // An hour, but never more than 10,000: Redis holds them in memory; trimming by count is a sorted-set range.
  readonly completedRunJobsKept = { age: 3600, count: 10000 };
  readonly addsJobsInBulk = true;
  private readonly producers = new Map<string, RedisClient>();
  private readonly consumers: RedisClient[] = [];

  constructor(private readonly config: AppConfig) {
    super();
  }

  regionQueue(region: string, queueName: string, role: QueueRole): QueueStore {
    const url = this.config.regionRedisUrls[region];
    if (!url) throw new Error(`No queue for region ${region}`);
    return this.queueStore(url, queueName, role);
  }

  mainQueue(queueName: string, role: QueueRole): QueueStore {
    return this.queueStore(this.config.redisUrl, queueName, role);
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
    return new RedisEventBus(
      this.producer(this.config.redisUrl),
      () => createRedis(this.config.redisUrl, 'waiting', this.config.redisCluster),
      this.config.redisKeyPrefix,
    );
  }

  createWindowCounters(): WindowCounters {
    return new RedisWindowCounters(this.producer(this.config.redisUrl), this.config.redisKeyPrefix);
  }

  async close(): Promise<void> {
    const clients = [...this.producers.values(), ...this.consumers];
    await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
  }

  private queueStore(url: string, queueName: string, role: QueueRole): QueueStore {
    return { connection: this.connect(url, role), prefix: queueKeyPrefix(this.config.redisKeyPrefix, queueName, this.config.redisCluster) };
  }

  private connect(url: string, role: QueueRole): RedisClient {
    if (role === 'producer') return this.producer(url);
    const consumer = createRedis(url, 'waiting', this.config.redisCluster);
    this.consumers.push(consumer);
    return consumer;
  }

  private producer(url: string): RedisClient {
    let client = this.producers.get(url);
    if (!client) {
      client = createRedis(url, 'fail-fast', this.config.redisCluster);
      this.producers.set(url, client);
    }
    return client;
  }
}
