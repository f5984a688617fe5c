import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { WorkflowEntity } from '@app/database';
import { chooseRegion } from '@app/executions';
import { JobName, RegionQueues, scheduleId } from '@app/queue-contracts';

/**
 * A schedule trigger is a BullMQ job scheduler on the workflow's region
 * queue; each tick goes through admission like any other run.
 */
@Injectable()
export class WorkflowSchedules {
  constructor(
    private readonly queues: RegionQueues,
    private readonly config: AppConfig,
  ) {}

  async sync(workflow: WorkflowEntity, ownerPreferredRegion: string | null): Promise<void> {
    const id = scheduleId(workflow.id);
    const region = chooseRegion({
      requested: null,
      workflowPin: workflow.region,
      preferred: ownerPreferredRegion,
      default: this.config.defaultRegion,
    });
    const trigger = workflow.trigger;
    for (const [queueRegion, queue] of this.queues.entries()) {
      if (trigger.type === 'schedule' && workflow.active && queueRegion === region) {
        await queue.upsertJobScheduler(
          id,
          { pattern: trigger.cron, tz: trigger.timezone ?? 'UTC' },
          {
            name: JobName.ScheduledTick,
            data: { workflowId: workflow.id },
            opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
          },
        );
      } else {
        await queue.removeJobScheduler(id);
      }
    }
  }

  async remove(workflowId: string): Promise<void> {
    for (const [, queue] of this.queues.entries()) await queue.removeJobScheduler(scheduleId(workflowId));
  }
}
