import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { sql } from '../support/database';
import { POSTGRES_ADMIN_URL, TEST_REDIS_URL } from '../support/test-env';

const ROOT = join(__dirname, '..', '..');

function runBench(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bench', 'run-bench.mjs')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, BENCH_POSTGRES_URL: POSTGRES_ADMIN_URL, BENCH_REDIS_URL: TEST_REDIS_URL, ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/**
 * The benchmark is a report run by hand; this only checks that one short run of it
 * works end to end (every phase, the table, the JSON) and leaves nothing behind.
 * No figure is asserted against a target.
 */
describe('npm run bench (a short run of every phase)', () => {
  let resultsDir: string;

  beforeAll(() => {
    resultsDir = mkdtempSync(join(tmpdir(), 'flowline-bench-'));
  });
  afterAll(() => rmSync(resultsDir, { recursive: true, force: true }));

  it('measures baseline, accept, end to end, rejections, analytics and memory, prints the table, writes the JSON and cleans up', async () => {
    const { code, output } = await runBench({
      BENCH_RESULTS_DIR: resultsDir,
      BENCH_SECONDS: '2',
      BENCH_WARMUP_SECONDS: '1',
      BENCH_BASELINE_SECONDS: '2',
      BENCH_CONNECTIONS: '4',
      BENCH_ANALYTICS_ROWS: '2000',
      BENCH_TIMEOUT_SECONDS: '170',
    });
    expect({ code, tail: code === 0 ? '' : output.slice(-3000) }).toEqual({ code: 0, tail: '' });

    for (const measure of [
      'Baseline: 1 worker process',
      'Accept: POST /run/async',
      'Accept / baseline end to end',
      'Backlog at the end of the load',
      'Rejections: 429 CONCURRENCY_LIMIT',
      'Analytics: GET /analytics/summary?days=30 p95, 2,000 executions',
      'api peak RSS',
      'worker peak RSS',
    ]) {
      expect(output).toContain(`| ${measure}`);
    }

    const [file] = readdirSync(resultsDir).filter((name) => name.endsWith('.json'));
    const results = JSON.parse(readFileSync(join(resultsDir, file), 'utf8'));
    expect(results.baseline.endToEndPerSec).toBeGreaterThan(0);
    expect(results.accept.accepted).toBeGreaterThan(0);
    expect(results.accept.non2xx).toBe(0);
    expect(results.endToEnd.succeeded).toBe(results.endToEnd.rowsAccepted);
    expect(results.endToEnd.drained).toBe(true);
    expect(results.reject.rejected).toBeGreaterThan(0);
    expect(results.reject.other).toBe(0);
    expect(results.analytics).toMatchObject({ available: true, rows: 2000, statuses: { 200: 40 } });
    expect(results.memory.api.peakRssMb).toBeGreaterThan(0);
    expect(results.memory.worker.peakRssMb).toBeGreaterThan(0);
    // Nothing secret in what it writes.
    expect(JSON.stringify(results)).not.toMatch(/postgres:\/\/|redis:\/\//);

    const database = /database (flowline_bench_\w+), Redis prefix (flbench_\w+)/.exec(output);
    expect(database).not.toBeNull();
    const [, databaseName, prefix] = database as RegExpExecArray;
    expect(await sql(POSTGRES_ADMIN_URL, `SELECT 1 FROM pg_database WHERE datname = $1`, [databaseName])).toEqual([]);
    const redis = new Redis(TEST_REDIS_URL);
    try {
      expect(await redis.keys(`${prefix}*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  }, 200000);
});
