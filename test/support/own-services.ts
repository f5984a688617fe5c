import { Queue } from 'bullmq';
import { Client } from 'pg';
import type { RawEnv } from '../../libs/config/src/env-reader';
import { TestDatabase } from './database';
import { OwnPostgres } from './own-postgres';
import { OwnRedis, OwnRedisOptions } from './own-redis';
import { queueView } from './queue-view';
import { startStack, TestStack } from './test-api';
import { TEST_QUEUE_BACKEND } from './test-env';

/** A PostgreSQL and a redis-server of the test file's own, and a stack (api, workers) on them. */
export interface OwnServicesStack extends TestStack {
  postgres: OwnPostgres;
  /** The own Redis; in postgres mode there is none, and asking for it fails the test. */
  redis: OwnRedis;
  /** A BullMQ view of a region's queue on the own queue store (closed with the stack). */
  queue(region: string): Queue;
}

/**
 * Starts both servers (PostgreSQL alone in postgres mode), creates the database (the api migrates it at
 * boot), then the stack. `close()` stops the processes and destroys the servers.
 */
export async function startOwnServicesStack(
  overrides: RawEnv = {},
  options: { workers?: RawEnv[]; redis?: OwnRedisOptions } = {},
): Promise<OwnServicesStack> {
  const withRedis = TEST_QUEUE_BACKEND === 'redis';
  const [postgres, redis] = await Promise.all([OwnPostgres.start(), withRedis ? OwnRedis.start(options.redis) : undefined]);
  const queues = new Map<string, Queue>();
  try {
    const admin = new Client({ connectionString: postgres.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE flowline');
    await admin.end();
    const database: TestDatabase = { name: 'flowline', url: postgres.url('flowline'), drop: async () => undefined };
    // A PostgreSQL of its own: the production pool size, not the small one shared-server tests use.
    const stack = await startStack(
      { ...(redis ? { REDIS_URL: redis.url } : {}), MIGRATIONS_RUN: 'true', DATABASE_POOL_SIZE: '20', ...overrides },
      { workers: options.workers, database },
    );
    const close = stack.close;
    const extras = {
      postgres,
      get redis(): OwnRedis {
        if (!redis) throw new Error('this test needs Redis; its stack runs in postgres mode');
        return redis;
      },
      queue(region: string): Queue {
        let queue = queues.get(region);
        if (!queue) {
          queue = queueView(`${region}-default`, {
            redis: redis && { port: redis.port, prefix: String(stack.env.REDIS_KEY_PREFIX) },
            databaseUrl: database.url,
          });
          queues.set(region, queue);
        }
        return queue;
      },
      close: async () => {
        await Promise.all([...queues.values()].map((queue) => queue.close().catch(() => undefined)));
        await close();
        postgres.destroy();
        await redis?.destroy();
      },
    };
    // Descriptors, not Object.assign: the `redis` getter must run when a test asks, not here.
    return Object.defineProperties(stack, Object.getOwnPropertyDescriptors(extras)) as OwnServicesStack;
  } catch (error) {
    postgres.destroy();
    await redis?.destroy();
    throw error;
  }
}
