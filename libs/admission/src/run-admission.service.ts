import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '@app/config';
import { FlowlineMetrics } from '@app/metrics';
import { ExecutionEntity, ExecutionStatus, namedStatement, SqlPool } from '@app/database';
import {
  AppError,
  ConcurrencyLimitError,
  DailyExecutionLimitError,
  NotFoundError,
  RunLimitError,
  ServiceUnavailableError,
  UnknownRegionError,
  WaitingLimitError,
  WorkflowInactiveError,
} from '@app/errors';
import { executeJobOptions, JobName, RegionQueues, regionQueueName } from '@app/queue-contracts';
import { effectiveLimits, queuePriority, TierLimits } from '@app/tier-policy';
import { AdmissionRequest, Admitted, MAX_WAITING_RUNS } from './admission.types';
import { WorkerPresence } from './worker-presence.service';

// Workflow, region, limits, the row and its audit row in one round trip: see migration 1764900000000.
const ADMIT = namedStatement(
  'admit_execution',
  `SELECT decision, admitted_region, admitted_queue, admitted_at, usage_active, usage_waiting, usage_today
     FROM flowline_admit_execution($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14, $15, $16, $17, $18::jsonb)`,
);
const WITHDRAW = namedStatement('withdraw_execution', `DELETE FROM executions WHERE id = $1 AND status = 'queued'`);

type Decision =
  | 'queued'
  | 'waiting'
  | 'workflow_not_found'
  | 'workflow_inactive'
  | 'unknown_region'
  | 'daily_limit'
  | 'concurrency_limit'
  | 'waiting_limit';

interface AdmitRow {
  decision: Decision;
  admitted_region: string | null;
  admitted_queue: string | null;
  admitted_at: Date | null;
  usage_active: number | null;
  usage_waiting: number | null;
  usage_today: number | null;
}

/**
 * The one door every run goes through (API, webhook, schedule tick):
 * workflow state, region routing, tier limits, the execution row, the job.
 */
@Injectable()
export class RunAdmission {
  private readonly logger = new Logger(RunAdmission.name);

  constructor(
    private readonly sql: SqlPool,
    private readonly queues: RegionQueues,
    private readonly config: AppConfig,
    private readonly metrics: FlowlineMetrics,
    private readonly presence: WorkerPresence,
  ) {}

  async admit(request: AdmissionRequest): Promise<Admitted> {
    const { owner } = request;
    const limits = effectiveLimits(owner.tier, owner.customLimits);
    const id = request.executionId ?? randomUUID();
    const priority = queuePriority(owner.tier);
    const row = await this.admitRow(id, priority, request, limits);
    const refusal = this.refusalOf(row, request, limits);
    if (refusal) {
      if (refusal instanceof RunLimitError)
        this.metrics.limitRejections.inc({ code: refusal.code, region: row.admitted_region ?? '', tier: owner.tier });
      throw refusal;
    }
    const region = row.admitted_region as string;
    const execution = Object.assign(new ExecutionEntity(), {
      id,
      ownerId: owner.id,
      workflowId: request.workflowId,
      status: row.decision as ExecutionStatus,
      trigger: request.trigger,
      region,
      queue: row.admitted_queue as string,
      priority,
      input: request.input ?? null,
      requestId: request.requestId ?? null,
      deliveries: 0,
      createdAt: row.admitted_at as Date,
    });
    if (execution.status === 'queued') await this.enqueueOrWithdraw(execution);
    this.metrics.executionsAccepted.inc({ region, tier: owner.tier, trigger: request.trigger });
    const warnings = (await this.presence.hasWorkers(region)) ? [] : [`no worker is online in ${region}`];
    return { execution, warnings };
  }

  private async admitRow(id: string, priority: number, request: AdmissionRequest, limits: TierLimits): Promise<AdmitRow> {
    const { owner } = request;
    const regions = this.config.regions;
    // JSON values are sent as text: pg would turn a JS array into a PostgreSQL array.
    const row = await this.sql.one<AdmitRow>(ADMIT, [
      id,
      owner.id,
      request.workflowId,
      request.trigger,
      request.region ?? null,
      owner.preferredRegion,
      this.config.defaultRegion,
      regions,
      regions.map(regionQueueName),
      priority,
      JSON.stringify(request.input ?? null),
      request.requestId ?? null,
      request.resultAwaited === true,
      limits.maxConcurrentJobs,
      limits.dailyExecutions,
      request.whenBusy === 'queue',
      MAX_WAITING_RUNS,
      request.audit ? JSON.stringify(request.audit) : null,
    ]);
    if (!row) throw new Error('admission returned no row');
    return row;
  }

  /** The error for a refused admission, or null when the run was accepted. */
  private refusalOf(row: AdmitRow, request: AdmissionRequest, limits: TierLimits): AppError | null {
    switch (row.decision) {
      case 'workflow_not_found':
        return new NotFoundError('Workflow');
      case 'workflow_inactive':
        return new WorkflowInactiveError();
      case 'unknown_region':
        return new UnknownRegionError(row.admitted_region ?? request.region ?? '', this.config.regions);
      case 'daily_limit':
        return new DailyExecutionLimitError(limits.dailyExecutions as number, row.usage_today ?? 0);
      case 'concurrency_limit':
        return new ConcurrencyLimitError(limits.maxConcurrentJobs as number, row.usage_active ?? 0);
      case 'waiting_limit':
        return new WaitingLimitError(MAX_WAITING_RUNS, row.usage_waiting ?? 0);
      default:
        return null;
    }
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
      await this.sql.rows(WITHDRAW, [execution.id]).catch(() => undefined);
      throw new ServiceUnavailableError('The run queue is unavailable; the run was not accepted. Try again shortly.');
    }
  }

  enqueue(execution: Pick<ExecutionEntity, 'id' | 'region' | 'priority' | 'requestId'>): Promise<unknown> {
    return this.queues
      .get(execution.region)
      .add(
        JobName.ExecuteWorkflow,
        { executionId: execution.id, requestId: execution.requestId ?? undefined },
        executeJobOptions(execution.id, execution.priority),
      );
  }
}
