import Redis, { RedisOptions } from 'ioredis';

/**
 * Options for clients on the request path: no offline queue, so a command
 * fails at once while Redis is down (the api answers 503) instead of waiting;
 * reconnects forever in the background so the api recovers by itself.
 */
export function failFastRedisOptions(): RedisOptions {
  return {
    enableOfflineQueue: false,
    // Commands issued in the same tick (concurrent requests) leave in one write.
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 1500,
    // A slow answer under load is not an outage; a stopped Redis fails at once (no offline queue).
    commandTimeout: 4000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  };
}

/** Options BullMQ requires for blocking worker connections. */
export function workerRedisOptions(): RedisOptions {
  return {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  };
}

export function createRedis(url: string, options: RedisOptions): Redis {
  const client = new Redis(url, options);
  // Errors surface on the commands that fail; without a listener ioredis would crash the process.
  client.on('error', () => undefined);
  return client;
}
