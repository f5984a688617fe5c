import Redis, { Cluster, RedisOptions } from 'ioredis';
import { clusterOptions, clusterSeeds } from './redis-cluster-options';

/** A single Redis, or a Redis Cluster (`REDIS_CLUSTER=true`): the commands Flowline uses work on both. */
export type RedisClient = Redis | Cluster;

/**
 * `fail-fast`: the request path (producers, counters, publishing); a command fails at once while Redis
 * is away (the api answers 503) instead of waiting. `waiting`: BullMQ consumers and the event subscriber;
 * commands wait for Redis to come back.
 */
export type RedisClientRole = 'fail-fast' | 'waiting';

const reconnectDelay = (attempt: number) => Math.min(attempt * 200, 2000);

/**
 * Options of one connection. No offline queue on the request path; reconnects forever in the background
 * either way, so the processes recover by themselves.
 */
export function redisOptions(role: RedisClientRole): RedisOptions {
  if (role === 'waiting') return { maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy: reconnectDelay };
  return {
    enableOfflineQueue: false,
    // Commands issued in the same tick (concurrent requests) leave in one write.
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 1500,
    // A slow answer under load is not an outage; a stopped Redis fails at once (no offline queue).
    commandTimeout: 4000,
    retryStrategy: reconnectDelay,
  };
}

/** `url`: one Redis URL, or with `cluster` a comma list of seed node URLs. */
export function createRedis(url: string, role: RedisClientRole, cluster: boolean): RedisClient {
  const client = cluster ? new Cluster(clusterSeeds(url), clusterOptions(url, redisOptions(role))) : new Redis(url, redisOptions(role));
  // Errors surface on the commands that fail; without a listener ioredis would crash the process.
  client.on('error', () => undefined);
  return client;
}
