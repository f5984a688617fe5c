import { Injectable, Logger } from '@nestjs/common';
import { Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { WaitingRunsPromoter } from '@app/admission';
import { AppConfig } from '@app/config';
import { FlowlineMetrics } from '@app/metrics';
import { RunResult, runWorkflow, StepDefinition, StepResult } from '@app/engine';
import { ClaimedExecution, ExecutionRunRepository, StepRecord } from '@app/executions';
import { EventBus, EventChannel } from '@app/queue-backend';
import { ExecuteWorkflowJob, ExecutionFinishedEvent } from '@app/queue-contracts';
import { contextOfJob, inSpan, queueMessageAttributes, RunAttribute } from '@app/tracing';
import { CancelListener } from './cancel-listener.service';
import { CredentialResolver } from './credential-resolver';

/** A span per step that runs: position, type and outcome, never its params or output. */
function traceStep(step: StepDefinition, index: number, run: () => Promise<StepResult>): Promise<StepResult> {
  const attributes = { [RunAttribute.stepIndex]: index, [RunAttribute.stepType]: step.type };
  return inSpan(`step ${step.type}`, { attributes }, async (span) => {
    const result = await run();
    span.setAttributes({ [RunAttribute.stepStatus]: result.status, [RunAttribute.stepAttempts]: result.attempts });
    if (result.status === 'failed') span.setStatus({ code: SpanStatusCode.ERROR });
    return result;
  });
}

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

  /** In a span that continues the run's trace from the job's enqueue span (a trace of its own when the job names none). */
  process(job: ExecuteWorkflowJob, workerId: string, queueName: string): Promise<void> {
    const attributes = { ...queueMessageAttributes(queueName, job.executionId, 'process'), [RunAttribute.workerId]: workerId };
    const parent = contextOfJob(job.traceContext);
    return inSpan(`process ${queueName}`, { kind: SpanKind.CONSUMER, parent, attributes }, (span) =>
      this.claimAndExecute(job, workerId, span),
    );
  }

  private async claimAndExecute(job: ExecuteWorkflowJob, workerId: string, span: Span): Promise<void> {
    // Tracked before the claim: a cancel published after the claim's commit reaches this run's signal
    // (one committed before it makes the claim find nothing).
    const abort = this.cancels.track(job.executionId);
    try {
      const claimed = await inSpan('claim execution', {}, () => this.runs.claim(job.executionId, workerId));
      if (!claimed) {
        this.logger.log({ executionId: job.executionId, requestId: job.requestId }, 'execution already final or gone; acknowledged');
        return;
      }
      span.setAttributes({
        [RunAttribute.workflowId]: claimed.workflowId,
        [RunAttribute.ownerId]: claimed.ownerId,
        [RunAttribute.region]: claimed.region,
        [RunAttribute.tier]: claimed.tier,
        [RunAttribute.delivery]: claimed.delivery,
      });
      if (claimed.delivery === 1)
        this.metrics.runStartDelay.observe({ region: claimed.region, tier: claimed.tier }, Math.max(0, claimed.startDelayMs) / 1000);
      const status = await this.execute(claimed, abort.signal, job, workerId);
      span.setAttribute(RunAttribute.status, status);
    } finally {
      this.cancels.untrack(job.executionId);
    }
  }

  private async execute(
    execution: ClaimedExecution,
    signal: AbortSignal,
    job: ExecuteWorkflowJob,
    workerId: string,
  ): Promise<RunResult['status']> {
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
      aroundStep: traceStep,
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
    const finished = await inSpan('finish execution', { attributes: { [RunAttribute.status]: result.status } }, () =>
      this.runs.finish(execution, result, pending),
    );
    this.logger.debug({ executionId: execution.id, requestId: job.requestId, status: result.status, workerId }, 'execution finished');
    if (finished) {
      this.metrics.executionsFinished.inc({ status: result.status, region: finished.region, tier: finished.tier });
      this.metrics.executionDuration.observe({ status: result.status, region: finished.region }, finished.durationMs / 1000);
      await this.afterFinal(execution.id, finished.ownerId, result.status, finished.ownerHasWaiting, execution.resultAwaited);
    } else if (execution.resultAwaited) {
      await this.publishFinished(execution.id, result.status);
    }
    return result.status;
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
