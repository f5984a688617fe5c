import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { WaitingRunsPromoter } from '@app/admission';
import { AppConfig } from '@app/config';
import { FlowlineMetrics } from '@app/metrics';
import { runWorkflow, StepDefinition } from '@app/engine';
import { executionFinishedChannel, ExecuteWorkflowJob } from '@app/queue-contracts';
import { MAIN_REDIS } from '@app/redis';
import { CancelListener } from './cancel-listener.service';
import { CredentialResolver } from './credential-resolver';
import { ExecutionRecorder } from './execution-recorder';

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
    private readonly recorder: ExecutionRecorder,
    private readonly cancels: CancelListener,
    private readonly credentials: CredentialResolver,
    private readonly promoter: WaitingRunsPromoter,
    @Inject(MAIN_REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
    private readonly metrics: FlowlineMetrics,
  ) {}

  async process(job: ExecuteWorkflowJob, workerId: string): Promise<void> {
    const claimed = await this.recorder.claim(job.executionId, workerId);
    if (!claimed) {
      this.logger.log({ executionId: job.executionId, requestId: job.requestId }, 'execution already final or gone; acknowledged');
      return;
    }
    const { execution, delivery, completed } = claimed;
    const steps = execution.definition as StepDefinition[];
    const positions = new Map(steps.map((step, index) => [step.id, index]));
    const abort = this.cancels.track(execution.id);
    try {
      if (await this.recorder.isCancelled(execution.id)) abort.abort();
      const result = await runWorkflow(steps, {
        input: execution.input,
        signal: abort.signal,
        timeoutMs: this.config.executionTimeoutMs,
        completed,
        http: { allowPrivate: this.config.httpStepAllowPrivate },
        resolveCredential: (credentialId) => this.credentials.headersFor(execution.ownerId, credentialId),
        onStepFinished: (step) => this.recorder.recordStep(execution.id, delivery, positions.get(step.id) ?? 0, step),
      });
      const ran = new Set(completed.map((step) => step.id));
      for (const step of result.steps) {
        if (step.status === 'skipped' || step.status === 'cancelled') await this.recorder.recordStep(execution.id, delivery, positions.get(step.id) ?? 0, step);
        ran.add(step.id);
      }
      const finished = await this.recorder.finish(execution.id, delivery, result.status, result.output, result.error);
      this.logger.log({ executionId: execution.id, requestId: job.requestId, status: result.status, workerId }, 'execution finished');
      if (finished) {
        this.metrics.executionsFinished.inc({ status: result.status, region: finished.region, tier: finished.tier });
        this.metrics.executionDuration.observe({ status: result.status, region: finished.region }, finished.durationMs / 1000);
        await this.afterFinal(execution.id, finished.ownerId, result.status);
      } else {
        await this.publishFinished(execution.id, result.status);
      }
    } finally {
      this.cancels.untrack(execution.id);
    }
  }

  async failGivenUp(executionId: string, reason: string): Promise<void> {
    const ownerId = await this.recorder.failUnfinished(executionId, reason);
    if (ownerId) await this.afterFinal(executionId, ownerId, 'failed');
  }

  /** A slot just freed: tell waiting POST /run requests, and start the owner's next waiting run. */
  private async afterFinal(executionId: string, ownerId: string, status: string): Promise<void> {
    await this.publishFinished(executionId, status);
    await this.promoter.promote(ownerId).catch((error: Error) => this.logger.warn(`Could not promote waiting runs: ${error.message}`));
  }

  private async publishFinished(executionId: string, status: string): Promise<void> {
    await this.redis.publish(executionFinishedChannel(this.config.redisKeyPrefix), JSON.stringify({ executionId, status })).catch(() => undefined);
  }
}
