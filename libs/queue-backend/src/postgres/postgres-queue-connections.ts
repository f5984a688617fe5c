import { ConnectionOptions, setDefaultBackendFactory } from 'bullmq';
import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '@app/config';
import type { EventBus } from '../event-bus';
import { QueueConnections, QueueStore } from '../queue-connections';
import type { WindowCounters } from '../window-counters';
import { PostgresEventBus } from './postgres-event-bus';
import { PostgresWindowCounters } from './postgres-window-counters';
import { createRetryingPostgresBackend } from './retrying-postgres-backend';

/** BullMQ's PostgreSQL schema (its default); Flowline's migration 1765300000000 creates it. */
export const QUEUE_SCHEMA = 'bullmq';

/** Connections each worker keeps out of the pool for good: the region and the maintenance consumers' LISTEN. */
const CONSUMER_LISTENERS = 2;

/**
 * Queues in PostgreSQL (single-machine mode), in the deployment's own database: BullMQ's PostgreSQL
 * backend, made the process-wide default so `@nestjs/bullmq`'s workers use it too. One pool per process
 * for every queue; its connections see only the queue schema.
 */
export class PostgresQueueConnections extends QueueConnections {
  readonly backend = 'postgres' as const;
  readonly healthKey = 'queues';
  // None (removed on completion): BullMQ's PostgreSQL backend trims kept jobs on every completion with a statement that reads them
  // all (PL/pgSQL's cached plan cannot use its partial index): 3.7 ms of PostgreSQL CPU per run with a count of
  // 10,000, 2 ms with an age alone (measured). The executions table keeps every run anyway.
  readonly completedRunJobsKept = true;
  // BullMQ's PostgreSQL addBulk creates two temporary tables per call: 8.5 ms of PostgreSQL CPU for a batch
  // of 3 under load (measured), against about 0.5 ms per single add.
  readonly addsJobsInBulk = false;
  private readonly pool: Pool;

  constructor(
    private readonly config: AppConfig,
    applicationName: string,
  ) {
    super();
    setDefaultBackendFactory(createRetryingPostgresBackend);
    this.pool = new Pool({
      connectionString: config.databaseUrl,
      max: Math.max(4, Math.ceil(config.databasePoolSize / 2)) + CONSUMER_LISTENERS,
      keepAlive: true,
      connectionTimeoutMillis: 5000,
      application_name: applicationName,
      options: `-c search_path=${QUEUE_SCHEMA} -c synchronous_commit=off`,
    });
    // Errors surface on the queries that fail; an idle connection dropping must not crash the process.
    this.pool.on('error', () => undefined);
  }

  regionQueue(): QueueStore {
    return { connection: this.connection(), prefix: this.config.redisKeyPrefix };
  }

  mainQueue(): QueueStore {
    return { connection: this.connection(), prefix: this.config.redisKeyPrefix };
  }

  onMainReconnect(): void {
    // PostgreSQL keeps the job schedulers across restarts: nothing to restore.
  }

  async unreachable(): Promise<string[]> {
    return this.pool.query('SELECT 1').then(
      () => [],
      () => ['main'],
    );
  }

  createEventBus(): EventBus {
    return new PostgresEventBus(this.pool, this.config.databaseUrl, this.config.redisKeyPrefix);
  }

  createWindowCounters(database: DataSource): WindowCounters {
    return new PostgresWindowCounters(database);
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }

  /** BullMQ's constructor types name Redis' options; the PostgreSQL backend (the default here) takes a pool. */
  private connection(): ConnectionOptions {
    return this.pool as unknown as ConnectionOptions;
  }
}
