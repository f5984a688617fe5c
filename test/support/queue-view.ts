import { createPostgresBackend, Queue, withBackend } from 'bullmq';
import { TEST_QUEUE_BACKEND } from './test-env';

/** Where the processes under test keep a region's queue: their Redis (port and key prefix), or their database. */
export interface QueueStoreOfTest {
  redis?: { host?: string; port: number; db?: number; prefix: string };
  databaseUrl: string;
}

/** A BullMQ view of a region queue, as an operator would open one, on the store of the test's mode. */
export function queueView(queueName: string, store: QueueStoreOfTest): Queue {
  let queue: Queue;
  if (TEST_QUEUE_BACKEND === 'postgres') {
    const { Queue: PostgresQueue } = withBackend(createPostgresBackend);
    queue = new PostgresQueue(queueName, {
      connection: { connectionString: store.databaseUrl, schema: 'bullmq', max: 2 },
    }) as unknown as Queue;
  } else {
    if (!store.redis) throw new Error('queueView: the Redis of the test is not given');
    const { host = '127.0.0.1', port, db = 0, prefix } = store.redis;
    queue = new Queue(queueName, { connection: { host, port, db, maxRetriesPerRequest: null }, prefix });
  }
  queue.on('error', () => undefined);
  return queue;
}
