import { Injectable, Logger } from '@nestjs/common';
import { RunAdmission, WaitingRunsPromoter } from '@app/admission';
import { AppConfig } from '@app/config';
import { ExecutionRunRepository, StaleExecution } from '@app/executions';
import { RegionQueues } from '@app/queue-contracts';
import { ExecutionProcessor } from '../execution.processor';

export interface ReconcileReport {
  reEnqueued: number;
  failed: number;
  promotedOwners: number;
}

/**
 * Nothing accepted is lost, and no slot stays held: queued or running rows
 * whose job is gone are enqueued again (the job id is the execution id, so
 * this never duplicates a live job); rows whose job BullMQ gave up on are
 * failed; owners with waiting runs and free slots get them started.
 */
@Injectable()
export class Reconciler {
  private readonly logger = new Logger('Reconciler');

  constructor(
    private readonly runs: ExecutionRunRepository,
    private readonly queues: RegionQueues,
    private readonly admission: RunAdmission,
    private readonly promoter: WaitingRunsPromoter,
    private readonly executions: ExecutionProcessor,
    private readonly config: AppConfig,
  ) {}

  async reconcile(): Promise<ReconcileReport> {
    const report: ReconcileReport = { reEnqueued: 0, failed: 0, promotedOwners: 0 };
    const graceSeconds = Math.max(30, Math.ceil((this.config.worker.lockMs * 3) / 1000));
    const stale = await this.runs.stale(graceSeconds, this.config.reconcileQueuedAgeMs / 1000, 500);
    for (const row of stale) {
      if (!this.config.regions.includes(row.region)) continue;
      // One row whose region's Redis is unreachable must not hold up the others.
      await this.reconcileRow(row, report).catch((error: Error) =>
        this.logger.warn(`Could not reconcile execution ${row.id}: ${error.message}`),
      );
    }
    for (const ownerId of await this.runs.ownersWithWaiting(1000)) {
      if ((await this.promoter.promote(ownerId)) > 0) report.promotedOwners++;
    }
    if (report.reEnqueued + report.failed + report.promotedOwners > 0) this.logger.log(report, 'reconciled');
    return report;
  }

  private async reconcileRow(row: StaleExecution, report: ReconcileReport): Promise<void> {
    const job = await this.queues.get(row.region).getJob(row.id);
    if (!job) {
      await this.admission.enqueue(row);
      report.reEnqueued++;
    } else if ((await job.getState()) === 'failed') {
      await this.executions.failGivenUp(row.id, 'The execution could not be completed by a worker');
      report.failed++;
    }
  }
}
