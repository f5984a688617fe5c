import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { hostname } from 'node:os';
import { AppConfig } from '@app/config';
import { ExecuteWorkflowJob, regionOfQueue, workerQueueName } from '@app/queue-contracts';
import { createRedis, workerRedisOptions } from '@app/redis';
import { ExecutionProcessor } from './execution.processor';

/**
 * Builds the BullMQ Worker in code: its queue name comes from validated
 * settings (WORKER_QUEUE / WORKER_REGION), which a `@Processor` decorator
 * cannot take.
 */
@Injectable()
export class RegionWorkerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RegionWorker');
  private worker?: Worker<ExecuteWorkflowJob>;
  readonly queueName: string;
  readonly region: string;
  readonly workerId = `${hostname()}:${process.pid}`;

  constructor(
    private readonly config: AppConfig,
    private readonly processor: ExecutionProcessor,
  ) {
    this.queueName = workerQueueName(config.worker, config.defaultRegion);
    this.region = regionOfQueue(this.queueName, config.regions) ?? config.defaultRegion;
  }

  onApplicationBootstrap(): void {
    const connection = createRedis(this.config.regionRedisUrls[this.region], workerRedisOptions());
    this.worker = new Worker<ExecuteWorkflowJob>(this.queueName, (job: Job<ExecuteWorkflowJob>) => this.processor.process(job, this.workerId), {
      connection,
      prefix: this.config.redisKeyPrefix,
      concurrency: this.config.worker.concurrency,
      name: this.workerId,
    });
    this.worker.on('error', (error) => this.logger.warn(`Queue connection problem: ${error.message}`));
    this.logger.log(`Worker ${this.workerId} consuming ${this.queueName} (concurrency ${this.config.worker.concurrency})`);
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
      this.logger.warn('Grace period over; leaving unfinished jobs for redelivery');
      await this.worker.close(true);
    }
  }
}
