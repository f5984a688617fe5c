import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '@app/config';
import { MAINTENANCE_QUEUE, MaintenanceJob } from '@app/queue-contracts';
import { QueueConnections } from '@app/queue-backend';

const KEEP = { removeOnComplete: { count: 10 }, removeOnFail: { count: 50 } };

/**
 * Every worker upserts the maintenance job schedulers (idempotently); they produce one job per tick, and
 * MaintenanceProcessor consumes them at concurrency 1, so each task runs once at a time across the fleet.
 * A producer connection: a store down at boot is warned about, not waited for.
 */
@Injectable()
export class MaintenanceScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Maintenance');
  private queue?: Queue;

  constructor(
    private readonly config: AppConfig,
    private readonly connections: QueueConnections,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.queue = new Queue(MAINTENANCE_QUEUE, this.connections.mainQueue(MAINTENANCE_QUEUE, 'producer'));
    this.queue.on('error', () => undefined);
    await this.schedule();
    // A store that came back without its data (Redis without persistence, a failover) has lost the scheduler,
    // and the reconciler is what rescues the runs whose jobs were lost with it.
    this.connections.onMainReconnect(() => void this.schedule());
  }

  private async schedule(): Promise<void> {
    await this.queue
      ?.upsertJobScheduler(
        MaintenanceJob.Reconcile,
        { every: this.config.reconcileIntervalMs },
        { name: MaintenanceJob.Reconcile, opts: KEEP },
      )
      .catch((error: Error) => this.logger.warn(`Could not schedule reconciliation: ${error.message}`));
    await this.queue
      ?.upsertJobScheduler(
        MaintenanceJob.Retention,
        { pattern: this.config.retentionCron, tz: 'UTC' },
        { name: MaintenanceJob.Retention, opts: KEEP },
      )
      .catch((error: Error) => this.logger.warn(`Could not schedule the retention purge: ${error.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue?.close().catch(() => undefined);
  }
}
