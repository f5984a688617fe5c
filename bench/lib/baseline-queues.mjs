import { createPostgresBackend, Queue, Worker, withBackend } from 'bullmq';
import Redis from 'ioredis';

/** BullMQ's own schema for its PostgreSQL backend (its default), which Flowline's migrations create. */
const POSTGRES_SCHEMA = 'bullmq';

/**
 * The baseline's BullMQ queue and worker on the same store as the stack they are compared with: Redis
 * (under `prefix`), or BullMQ's PostgreSQL backend in the run's database (single-machine mode; no Redis).
 * `close` ends the connection they share, where they share one.
 */
export function baselineQueues(queueBackend, { redisUrl, databaseUrl, prefix }) {
  if (queueBackend === 'postgres') {
    const classes = withBackend(createPostgresBackend);
    // Each queue or worker builds a pool of its own from this and closes it with itself.
    const connection = { connectionString: databaseUrl, schema: POSTGRES_SCHEMA, max: 20, application_name: 'flowline-bench-baseline' };
    return {
      queue: (name) => new classes.Queue(name, { connection }),
      worker: (name, processor, concurrency) => new classes.Worker(name, processor, { connection, concurrency }),
      close: () => undefined,
    };
  }
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  return {
    queue: (name) => new Queue(name, { connection, prefix }),
    worker: (name, processor, concurrency) => new Worker(name, processor, { connection, prefix, concurrency }),
    close: () => connection.disconnect(),
  };
}
