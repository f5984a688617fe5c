import { Injectable, Logger } from '@nestjs/common';
import { WaitingRunsPromoter } from '@app/admission';
import { ExecutionEntity, ExecutionStepEntity } from '@app/database';
import { AppError, NotFoundError, RunErrorCode } from '@app/errors';
import { ExecutionReadRepository } from '@app/executions';
import { EventBus, EventChannel } from '@app/queue-backend';
import { RegionQueues } from '@app/queue-contracts';
import type { Limit } from '@app/tier-policy';
import { ExecutionListQuery } from './executions.dto';

@Injectable()
export class ExecutionsService {
  private readonly logger = new Logger(ExecutionsService.name);

  constructor(
    private readonly executions: ExecutionReadRepository,
    private readonly queues: RegionQueues,
    private readonly promoter: WaitingRunsPromoter,
    private readonly events: EventBus,
  ) {}

  list(ownerId: string, query: ExecutionListQuery, retentionDays: Limit): Promise<[ExecutionEntity[], number]> {
    return this.executions.list(ownerId, query, retentionDays);
  }

  /** `retentionDays` hides what the owner's tier no longer keeps (readers pass it; internal callers may not). */
  async get(ownerId: string, id: string, retentionDays: Limit = null): Promise<ExecutionEntity> {
    const execution = await this.executions.find(ownerId, id, retentionDays);
    if (!execution) throw new NotFoundError('Execution');
    return execution;
  }

  stepsOf(ownerId: string, executionId: string): Promise<ExecutionStepEntity[]> {
    return this.executions.stepsOf(ownerId, executionId);
  }

  /**
   * waiting/queued: cancelled at once and taken off the queue. running: marked
   * cancelled here; the worker is told by a cancel event, aborts the step in
   * flight and runs no further step. Final: 409.
   */
  async cancel(ownerId: string, id: string, retentionDays: Limit = null): Promise<ExecutionEntity> {
    const cancelled = await this.executions.cancel(ownerId, id, retentionDays);
    if (!cancelled) {
      // Outside the retention window it does not exist for the caller, as when reading it: 404, not 409.
      const execution = await this.get(ownerId, id, retentionDays);
      throw new AppError(RunErrorCode.ExecutionFinal, `The execution already ended (${execution.status})`);
    }
    if (cancelled.previousStatus === 'queued') {
      await this.queues
        .get(cancelled.region)
        .remove(id)
        .catch(() => undefined);
    }
    if (cancelled.previousStatus === 'running') {
      await this.events
        .publish(EventChannel.CancelExecution, id)
        .catch((error: Error) => this.logger.warn(`Cancel signal not sent for ${id}: ${error.message}`));
    }
    if (cancelled.previousStatus !== 'waiting') await this.promoter.promote(ownerId).catch(() => undefined);
    return this.get(ownerId, id, retentionDays);
  }
}
