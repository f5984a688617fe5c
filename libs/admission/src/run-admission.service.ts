import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/config';
import { FlowlineMetrics } from '@app/metrics';
import { ExecutionEntity, ExecutionStatus } from '@app/database';
import { AppError, ConcurrencyLimitError, DailyExecutionLimitError, ServiceUnavailableError, WaitingLimitError, WorkflowInactiveError } from '@app/errors';
import { executeJobOptions, JobName, RegionQueues, regionQueueName } from '@app/queue-contracts';
import { effectiveLimits, queuePriority, TierLimits, withinLimit } from '@app/tier-policy';
import { AdmissionRequest, Admitted, MAX_WAITING_RUNS } from './admission.types';
import { resolveRunRegion } from './resolve-region';
import { LiveUsage, lockOwner, readLiveUsage } from './usage-counter';
import { WorkerPresence } from './worker-presence.service';

/**
 * The one door every run goes through (API, webhook, schedule tick):
 * workflow state, region routing, tier limits, the execution row, the job.
 */
@Injectable()
export class RunAdmission {
  private readonly logger = new Logger(RunAdmission.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly queues: RegionQueues,
    private readonly presence: WorkerPresence,
    private readonly config: AppConfig,
    private readonly metrics: FlowlineMetrics,
  ) {}

  async admit(request: AdmissionRequest): Promise<Admitted> {
    const { owner, workflow } = request;
    if (!workflow.active) throw new WorkflowInactiveError();
    const region = resolveRunRegion({ requested: request.region, workflowPin: workflow.region, preferred: owner.preferredRegion }, this.config.regions, this.config.defaultRegion);
    const limits = effectiveLimits(owner.tier, owner.customLimits);
    const priority = queuePriority(owner.tier);

    const execution = await this.insertWithinLimits(request, region, priority, limits).catch((error: unknown) => {
      if (error instanceof AppError && error.status === 429) this.metrics.limitRejections.inc({ code: error.code, region, tier: owner.tier });
      throw error;
    });
    if (execution.status === 'queued') await this.enqueueOrWithdraw(execution);
    this.metrics.executionsAccepted.inc({ region, tier: owner.tier, trigger: request.trigger });
    const warnings = (await this.presence.hasWorkers(region)) ? [] : [`no worker is online in ${region}`];
    return { execution, warnings };
  }

  private async insertWithinLimits(request: AdmissionRequest, region: string, priority: number, limits: TierLimits): Promise<ExecutionEntity> {
    const { owner, workflow } = request;
    const limited = limits.maxConcurrentJobs !== null || limits.dailyExecutions !== null;
    // A snapshot already over a limit can only mean a rejection: answering it without the owner lock keeps a
    // burst from one user from parking every request (each holding a pooled connection) in the lock's queue.
    if (limited) statusWithinLimits(request, limits, await readLiveUsage(this.dataSource.manager, owner.id));
    return this.dataSource.transaction(async (manager) => {
      let status: ExecutionStatus = 'queued';
      if (limited) {
        await lockOwner(manager, owner.id);
        status = statusWithinLimits(request, limits, await readLiveUsage(manager, owner.id));
      }
      const row = manager.create(ExecutionEntity, {
        id: randomUUID(),
        ownerId: owner.id,
        workflowId: workflow.id,
        status,
        trigger: request.trigger,
        region,
        queue: regionQueueName(region),
        priority,
        definition: workflow.steps,
        input: request.input ?? null,
        requestId: request.requestId ?? null,
        deliveries: 0,
      });
      // JSON columns are sent as text: pg would turn a JS array into a PostgreSQL array.
      const [inserted] = (await manager.query(
        `INSERT INTO executions (id, owner_id, workflow_id, status, trigger, region, queue, priority, definition, input, request_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11) RETURNING created_at`,
        [row.id, row.ownerId, row.workflowId, row.status, row.trigger, row.region, row.queue, row.priority, JSON.stringify(row.definition), JSON.stringify(row.input), row.requestId],
      )) as { created_at: Date }[];
      row.createdAt = inserted.created_at;
      await request.onAdmitted?.(manager, row);
      return row;
    });
  }

  /**
   * The row is committed before the job is added, so a worker never sees a
   * job without its row. If the add fails, the run was not accepted: the row
   * is withdrawn (freeing the slot and the daily quota) and the caller gets
   * 503. If even that fails, the reconciler re-enqueues the queued row.
   */
  private async enqueueOrWithdraw(execution: ExecutionEntity): Promise<void> {
    try {
      await this.enqueue(execution);
    } catch (error) {
      this.logger.warn(`Could not enqueue execution ${execution.id}: ${(error as Error).message}`);
      await this.dataSource.query(`DELETE FROM executions WHERE id = $1 AND status = 'queued'`, [execution.id]).catch(() => undefined);
      throw new ServiceUnavailableError('The run queue is unavailable; the run was not accepted. Try again shortly.');
    }
  }

  enqueue(execution: Pick<ExecutionEntity, 'id' | 'region' | 'priority' | 'requestId'>): Promise<unknown> {
    return this.queues
      .get(execution.region)
      .add(JobName.ExecuteWorkflow, { executionId: execution.id, requestId: execution.requestId ?? undefined }, executeJobOptions(execution.id, execution.priority));
  }
}

/** The status a new run gets under these limits and this usage, or the limit error. */
function statusWithinLimits(request: AdmissionRequest, limits: TierLimits, usage: LiveUsage): ExecutionStatus {
  if (!withinLimit(limits.dailyExecutions, usage.today)) throw new DailyExecutionLimitError(limits.dailyExecutions as number, usage.today);
  // FIFO: while runs wait, a queue-when-busy run waits behind them.
  const slotFree = withinLimit(limits.maxConcurrentJobs, usage.active);
  if (slotFree && !(request.whenBusy === 'queue' && usage.waiting > 0)) return 'queued';
  if (request.whenBusy !== 'queue') throw new ConcurrencyLimitError(limits.maxConcurrentJobs as number, usage.active);
  if (usage.waiting >= MAX_WAITING_RUNS) throw new WaitingLimitError(MAX_WAITING_RUNS, usage.waiting);
  return 'waiting';
}
