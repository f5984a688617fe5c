import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '@app/config';
import { FlowlineMetrics } from '@app/metrics';
import { ExecutionEntity, ExecutionStatus } from '@app/database';
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
import { AdmitArgument, AdmitOutcome, ExecutionAdmissionRepository, MAX_WAITING_RUNS } from '@app/executions';
import { RegionQueues, regionQueueName, RunToEnqueue } from '@app/queue-contracts';
import { effectiveLimits, queueWeight, TierLimits } from '@app/tier-policy';
import { inSpan, jobTraceContextOf, linksToActiveSpan, queueMessageAttributes, RunAttribute } from '@app/tracing';
import { SpanKind } from '@opentelemetry/api';
import { AdmissionRequest, Admitted } from './admission.types';
import { RecentRefusals, RefusalKey } from './recent-refusals';
import { RejectionTallies } from './rejection-tallies';
import { WorkerPresence } from './worker-presence.service';

/**
 * The one door every run goes through (API, webhook, schedule tick):
 * workflow state, region routing, tier limits, the execution row, the job.
 */
@Injectable()
export class RunAdmission {
  private readonly logger = new Logger(RunAdmission.name);
  private readonly refusals = new RecentRefusals();
  /** Each configured region's queue, as the admission statement takes them. */
  private readonly regionQueues: Record<string, string>;

  constructor(
    private readonly executions: ExecutionAdmissionRepository,
    private readonly queues: RegionQueues,
    private readonly config: AppConfig,
    private readonly metrics: FlowlineMetrics,
    private readonly presence: WorkerPresence,
    private readonly rejections: RejectionTallies,
  ) {
    this.regionQueues = Object.fromEntries(config.regions.map((region) => [region, regionQueueName(region)]));
  }

  /** In a span of the run's trace: the accepting request's, or the schedule tick's. */
  admit(request: AdmissionRequest): Promise<Admitted> {
    const id = request.executionId ?? randomUUID();
    const attributes = {
      [RunAttribute.executionId]: id,
      [RunAttribute.workflowId]: request.workflowId,
      [RunAttribute.ownerId]: request.owner.id,
      [RunAttribute.tier]: request.owner.tier,
      [RunAttribute.trigger]: request.trigger,
    };
    return inSpan('admit run', { attributes }, async (span) => {
      const admitted = await this.admitAs(id, request);
      span.setAttributes({ [RunAttribute.region]: admitted.execution.region, [RunAttribute.admission]: admitted.execution.status });
      return admitted;
    });
  }

  private async admitAs(id: string, request: AdmissionRequest): Promise<Admitted> {
    const { owner } = request;
    const limits = effectiveLimits(owner.tier, owner.customLimits);
    const key = refusalKeyOf(request, limits);
    const recalled = this.refusals.recall(key);
    const decidedAt = Date.now();
    const outcome = recalled ?? (await this.executions.admit(this.argumentOf(id, request, limits)));
    const refusal = this.refusalOf(outcome, request, limits);
    if (refusal) {
      if (refusal instanceof RunLimitError) {
        if (!recalled) this.refusals.remember(key, outcome, decidedAt);
        this.metrics.limitRejections.inc({ code: refusal.code, region: outcome.region ?? '', tier: owner.tier });
        // Audited as one run.rejected row per owner, code and minute (RejectionTallies), not a row each.
        this.rejections.count(owner.id, refusal.code);
      }
      throw refusal;
    }
    const region = outcome.region as string;
    const execution = Object.assign(new ExecutionEntity(), {
      id,
      ownerId: owner.id,
      workflowId: request.workflowId,
      status: outcome.decision as ExecutionStatus,
      trigger: request.trigger,
      region,
      queue: outcome.queue as string,
      priority: outcome.priority,
      input: request.input ?? null,
      requestId: request.requestId ?? null,
      deliveries: 0,
      createdAt: outcome.createdAt as Date,
    });
    if (execution.status === 'queued') await this.enqueueOrWithdraw(execution);
    this.metrics.executionsAccepted.inc({ region, tier: owner.tier, trigger: request.trigger });
    const warnings = (await this.presence.hasWorkers(region)) ? [] : [`no worker is online in ${region}`];
    return { execution, warnings };
  }

  private argumentOf(id: string, request: AdmissionRequest, limits: TierLimits): AdmitArgument {
    const { owner } = request;
    return {
      id,
      ownerId: owner.id,
      workflowId: request.workflowId,
      trigger: request.trigger,
      queueWeight: queueWeight(owner.tier, owner.customLimits),
      input: request.input ?? null,
      requestId: request.requestId ?? null,
      resultAwaited: request.resultAwaited === true,
      region: { requested: request.region ?? null, preferred: owner.preferredRegion, default: this.config.defaultRegion },
      queues: this.regionQueues,
      limits: {
        maxConcurrent: limits.maxConcurrentJobs,
        daily: limits.dailyExecutions,
        queueWhenBusy: request.whenBusy === 'queue',
        maxWaiting: MAX_WAITING_RUNS,
      },
      audit: request.audit ?? null,
    };
  }

  /** The error for a refused admission, or null when the run was accepted (a recalled refusal is rebuilt the same way). */
  private refusalOf(outcome: AdmitOutcome, request: AdmissionRequest, limits: TierLimits): AppError | null {
    switch (outcome.decision) {
      case 'workflow_not_found':
        return new NotFoundError('Workflow');
      case 'workflow_inactive':
        return new WorkflowInactiveError();
      case 'unknown_region':
        return new UnknownRegionError(outcome.region ?? request.region ?? '', this.config.regions);
      case 'daily_limit':
        return new DailyExecutionLimitError(limits.dailyExecutions as number, outcome.usage?.today ?? 0);
      case 'concurrency_limit':
        return new ConcurrencyLimitError(limits.maxConcurrentJobs as number, outcome.usage?.active ?? 0);
      case 'waiting_limit':
        return new WaitingLimitError(MAX_WAITING_RUNS, outcome.usage?.waiting ?? 0);
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
      await this.enqueueTraced(execution, false);
    } catch (error) {
      this.logger.warn(`Could not enqueue execution ${execution.id}: ${(error as Error).message}`);
      await this.executions.withdraw(execution.id).catch(() => undefined);
      throw new ServiceUnavailableError('The run queue is unavailable; the run was not accepted. Try again shortly.');
    }
  }

  /**
   * A run accepted earlier (a waiting run promoted, a run whose job went missing): its job starts a trace of its own,
   * linked to whatever span is active (the run whose end freed the slot), never continuing that other run's trace.
   */
  enqueue(run: RunToEnqueue): Promise<void> {
    return this.enqueueTraced(run, true);
  }

  /** The job carries the enqueue span's context: the worker's spans of the run are its children. */
  private enqueueTraced(run: RunToEnqueue, newTrace: boolean): Promise<void> {
    const queue = regionQueueName(run.region);
    const attributes = { ...queueMessageAttributes(queue, run.id, 'send'), [RunAttribute.region]: run.region };
    const links = newTrace ? linksToActiveSpan() : undefined;
    return inSpan(`send ${queue}`, { kind: SpanKind.PRODUCER, attributes, root: newTrace, links }, () =>
      this.queues.enqueueRun({
        id: run.id,
        region: run.region,
        priority: run.priority,
        requestId: run.requestId,
        traceContext: jobTraceContextOf(),
      }),
    );
  }
}

function refusalKeyOf(request: AdmissionRequest, limits: TierLimits): RefusalKey {
  return {
    ownerId: request.owner.id,
    workflowId: request.workflowId,
    region: request.region ?? null,
    queueWhenBusy: request.whenBusy === 'queue',
    maxConcurrent: limits.maxConcurrentJobs,
    daily: limits.dailyExecutions,
  };
}
