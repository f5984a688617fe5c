import { Queue } from 'bullmq';
import { Client } from 'pg';
import type { RawEnv } from '../../libs/config/src/env-reader';
import { TestDatabase } from './database';
import { OwnPostgres } from './own-postgres';
import { OwnRedis, OwnRedisOptions } from './own-redis';
import { startStack, TestStack } from './test-api';

/** A PostgreSQL and a redis-server of the test file's own, and a stack (api, workers) on them. */
export interface OwnServicesStack extends TestStack {
  postgres: OwnPostgres;
  redis: OwnRedis;
  /** A BullMQ view of a region's queue on the own Redis (closed with the stack). */
  queue(region: string): Queue;
}

/**
 * Starts both servers, creates the database (the api migrates it at boot),
 * then the stack. `close()` stops the processes and destroys both servers.
 */
export async function startOwnServicesStack(
  overrides: RawEnv = {},
  options: { workers?: RawEnv[]; redis?: OwnRedisOptions } = {},
): Promise<OwnServicesStack> {
  const [postgres, redis] = await Promise.all([OwnPostgres.start(), OwnRedis.start(options.redis)]);
  const queues = new Map<string, Queue>();
  try {
    const admin = new Client({ connectionString: postgres.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE flowline');
    await admin.end();
    const database: TestDatabase = { name: 'flowline', url: postgres.url('flowline'), drop: async () => undefined };
    // A PostgreSQL of its own: the production pool size, not the small one shared-server tests use.
    const stack = await startStack(
      { REDIS_URL: redis.url, MIGRATIONS_RUN: 'true', DATABASE_POOL_SIZE: '20', ...overrides },
      { workers: options.workers, database },
    );
    const close = stack.close;
    return Object.assign(stack, {
      postgres,
      redis,
      queue(region: string): Queue {
        let queue = queues.get(region);
        if (!queue) {
          queue = new Queue(`${region}-default`, {
            connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null },
            prefix: String(stack.env.REDIS_KEY_PREFIX),
          });
          queue.on('error', () => undefined);
          queues.set(region, queue);
        }
        return queue;
      },
      close: async () => {
        await Promise.all([...queues.values()].map((queue) => queue.close().catch(() => undefined)));
        await close();
        postgres.destroy();
        await redis.destroy();
      },
    });
  } catch (error) {
    postgres.destroy();
    await redis.destroy();
    throw error;
  }
}
