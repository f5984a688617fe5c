/** How long past WORKER_SHUTDOWN_GRACE_MS a stopping worker may take before it exits anyway. */
export const WORKER_EXIT_MARGIN_MS = 10_000;

/**
 * A stop signal arms a timer: if the graceful shutdown has not ended the process by the grace period plus
 * WORKER_EXIT_MARGIN_MS, it exits with status 1. BullMQ's close waits for its Redis forever while Redis is down,
 * which would otherwise keep a stopped worker alive until it is killed. Nothing accepted is lost by exiting:
 * the runs it held are rows in PostgreSQL, their jobs stay in the queue (and stall back to waiting) or the
 * reconciler re-enqueues them.
 */
export function armExitWatchdog(shutdownGraceMs: number, report: (message: string) => void): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      const limitMs = shutdownGraceMs + WORKER_EXIT_MARGIN_MS;
      setTimeout(() => {
        report(`Still stopping ${limitMs} ms after ${signal} (is Redis or PostgreSQL unreachable?): exiting now`);
        process.exit(1);
      }, limitMs).unref();
    });
  }
}
