import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { hostname } from 'node:os';
import { AppConfig } from '@app/config';
import { ExecuteWorkflowJob, JobName, regionOfQueue, RegionJobData, ScheduledTickJob, workerQueueName } from '@app/queue-contracts';
import { createRedis, workerRedisOptions } from '@app/redis';
import { ExecutionProcessor } from './execution.processor';
import { ScheduledTickHandler } from './scheduled-tick.handler';

interface InFlightJob {
  job: Job<RegionJobData>;
  token?: string;
  done: Promise<void>;
}

const noop = (): void => undefined;

/**
 * Builds the BullMQ Worker in code: its queue name comes from validated
 * settings (WORKER_QUEUE / WORKER_REGION), which a `@Processor` decorator
 * cannot take.
 */
@Injectable()
export class RegionWorkerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RegionWorker');
  private worker?: Worker<RegionJobData>;
  /** Jobs this process is running, with their lock tokens, to hand back to the queue when the grace period ends. */
  private readonly inFlight = new Map<string, InFlightJob>();
  readonly queueName: string;
  readonly region: string;
  readonly workerId = `${hostname()}:${process.pid}`;

  constructor(
    private readonly config: AppConfig,
    private readonly executions: ExecutionProcessor,
    private readonly ticks: ScheduledTickHandler,
  ) {
    this.queueName = workerQueueName(config.worker, config.defaultRegion);
    this.region = regionOfQueue(this.queueName, config.regions) ?? config.defaultRegion;
  }

  onApplicationBootstrap(): void {
    const connection = createRedis(this.config.regionRedisUrls[this.region], workerRedisOptions());
    this.worker = new Worker<RegionJobData>(this.queueName, (job, token) => this.dispatch(job, token), {
      connection,
      prefix: this.config.redisKeyPrefix,
      concurrency: this.config.worker.concurrency,
      name: this.workerId,
      lockDuration: this.config.worker.lockMs,
      stalledInterval: this.config.worker.lockMs,
      maxStalledCount: 2,
    });
    this.worker.on('error', (error) => this.logger.warn(`Queue connection problem: ${error.message}`));
    this.worker.on('failed', (job, error) => void this.onFailed(job, error));
    this.logger.log(`Worker ${this.workerId} consuming ${this.queueName} (concurrency ${this.config.worker.concurrency})`);
  }

  isRunning(): boolean {
    return this.worker?.isRunning() ?? false;
  }

  private async dispatch(job: Job<RegionJobData>, token?: string): Promise<void> {
    const id = job.id ?? '';
    const run =
      job.name === JobName.ScheduledTick
        ? this.ticks.handle(job.data as ScheduledTickJob)
        : this.executions.process(job.data as ExecuteWorkflowJob, this.workerId);
    const entry: InFlightJob = { job, token, done: run.then(noop, noop) };
    this.inFlight.set(id, entry);
    try {
      return await run;
    } finally {
      const current = this.inFlight.get(id);
      if (current === entry) this.inFlight.delete(id);
      // A newer delivery of this job (after a stall) runs in this process too. BullMQ renews locks per job
      // id, so returning now would stop the renewals of the newer delivery's lock and let it stall again:
      // this stale delivery (its writes are fenced out) returns after the newer one.
      else await current?.done;
    }
  }

  /** BullMQ gave up (attempts or stalls used up): the execution ends failed rather than staying queued. */
  private async onFailed(job: Job<RegionJobData> | undefined, error: Error): Promise<void> {
    if (!job || job.name !== JobName.ExecuteWorkflow) return;
    const attempts = job.opts.attempts ?? 1;
    const gaveUp = job.attemptsMade >= attempts || /stalled/i.test(error.message);
    if (!gaveUp) return;
    await this.executions
      .failGivenUp((job.data as ExecuteWorkflowJob).executionId, 'The execution could not be completed by a worker')
      .catch((failure: Error) => {
        this.logger.warn(`Could not mark execution failed: ${failure.message}`);
      });
  }

  /** Stops taking jobs; lets in-flight ones finish within the grace period; the rest are redelivered. */
  async onApplicationShutdown(signal?: string): Promise<void> {
    if (!this.worker) return;
    this.logger.log(`Shutting down (${signal ?? 'close'}): finishing in-flight jobs for up to ${this.config.worker.shutdownGraceMs} ms`);
    const graceful = this.worker.close();
    const timedOut = await Promise.race([
      graceful.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), this.config.worker.shutdownGraceMs).unref()),
    ]);
    if (timedOut) {
      // worker.close(true) would only join the graceful close under way (BullMQ returns its pending promise)
      // and wait for every job. Hand the unfinished ones back to the queue instead, so the next worker resumes
      // them after their last recorded step at once (not after a lock expiry counted as a stall), and stop waiting.
      const unfinished = [...this.inFlight.values()];
      this.logger.warn(`Grace period over; handing ${unfinished.length} unfinished job(s) back to the queue`);
      await Promise.all(
        unfinished.map(({ job, token }) =>
          job.moveToWait(token).catch((error: Error) => this.logger.warn(`Job ${job.id} left for stall detection: ${error.message}`)),
        ),
      );
    }
  }
}
