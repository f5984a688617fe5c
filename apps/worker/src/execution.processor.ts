import { Injectable, Logger } from '@nestjs/common';
import { WaitingRunsPromoter } from '@app/admission';
import { AppConfig } from '@app/config';
import { FlowlineMetrics } from '@app/metrics';
import { runWorkflow, StepResult } from '@app/engine';
import { ClaimedExecution, ExecutionRunRepository, StepRecord } from '@app/executions';
import { EventBus, EventChannel } from '@app/queue-backend';
import { ExecuteWorkflowJob, ExecutionFinishedEvent } from '@app/queue-contracts';
import { CancelListener } from './cancel-listener.service';
import { CredentialResolver } from './credential-resolver';

/** Connections opened before the first job, at most (the pool opens more as runs need them). */
const WARM_CONNECTIONS_MAX = 10;

/**
 * Thin: claim the execution, run the engine, record each step and the end.
 * A workflow that fails is a completed job; only infrastructure errors
 * (PostgreSQL down while recording) throw, so BullMQ retries the job and the
 * next delivery resumes after the last recorded step.
 */
@Injectable()
export class ExecutionProcessor {
  private readonly logger = new Logger('ExecutionProcessor');

  constructor(
    private readonly runs: ExecutionRunRepository,
    private readonly cancels: CancelListener,
    private readonly credentials: CredentialResolver,
    private readonly promoter: WaitingRunsPromoter,
    private readonly events: EventBus,
    private readonly config: AppConfig,
    private readonly metrics: FlowlineMetrics,
  ) {}

  /** Before the first job: see ExecutionRunRepository.warmUp. */
  warmUp(concurrency: number): Promise<void> {
    return this.runs.warmUp(Math.min(concurrency, WARM_CONNECTIONS_MAX));
  }

  async process(job: ExecuteWorkflowJob, workerId: string): Promise<void> {
    // Tracked before the claim: a cancel published after the claim's commit reaches this run's signal
    // (one committed before it makes the claim find nothing).
    const abort = this.cancels.track(job.executionId);
    try {
      const claimed = await this.runs.claim(job.executionId, workerId);
      if (!claimed) {
        this.logger.log({ executionId: job.executionId, requestId: job.requestId }, 'execution already final or gone; acknowledged');
        return;
      }
      if (claimed.delivery === 1)
        this.metrics.runStartDelay.observe({ region: claimed.region, tier: claimed.tier }, Math.max(0, claimed.startDelayMs) / 1000);
      await this.execute(claimed, abort.signal, job, workerId);
    } finally {
      this.cancels.untrack(job.executionId);
    }
  }

  private async execute(execution: ClaimedExecution, signal: AbortSignal, job: ExecuteWorkflowJob, workerId: string): Promise<void> {
    const { delivery } = execution;
    const positions = new Map(execution.definition.map((step, index) => [step.id, index]));
    const recordOf = (result: StepResult): StepRecord => ({ position: positions.get(result.id) ?? 0, result });
    // A finished step is written when the next one starts (so a crash never repeats it), or with the final state.
    let unwritten: StepRecord | null = null;
    const writeUnwritten = async (): Promise<void> => {
      if (!unwritten) return;
      await this.runs.recordStep(execution.id, delivery, unwritten);
      unwritten = null;
    };
    const result = await runWorkflow(execution.definition, {
      input: execution.input,
      signal,
      timeoutMs: this.config.executionTimeoutMs,
      completed: execution.completed,
      http: { allowPrivate: this.config.httpStepAllowPrivate },
      resolveCredential: (credentialId) => this.credentials.headersFor(execution.ownerId, credentialId),
      onStepStarting: writeUnwritten,
      onStepFinished: async (step) => {
        await writeUnwritten();
        unwritten = recordOf(step);
      },
    });
    const pending = unwritten as StepRecord | null;
    for (const step of result.steps) {
      if ((step.status === 'skipped' || step.status === 'cancelled') && step.id !== pending?.result.id)
        await this.runs.recordStep(execution.id, delivery, recordOf(step));
    }
    const finished = await this.runs.finish(execution, result, pending);
    this.logger.debug({ executionId: execution.id, requestId: job.requestId, status: result.status, workerId }, 'execution finished');
    if (finished) {
      this.metrics.executionsFinished.inc({ status: result.status, region: finished.region, tier: finished.tier });
      this.metrics.executionDuration.observe({ status: result.status, region: finished.region }, finished.durationMs / 1000);
      await this.afterFinal(execution.id, finished.ownerId, result.status, finished.ownerHasWaiting, execution.resultAwaited);
    } else if (execution.resultAwaited) {
      await this.publishFinished(execution.id, result.status);
    }
  }

  async failGivenUp(executionId: string, reason: string): Promise<void> {
    const ownerId = await this.runs.failUnfinished(executionId, reason);
    if (ownerId) await this.afterFinal(executionId, ownerId, 'failed', true, true);
  }

  /** A slot just freed: tell a waiting POST /run request, and start the owner's next waiting run. */
  private async afterFinal(
    executionId: string,
    ownerId: string,
    status: string,
    ownerHasWaiting: boolean,
    resultAwaited: boolean,
  ): Promise<void> {
    if (resultAwaited) await this.publishFinished(executionId, status);
    if (!ownerHasWaiting) return;
    await this.promoter.promote(ownerId).catch((error: Error) => this.logger.warn(`Could not promote waiting runs: ${error.message}`));
  }

  private async publishFinished(executionId: string, status: string): Promise<void> {
    const event: ExecutionFinishedEvent = { executionId, status };
    await this.events.publish(EventChannel.ExecutionFinished, JSON.stringify(event)).catch(() => undefined);
  }
}
