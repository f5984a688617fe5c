import { Injectable, Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { TALLY_SETTLE_SECONDS } from '@app/admission';
import { AppConfig } from '@app/config';
import { RejectionTallyRepository } from '@app/executions';
import { MAINTENANCE_QUEUE, MaintenanceJob } from '@app/queue-contracts';
import { checkJobTable, isNameOf } from '../consumers/job-table';
import { QueueConsumerHost } from '../consumers/queue-consumer.host';
import { FairShareRebase } from './fair-share-rebase.service';
import { Reconciler } from './reconciler.service';
import { RetentionService } from './retention.service';

/** Consumes the maintenance queue on the main Redis at concurrency 1 (see MaintenanceScheduler). */
@Injectable()
export class MaintenanceProcessor extends QueueConsumerHost<void> {
  private readonly tasks: Readonly<Record<MaintenanceJob, () => Promise<unknown>>>;

  constructor(
    config: AppConfig,
    reconciler: Reconciler,
    retention: RetentionService,
    rebase: FairShareRebase,
    rejections: RejectionTallyRepository,
  ) {
    super(new Logger('Maintenance'), config.worker.shutdownGraceMs);
    this.tasks = checkJobTable(MAINTENANCE_QUEUE, MaintenanceJob, {
      [MaintenanceJob.Reconcile]: async () => ({
        ...(await reconciler.reconcile()),
        rebased: await rebase.rebase(),
        // Finished minutes of limit rejections become their run.rejected audit rows.
        rejectionAuditRows: await rejections.moveToAudit(TALLY_SETTLE_SECONDS),
      }),
      [MaintenanceJob.Retention]: () => retention.purge(),
    });
  }

  protected async handle(job: Job<void>): Promise<unknown> {
    if (isNameOf(MaintenanceJob, job.name)) return this.tasks[job.name]();
    // A scheduler left by another version of the worker: acknowledged, so it does not pile up failures.
    this.logger.warn(`Unknown maintenance job ${job.name}`);
    return null;
  }
}
