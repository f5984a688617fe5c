// The baseline's consumer: raw BullMQ and pg, nothing of Flowline. Each no-op
// job records one row in PostgreSQL, as a Flowline execution records its end.
// Started by run-bench.mjs; configured by environment; stops on SIGTERM.
import { Worker } from 'bullmq';
import Redis from 'ioredis';
import pg from 'pg';

const { REDIS_URL, BENCH_PREFIX, BENCH_QUEUE, DATABASE_URL } = process.env;
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 50);

const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 20, application_name: 'flowline-bench-baseline' });
const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });

const worker = new Worker(
  BENCH_QUEUE,
  async (job) => {
    await pool.query('INSERT INTO bench_baseline (job_id) VALUES ($1)', [job.id]);
  },
  { connection, prefix: BENCH_PREFIX, concurrency },
);

worker.on('error', (error) => process.stderr.write(`baseline worker: ${error.message}\n`));
await worker.waitUntilReady();
process.stdout.write('baseline worker ready\n');

process.on('SIGTERM', async () => {
  await worker.close();
  await pool.end();
  connection.disconnect();
  process.exit(0);
});
