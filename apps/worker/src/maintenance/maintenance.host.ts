import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import { AppConfig } from '@app/config';
import { MAINTENANCE_QUEUE, MaintenanceJob } from '@app/queue-contracts';
import { createRedis, failFastRedisOptions, workerRedisOptions } from '@app/redis';
import { Reconciler } from './reconciler.service';
import { RetentionService } from './retention.service';

/**
 * Every worker process consumes the maintenance queue at concurrency 1; the
 * job schedulers (upserted idempotently by each worker) produce one job per
 * tick, so each task runs once at a time across the whole fleet.
 */
@Injectable()
export class MaintenanceHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Maintenance');
  private queue?: Queue;
  private worker?: Worker;

  constructor(
    private readonly config: AppConfig,
    private readonly reconciler: Reconciler,
    private readonly retention: RetentionService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const prefix = this.config.redisKeyPrefix;
    const connection = createRedis(this.config.redisUrl, failFastRedisOptions());
    this.queue = new Queue(MAINTENANCE_QUEUE, { connection, prefix });
    this.queue.on('error', () => undefined);
    await this.schedule();
    // After every reconnect: a Redis that came back without its data (no persistence, a failover) has lost the
    // scheduler, and the reconciler is what rescues the runs whose jobs were lost with it.
    connection.on('ready', () => void this.schedule());
    this.worker = new Worker(MAINTENANCE_QUEUE, (job) => this.run(job.name), {
      connection: createRedis(this.config.redisUrl, workerRedisOptions()),
      prefix,
      concurrency: 1,
    });
    this.worker.on('error', (error) => this.logger.warn(`Maintenance queue problem: ${error.message}`));
  }

  private async schedule(): Promise<void> {
    await this.queue
      ?.upsertJobScheduler(
        MaintenanceJob.Reconcile,
        { every: this.config.reconcileIntervalMs },
        { name: MaintenanceJob.Reconcile, opts: { removeOnComplete: { count: 10 }, removeOnFail: { count: 50 } } },
      )
      .catch((error: Error) => this.logger.warn(`Could not schedule reconciliation: ${error.message}`));
    await this.queue
      ?.upsertJobScheduler(
        MaintenanceJob.Retention,
        { pattern: this.config.retentionCron, tz: 'UTC' },
        { name: MaintenanceJob.Retention, opts: { removeOnComplete: { count: 10 }, removeOnFail: { count: 50 } } },
      )
      .catch((error: Error) => this.logger.warn(`Could not schedule the retention purge: ${error.message}`));
  }

  private async run(name: string): Promise<unknown> {
    if (name === MaintenanceJob.Reconcile) return this.reconciler.reconcile();
    if (name === MaintenanceJob.Retention) return this.retention.purge();
    this.logger.warn(`Unknown maintenance job ${name}`);
    return null;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close().catch(() => undefined);
    await this.queue?.close().catch(() => undefined);
  }
}
