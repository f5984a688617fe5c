import type { ConnectionOptions, JobsOptions } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { QueueBackend } from '@app/config';
import type { EventBus } from './event-bus';
import type { WindowCounters } from './window-counters';

/** Who uses a queue connection: producers fail fast while the store is away; consumers wait for it. */
export type QueueRole = 'producer' | 'consumer';

/**
 * BullMQ's `connection` and `prefix` options of one queue, decided together: a queue opened on the right
 * store with another prefix would be another queue (on a Redis Cluster, one whose keys span hash slots).
 */
export interface QueueStore {
  connection: ConnectionOptions;
  prefix: string;
}

/**
 * Where this deployment's BullMQ queues live (Redis, a Redis Cluster, or PostgreSQL in single-machine
 * mode). Queues and workers take their `connection` and `prefix` from here and nowhere else; the same
 * queue names, job ids and options work on all of them.
 */
export abstract class QueueConnections {
  abstract readonly backend: QueueBackend;
  /** The readiness check's key for the queue store: `redis`, or `queues` when PostgreSQL holds them. */
  abstract readonly healthKey: string;
  /** Which completed run jobs the store keeps (`removeOnComplete`; the executions table keeps the runs). */
  abstract readonly completedRunJobsKept: JobsOptions['removeOnComplete'];
  /** Whether jobs added at the same time are cheaper as one `addBulk` than one by one. */
  abstract readonly addsJobsInBulk: boolean;

  /** The store of `queueName`, a region's queue (each region may have its own Redis). */
  abstract regionQueue(region: string, queueName: string, role: QueueRole): QueueStore;

  /** The store of `queueName` on the main store (the maintenance queue). */
  abstract mainQueue(queueName: string, role: QueueRole): QueueStore;

  /**
   * Calls `listener` each time the main store is connected again. A Redis that restarted without its data
   * lost the job schedulers; PostgreSQL keeps them, so there it is never called.
   */
  abstract onMainReconnect(listener: () => void): void;

  /** The stores that do not answer now, by name (`main` or a region); empty when all do. */
  abstract unreachable(): Promise<string[]>;

  /** Events between processes, on the same store. */
  abstract createEventBus(): EventBus;

  /** Rate-limit and login counters, on the same store (`database`: the deployment's, for PostgreSQL's table). */
  abstract createWindowCounters(database: DataSource): WindowCounters;

  abstract close(): Promise<void>;
}
