import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { createRedis, failFastRedisOptions } from '@app/redis';
import { RegionJobData } from './jobs';
import { regionQueueName } from './queues';

export interface RegionQueueSettings {
  regions: readonly string[];
  regionRedisUrls: Readonly<Record<string, string>>;
  redisKeyPrefix: string;
}

/**
 * One producer Queue per region, each on its region's Redis. Regions that
 * share a Redis URL share one connection. Fail-fast connections: an enqueue
 * while Redis is down errors at once (the caller answers 503).
 */
export class RegionQueues {
  private readonly queues = new Map<string, Queue<RegionJobData, unknown, string>>();
  private readonly connections = new Map<string, Redis>();

  constructor(private readonly settings: RegionQueueSettings) {
    for (const region of settings.regions) {
      const url = settings.regionRedisUrls[region];
      let connection = this.connections.get(url);
      if (!connection) {
        connection = createRedis(url, failFastRedisOptions());
        this.connections.set(url, connection);
      }
      const queue = new Queue<RegionJobData, unknown, string>(regionQueueName(region), { connection, prefix: settings.redisKeyPrefix });
      queue.on('error', () => undefined);
      this.queues.set(region, queue);
    }
  }

  get(region: string): Queue<RegionJobData, unknown, string> {
    const queue = this.queues.get(region);
    if (!queue) throw new Error(`No queue for region ${region}`);
    return queue;
  }

  entries(): [string, Queue<RegionJobData, unknown, string>][] {
    return [...this.queues.entries()];
  }

  connectionFor(region: string): Redis {
    return this.connections.get(this.settings.regionRedisUrls[region]) as Redis;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close().catch(() => undefined)));
    await Promise.all([...this.connections.values()].map((connection) => connection.quit().catch(() => connection.disconnect())));
  }
}
