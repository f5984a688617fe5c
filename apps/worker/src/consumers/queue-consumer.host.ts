import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { InFlightJobs } from './in-flight-jobs';

interface Stopping {
  /** BullMQ's graceful close: no new jobs; resolves once every running delivery has settled. */
  closed: Promise<void>;
  deadline: number;
}

/**
 * A @nestjs/bullmq processor (its Worker is created by BullExplorer with autorun off, see queue-consumers.ts)
 * that starts taking jobs once the whole application is up and stops within a grace period.
 *
 * Shutdown: BullExplorer closes its Workers in its onApplicationShutdown with `worker.close()`, which waits
 * for every running job, however long. So the waiting happens here first, in beforeApplicationShutdown
 * (Nest runs every beforeApplicationShutdown before any onApplicationShutdown): when the grace period
 * ends, the unfinished deliveries are moved back to wait and their promises settled, the close completes,
 * and BullExplorer's later `close()` only joins it.
 */
export abstract class QueueConsumerHost<Data>
  extends WorkerHost<Worker<Data>>
  implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly inFlight = new InFlightJobs();
  private stopping?: Stopping;

  protected constructor(
    protected readonly logger: Logger,
    private readonly shutdownGraceMs: number,
  ) {
    super();
  }

  protected abstract handle(job: Job<Data>): Promise<unknown>;

  override process(job: Job<Data>, token?: string): Promise<unknown> {
    return this.inFlight.run(job, token, () => this.handle(job));
  }

  isRunning(): boolean {
    return this.worker.isRunning();
  }

  onApplicationBootstrap(): void {
    this.worker.run().catch((error: Error) => this.logger.warn(`Worker stopped: ${error.message}`));
  }

  @OnWorkerEvent('error')
  onWorkerError(error: Error): void {
    this.logger.warn(`Queue connection problem: ${error.message}`);
  }

  /**
   * onModuleDestroy runs before any beforeApplicationShutdown: every consumer stops taking jobs at once,
   * and they share one grace period.
   */
  onModuleDestroy(): void {
    this.stop();
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    const { closed, deadline } = this.stop();
    this.logger.log(`Shutting down (${signal ?? 'close'}): finishing in-flight jobs for up to ${this.shutdownGraceMs} ms`);
    if (await settlesBefore(closed, deadline)) return;
    const handedBack = await this.inFlight.handBackAll((job, error) =>
      this.logger.warn(`Job ${job.id} left for stall detection: ${error.message}`),
    );
    this.logger.warn(`Grace period over; handed ${handedBack} unfinished job(s) back to the queue`);
    await closed;
  }

  private stop(): Stopping {
    this.stopping ??= { closed: this.worker.close(), deadline: Date.now() + this.shutdownGraceMs };
    return this.stopping;
  }
}

async function settlesBefore(promise: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))));
  try {
    return await Promise.race([promise.then(() => true as const), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
