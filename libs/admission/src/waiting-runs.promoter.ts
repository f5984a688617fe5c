import { Injectable, Logger } from '@nestjs/common';
import { ExecutionAdmissionRepository } from '@app/executions';
import { RunAdmission } from './run-admission.service';

/**
 * Starts a user's waiting runs, oldest first, as slots free. Runs under the
 * same per-owner lock as admission, so promotion never exceeds the limit.
 */
@Injectable()
export class WaitingRunsPromoter {
  private readonly logger = new Logger(WaitingRunsPromoter.name);

  constructor(
    private readonly executions: ExecutionAdmissionRepository,
    private readonly admission: RunAdmission,
  ) {}

  async promote(ownerId: string): Promise<number> {
    const promoted = await this.executions.promoteWaiting(ownerId);
    for (const run of promoted) {
      // A failed add leaves the row queued; the reconciler enqueues it later.
      await this.admission.enqueue(run).catch((error: Error) => {
        this.logger.warn(`Could not enqueue promoted execution ${run.id}: ${error.message}`);
      });
    }
    return promoted.length;
  }
}
