import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RunAdmission } from '@app/admission';
import { UserEntity, WorkflowEntity } from '@app/database';
import { RunLimitError } from '@app/errors';
import { ScheduledTickJob } from '@app/queue-contracts';
import { inSpan, RunAttribute } from '@app/tracing';

/** A schedule tick is a run request like any other: it goes through admission and its limits. */
@Injectable()
export class ScheduledTickHandler {
  private readonly logger = new Logger('ScheduledTick');

  constructor(
    private readonly dataSource: DataSource,
    private readonly admission: RunAdmission,
  ) {}

  /** A tick starts the trace of the run it admits. */
  handle(job: ScheduledTickJob): Promise<void> {
    return inSpan('schedule tick', { root: true, attributes: { [RunAttribute.workflowId]: job.workflowId } }, () => this.admitTick(job));
  }

  private async admitTick(job: ScheduledTickJob): Promise<void> {
    const workflow = await this.dataSource.getRepository(WorkflowEntity).findOneBy({ id: job.workflowId });
    if (!workflow || workflow.trigger.type !== 'schedule' || !workflow.active) {
      this.logger.log({ workflowId: job.workflowId }, 'tick for a deleted, inactive or unscheduled workflow ignored');
      return;
    }
    const owner = await this.dataSource.getRepository(UserEntity).findOneBy({ id: workflow.ownerId });
    if (!owner || owner.disabled) return;
    const executionId = randomUUID();
    try {
      const { execution } = await this.admission.admit({
        executionId,
        owner,
        workflowId: workflow.id,
        trigger: 'schedule',
        input: { scheduledAt: new Date().toISOString() },
        // A tick is a run request of the owner's: audited with the run, in its admission statement.
        audit: {
          actorId: owner.id,
          action: 'run.request',
          targetType: 'workflow',
          targetId: workflow.id,
          ip: null,
          userAgent: null,
          requestId: null,
          metadata: { executionId, trigger: 'schedule' },
        },
      });
      this.logger.log({ workflowId: workflow.id, executionId: execution.id }, 'scheduled run accepted');
    } catch (error) {
      if (error instanceof RunLimitError) {
        // A rejected tick creates nothing; it is logged (and counted in metrics).
        this.logger.warn({ workflowId: workflow.id, code: error.code }, 'scheduled run rejected by a limit');
        return;
      }
      throw error;
    }
  }
}
