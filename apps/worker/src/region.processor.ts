import { OnWorkerEvent } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { AppConfig } from '@app/config';
import { ExecuteWorkflowJob, JobHandlerMap, JobName, RegionJobData } from '@app/queue-contracts';
import { checkJobTable, dispatchJob, isNameOf } from './consumers/job-table';
import { QueueConsumerHost } from './consumers/queue-consumer.host';
import { ExecutionProcessor } from './execution.processor';
import { RegionConsumer } from './region-consumer';
import { RegionJobContext, regionJobHandlers } from './region-job.handlers';
import { ScheduledTickHandler } from './scheduled-tick.handler';

/** Consumes the region queue chosen by WORKER_QUEUE / WORKER_REGION; registered for that queue by queue-consumers.ts. */
@Injectable()
export class RegionProcessor extends QueueConsumerHost<RegionJobData> {
  readonly queueName: string;
  readonly workerId: string;
  private readonly handlers: JobHandlerMap<RegionJobContext>;

  constructor(
    private readonly config: AppConfig,
    consumer: RegionConsumer,
    private readonly executions: ExecutionProcessor,
    ticks: ScheduledTickHandler,
  ) {
    super(new Logger('RegionWorker'), config.worker.shutdownGraceMs);
    this.queueName = consumer.queueName;
    this.workerId = consumer.workerId;
    this.handlers = checkJobTable(consumer.queueName, JobName, regionJobHandlers(executions, ticks));
  }

  override async onApplicationBootstrap(): Promise<void> {
    // PostgreSQL unreachable now: the first claims will say so (and their jobs are retried).
    await this.executions.warmUp(this.config.worker.concurrency).catch(() => undefined);
    super.onApplicationBootstrap();
    this.logger.log(`Worker ${this.workerId} consuming ${this.queueName} (concurrency ${this.config.worker.concurrency})`);
  }

  protected async handle(job: Job<RegionJobData>): Promise<unknown> {
    if (!isNameOf(JobName, job.name)) throw new UnrecoverableError(`No handler for a job named ${job.name}`);
    return dispatchJob(this.handlers, job.name, job.data, { workerId: this.workerId, queueName: this.queueName });
  }

  /** BullMQ gave up (attempts or stalls used up): the execution ends failed rather than staying queued. */
  @OnWorkerEvent('failed')
  onFailed(job: Job<RegionJobData> | undefined, error: Error): void {
    if (!job || job.name !== JobName.ExecuteWorkflow) return;
    const attempts = job.opts.attempts ?? 1;
    const gaveUp = job.attemptsMade >= attempts || /stalled/i.test(error.message);
    if (!gaveUp) return;
    this.executions
      .failGivenUp((job.data as ExecuteWorkflowJob).executionId, 'The execution could not be completed by a worker')
      .catch((failure: Error) => {
        this.logger.warn(`Could not mark execution failed: ${failure.message}`);
      });
  }
}
