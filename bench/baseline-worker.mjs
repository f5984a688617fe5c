// The baseline's consumer: raw BullMQ and pg, nothing of Flowline. Each no-op
// job records one row in PostgreSQL, as a Flowline execution records its end.
// Started by run-bench.mjs; configured by environment; stops on SIGTERM.
import pg from 'pg';
import { baselineQueues } from './lib/baseline-queues.mjs';

const { REDIS_URL, BENCH_PREFIX, BENCH_QUEUE, BENCH_QUEUE_BACKEND, DATABASE_URL } = process.env;
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 50);

const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 20, application_name: 'flowline-bench-baseline' });
const queues = baselineQueues(BENCH_QUEUE_BACKEND ?? 'redis', { redisUrl: REDIS_URL, databaseUrl: DATABASE_URL, prefix: BENCH_PREFIX });

const worker = queues.worker(
  BENCH_QUEUE,
  async (job) => {
    await pool.query('INSERT INTO bench_baseline (job_id) VALUES ($1)', [job.id]);
  },
  concurrency,
);

worker.on('error', (error) => process.stderr.write(`baseline worker: ${error.message}\n`));
await worker.waitUntilReady();
process.stdout.write('baseline worker ready\n');

process.on('SIGTERM', async () => {
  await worker.close();
  await pool.end();
  queues.close();
  process.exit(0);
});
