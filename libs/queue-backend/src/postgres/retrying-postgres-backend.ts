import { BackendFactory, createPostgresBackend, PostgresConnectionOptions, PostgresQueueBackend } from 'bullmq';

/** The memoized readiness of BullMQ's PostgreSQL backend and of its connection (private in its types). */
interface MemoizedReadiness {
  readyPromise?: Promise<void>;
}

/**
 * BullMQ's PostgreSQL backend, except that a failed readiness check is forgotten. BullMQ memoizes the first
 * check, failures included, so a queue first used while PostgreSQL was down (or before the api applied the
 * migrations) would stay broken after it came back; the Redis client reconnects by itself. Here the next
 * operation checks again.
 */
export const createRetryingPostgresBackend: BackendFactory<PostgresQueueBackend, PostgresConnectionOptions> = (name, opts, options) => {
  const backend = createPostgresBackend(name, opts, options);
  const waitUntilReady = backend.waitUntilReady.bind(backend);
  backend.waitUntilReady = () =>
    waitUntilReady().catch((error: unknown) => {
      (backend as unknown as MemoizedReadiness).readyPromise = undefined;
      (backend.connection as unknown as MemoizedReadiness).readyPromise = undefined;
      throw error;
    });
  return backend;
};
