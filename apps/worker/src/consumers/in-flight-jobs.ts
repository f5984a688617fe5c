import { Job, WaitingError } from 'bullmq';

interface Delivery {
  job: Job;
  token?: string;
  /** Settles when the run ends or when the delivery is handed back, whichever comes first. */
  settled: Promise<void>;
  handBack: () => void;
}

const noop = (): void => undefined;

/**
 * The deliveries this process is running, by job id, with their lock tokens: what a worker hands back
 * to the queue when its shutdown grace period ends.
 */
export class InFlightJobs {
  private readonly byJobId = new Map<string, Delivery>();

  /**
   * Runs one delivery. Its promise, the one BullMQ waits for, also settles (with a WaitingError, which
   * BullMQ takes as "the job was moved back to wait") when the delivery is handed back; the run itself
   * goes on until the process exits, its writes fenced out by the next delivery's claim.
   */
  async run<T>(job: Job, token: string | undefined, work: () => Promise<T>): Promise<T> {
    const id = job.id ?? '';
    let handBack = noop;
    const handedBack = new Promise<never>((_, reject) => (handBack = () => reject(new WaitingError())));
    const outcome = Promise.race([work(), handedBack]);
    const delivery: Delivery = { job, token, settled: outcome.then(noop, noop), handBack };
    this.byJobId.set(id, delivery);
    try {
      return await outcome;
    } finally {
      const current = this.byJobId.get(id);
      if (current === delivery) this.byJobId.delete(id);
      // A newer delivery of this job (after a stall) runs in this process too. BullMQ renews locks per job
      // id, so returning now would stop the renewals of the newer delivery's lock and let it stall again:
      // this stale delivery (its writes are fenced out) returns after the newer one.
      else await current?.settled;
    }
  }

  /**
   * Moves every unfinished delivery back to wait, so the next worker resumes it at once (not after a lock
   * expiry counted as a stall), and settles its promise so that closing the worker no longer waits for it.
   */
  async handBackAll(onError: (job: Job, error: Error) => void): Promise<number> {
    const unfinished = [...this.byJobId.values()];
    await Promise.all(
      unfinished.map(async ({ job, token, handBack }) => {
        // A job that cannot be moved (its lock already lost, Redis away) is left for stall detection.
        await job.moveToWait(token).catch((error: Error) => onError(job, error));
        handBack();
      }),
    );
    return unfinished.length;
  }
}
