import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { baselineQueues } from './baseline-queues.mjs';
import { ROOT, round, sleep, spawnNode } from './processes.mjs';

const QUEUE = 'bench-baseline';

/**
 * The same job options as a Flowline run on that store (ids only, retries, what is kept of completed jobs: see
 * QueueConnections.completedRunJobsKept), without tier priority.
 */
function jobOptions(id, queueBackend) {
  return {
    jobId: id,
    attempts: 10,
    backoff: { type: 'exponential', delay: 1000 },
    // With the queues in PostgreSQL, run jobs are removed on completion: BullMQ's retention trim there reads
    // every kept job on each completion, which Flowline avoids, so the baseline must not pay for it either.
    removeOnComplete: queueBackend === 'postgres' ? true : { age: 3600, count: 10000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 10000 },
  };
}

/**
 * The physical limit of this machine for the same work: `add()` with
 * `inFlight` adds outstanding for `seconds`, while a separate worker process
 * (concurrency `concurrency`) inserts one PostgreSQL row per job. The queue is
 * in Redis or, with `queueBackend` 'postgres', in BullMQ's PostgreSQL backend
 * (the run's database must have been migrated: its schema comes from there).
 */
export async function runBaseline({ db, databaseUrl, redisUrl, queueBackend = 'redis', prefix, seconds, inFlight, concurrency, track }) {
  await db.rows(
    `CREATE TABLE bench_baseline (id bigserial PRIMARY KEY, job_id text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())`,
  );
  const worker = track(
    spawnNode('baseline-worker', join(ROOT, 'bench', 'baseline-worker.mjs'), {
      ...(queueBackend === 'redis' ? { REDIS_URL: redisUrl, BENCH_PREFIX: prefix } : {}),
      BENCH_QUEUE_BACKEND: queueBackend,
      BENCH_QUEUE: QUEUE,
      BENCH_CONCURRENCY: String(concurrency),
      DATABASE_URL: databaseUrl,
    }),
  );
  const queues = baselineQueues(queueBackend, { redisUrl, databaseUrl, prefix });
  const queue = queues.queue(QUEUE);
  try {
    await worker.waitForOutput(/baseline worker ready/);
    await queue.waitUntilReady();

    let added = 0;
    const producerCpu = process.cpuUsage();
    const workerCpuBefore = worker.cpuMs();
    const startedAt = Date.now();
    const stopAt = startedAt + seconds * 1000;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (Date.now() < stopAt) {
          const id = randomUUID();
          await queue.add('noop', { executionId: id }, jobOptions(id, queueBackend));
          added += 1;
        }
      }),
    );
    const addEndedAt = Date.now();
    const producerCpuMs = (({ user, system }) => (user + system) / 1000)(process.cpuUsage(producerCpu));

    // The producer outruns the worker; the worker's rate is what completed by the end of its drain (or this bound).
    const drainDeadline = addEndedAt + 30000;
    let done = 0;
    while ((done = Number((await db.one(`SELECT count(*) AS n FROM bench_baseline`)).n)) < added && Date.now() < drainDeadline)
      await sleep(100);
    const workerCpuMs = worker.cpuMs() - workerCpuBefore;
    const stats = await db.one(
      `SELECT extract(epoch FROM max(at)) * 1000 AS last_ms, count(*) FILTER (WHERE at <= to_timestamp($1::double precision / 1000)) AS in_window FROM bench_baseline`,
      [addEndedAt],
    );
    const addS = (addEndedAt - startedAt) / 1000;
    const lastMs = Number(stats.last_ms);
    return {
      queueBackend,
      seconds: round(addS, 2),
      inFlight,
      workerConcurrency: concurrency,
      added,
      completed: done,
      addPerSec: round(added / addS),
      completedInWindowPerSec: round(Number(stats.in_window) / addS),
      endToEndPerSec: round(done / ((lastMs - startedAt) / 1000)),
      drained: done >= added,
      drainS: round(Math.max(0, lastMs - addEndedAt) / 1000, 2),
      producerCpuMsPerAdd: round(producerCpuMs / Math.max(1, added), 3),
      workerCpuMsPerJob: round(workerCpuMs / Math.max(1, done), 3),
    };
  } finally {
    await queue.close().catch(() => undefined);
    queues.close();
    await worker.stop(5000);
  }
}
