#!/usr/bin/env node
// npm run bench [-- --readme]: the whole pipeline against this machine's limit, in one run.
// Starts a fresh database, the built api and one worker, measures the baseline (raw BullMQ + pg),
// accept, end to end, rejections, analytics and memory, prints a table, writes
// bench/results/<timestamp>.json and (with --readme) the README's Performance table.
// Always stops its processes and drops its database and Redis keys, also on failure or Ctrl-C.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { runBaseline } from './lib/baseline.mjs';
import { cleanupOnExit } from './lib/cleanup.mjs';
import { acceptPhase, analyticsPhase, apiClient, rejectPhase } from './lib/phases.mjs';
import { freePort, ROOT, spawnNode, waitForHttp } from './lib/processes.mjs';
import { buildRows, conditionsLine, markdownTable, updateReadme, writeJson } from './lib/report.mjs';
import { connect, createDatabase, deleteRedisKeys } from './lib/stores.mjs';

const int = (name, fallback) => (process.env[name] ? Number.parseInt(process.env[name], 10) : fallback);
const PHASES = ['baseline', 'accept', 'reject', 'analytics'];
const settings = {
  postgresUrl: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  seconds: int('BENCH_SECONDS', 15),
  warmupSeconds: int('BENCH_WARMUP_SECONDS', 3),
  baselineSeconds: int('BENCH_BASELINE_SECONDS', 6),
  connections: int('BENCH_CONNECTIONS', 20),
  workerConcurrency: 50,
  drainTimeoutS: int('BENCH_DRAIN_TIMEOUT_SECONDS', 45),
  analyticsRows: int('BENCH_ANALYTICS_ROWS', 200000),
  analyticsRequests: 40,
  phases: (process.env.BENCH_PHASES ?? PHASES.join(',')).split(',').map((phase) => phase.trim()),
  cpuProfile: process.env.BENCH_CPU_PROF === '1',
  // The accept and reject phases again with the api as this many processes (API_PROCESSES); 1 alone skips that.
  apiProcesses: (process.env.BENCH_API_PROCESSES ?? '1,2')
    .split(',')
    .map((count) => Number(count.trim()))
    .filter((count) => Number.isInteger(count) && count > 1),
  timeoutS: int('BENCH_TIMEOUT_SECONDS', 300),
  // Another build to compare against (e.g. a copy of dist from before a change).
  dist: process.env.BENCH_DIST ?? 'dist',
  resultsDir: process.env.BENCH_RESULTS_DIR ?? join(ROOT, 'bench', 'results'),
};
const unknownPhases = settings.phases.filter((phase) => !PHASES.includes(phase));
if (unknownPhases.length > 0) {
  console.error(`bench: unknown phase(s) ${unknownPhases.join(', ')}; choose from ${PHASES.join(', ')}`);
  process.exit(2);
}
const runs = (phase) => settings.phases.includes(phase);
const log = (message) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

// Cleanup: processes, then the database and Redis keys; once, whatever ends the run.
const processes = new Set();
function track(process) {
  processes.add(process);
  return process;
}
const cleanups = cleanupOnExit('bench', settings.timeoutS, () =>
  Promise.all([...processes].map((process) => process.stop(8000).catch(() => undefined))),
);

function versionOf(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function machineInfo(db, redisUrl) {
  const redis = new Redis(redisUrl, { lazyConnect: true });
  await redis.connect();
  const info = await redis.info('server');
  redis.disconnect();
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU',
    node: process.versions.node,
    postgres: (await db.one('SHOW server_version')).server_version.split(' ')[0],
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
    loadAverageBefore: loadavg().map((value) => Math.round(value * 100) / 100),
    git: versionOf('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']),
  };
}

/** Toggles the CPU profiler (bench/lib/cpu-profiler.cjs) of the given processes around one phase. */
function profilerFor(targets) {
  const send = (command) => async () => {
    if (!settings.cpuProfile) return;
    for (const target of targets) target.profile(command);
    await new Promise((resolve) => setTimeout(resolve, 300));
  };
  return { start: send('start'), stop: send('stop') };
}

async function startStack(databaseUrl, prefix, profileDir) {
  const env = {
    NODE_ENV: 'production',
    ENV_FILE: 'none',
    // As the README's start command runs them: every request is logged.
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    REDIS_URL: settings.redisUrl,
    REDIS_KEY_PREFIX: prefix,
    REGIONS: 'us-east-1,eu-west-1',
    DEFAULT_REGION: 'us-east-1',
    JWT_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEYS: `v1:${randomBytes(32).toString('base64')}`,
    MIGRATIONS_RUN: 'false',
    // Keep scheduled maintenance out of the measured minutes.
    RETENTION_CRON: '0 0 1 1 *',
  };
  const migrate = track(spawnNode('migrate', resolve(ROOT, settings.dist, 'apps/cli/main.js'), env, { args: ['migrate'] }));
  const migrated = await migrate.exited;
  if (migrated !== 0) throw new Error(`migrate failed (${migrated}):\n${migrate.output}`);

  const options = { profileDir };
  const api = await startApi(env, 1, profileDir);
  const workerPort = await freePort();
  const worker = track(
    spawnNode(
      'worker',
      resolve(ROOT, settings.dist, 'apps/worker/main.js'),
      {
        ...env,
        WORKER_REGION: 'us-east-1',
        WORKER_CONCURRENCY: String(settings.workerConcurrency),
        WORKER_HTTP_PORT: String(workerPort),
        WORKER_SHUTDOWN_GRACE_MS: '2000',
      },
      options,
    ),
  );
  await waitForHttp(`http://127.0.0.1:${workerPort}/health`, worker);
  return { api: api.process, worker, apiUrl: api.url, workerUrl: `http://127.0.0.1:${workerPort}`, env };
}

/** The built api as `npm run up` starts it, as `processes` api processes sharing one port. */
async function startApi(env, processes, profileDir) {
  const port = await freePort();
  const name = processes > 1 ? `api-x${processes}` : 'api';
  const apiEnv = { ...env, PORT: String(port), API_PROCESSES: String(processes) };
  const api = track(spawnNode(name, resolve(ROOT, settings.dist, 'apps/api/main.js'), apiEnv, { profileDir }));
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/health`, api);
  return { process: api, url };
}

async function main() {
  for (const app of ['api', 'worker', 'cli']) {
    if (!existsSync(resolve(ROOT, settings.dist, 'apps', app, 'main.js')))
      throw new Error(`${settings.dist}/apps/${app}/main.js is missing: run npm run build first`);
  }
  const startedAt = new Date().toISOString();
  const id = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const prefix = `flbench_${id}`;
  const database = await createDatabase(settings.postgresUrl, `flowline_bench_${id}`);
  cleanups.add(() => database.drop());
  cleanups.add(() => deleteRedisKeys(settings.redisUrl, prefix));
  const db = await connect(database.url);
  cleanups.add(() => db.end());
  const results = {
    startedAt,
    command: `npm run bench${process.argv.includes('--readme') ? ' -- --readme' : ''}`,
    settings: { ...settings, postgresUrl: undefined, redisUrl: undefined },
    machine: await machineInfo(db, settings.redisUrl),
  };
  log(`database ${database.name}, Redis prefix ${prefix}; load average ${results.machine.loadAverageBefore.join(' ')}`);

  const profileDir = settings.cpuProfile ? join(settings.resultsDir, `profiles-${startedAt.replace(/[:.]/g, '-')}`) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });

  if (runs('baseline')) {
    log(`baseline: raw BullMQ + pg for ${settings.baselineSeconds} s`);
    results.baseline = await runBaseline({
      db,
      databaseUrl: database.url,
      redisUrl: settings.redisUrl,
      prefix: `${prefix}_baseline`,
      seconds: settings.baselineSeconds,
      inFlight: 50,
      concurrency: 50,
      track,
    });
    cleanups.add(() => deleteRedisKeys(settings.redisUrl, `${prefix}_baseline`));
    log(`baseline: ${results.baseline.addPerSec} adds/s, ${results.baseline.endToEndPerSec} jobs/s end to end`);
  }

  log('starting api and worker');
  const stack = await startStack(database.url, prefix, profileDir);
  const api = apiClient(stack.apiUrl);
  const redis = new Redis(settings.redisUrl);
  cleanups.add(async () => redis.disconnect());
  const context = { api, db, redis, settings, stack };

  if (runs('accept')) {
    log(`accept + end to end: ${settings.connections} connections for ${settings.seconds} s (after ${settings.warmupSeconds} s warm-up)`);
    Object.assign(results, await acceptPhase({ ...context, profiles: profilerFor([stack.api, stack.worker]) }));
    log(
      `accept: ${results.accept.perSec} runs/s, p99 ${results.accept.latencyMs.p99} ms; end to end ${results.endToEnd.finishedInWindowPerSec}/s, drained ${results.endToEnd.drainS} s`,
    );
  }
  if (runs('reject')) {
    log(`rejections: ${settings.connections} connections for ${settings.seconds} s`);
    results.reject = await rejectPhase({ ...context, profiles: profilerFor([stack.api]) });
    log(`rejections: ${results.reject.perSec}/s, p99 ${results.reject.latencyMs.p99} ms`);
  }
  if (runs('analytics')) {
    log(`analytics: seeding ${settings.analyticsRows} executions`);
    results.analytics = await analyticsPhase(context);
    log(
      results.analytics.available
        ? `analytics: p95 ${results.analytics.latencyMs.p95} ms`
        : `analytics: not available (${results.analytics.status})`,
    );
  }
  for (const child of [stack.api, stack.worker]) {
    if (!child.running) throw new Error(`${child.name} exited during the run:\n${child.output.slice(-3000)}`);
  }
  results.memory = { api: stack.api.memory(), worker: stack.worker.memory() };
  for (const processes of runs('accept') || runs('reject') ? settings.apiProcesses : []) {
    log(`api as ${processes} processes (API_PROCESSES=${processes}): accept and reject again`);
    await stack.api.stop();
    const more = await startApi(stack.env, processes);
    const clustered = { ...context, api: apiClient(more.url), stack: { ...stack, api: more.process }, profiles: profilerFor([]) };
    const measured = { processes };
    if (runs('accept')) Object.assign(measured, await acceptPhase(clustered));
    if (runs('reject')) measured.reject = await rejectPhase(clustered);
    measured.memory = more.process.memory();
    (results.apiProcesses ??= []).push(measured);
    log(`API_PROCESSES=${processes}: accept ${measured.accept?.perSec ?? '—'} runs/s, rejections ${measured.reject?.perSec ?? '—'}/s`);
    await more.process.stop();
  }
  results.finishedAt = new Date().toISOString();
  results.machine.loadAverageAfter = loadavg().map((value) => Math.round(value * 100) / 100);
  if (profileDir) results.profiles = profileDir;

  const table = markdownTable(buildRows(results));
  console.log(`\n${conditionsLine(results)}\n\n${table}\n`);
  console.log(`results: ${writeJson(results, settings.resultsDir)}`);
  if (profileDir) console.log(`CPU profiles: ${profileDir} (summarise with: node bench/profile-summary.mjs <file>)`);
  if (process.argv.includes('--readme')) {
    updateReadme(results, table);
    console.log('README.md Performance section updated');
  }
}

let exitCode = 0;
try {
  await main();
} catch (error) {
  console.error(`bench failed: ${error instanceof Error ? error.stack : String(error)}`);
  for (const child of processes) {
    if (!child.running)
      console.error(
        `\n${child.name} exited (${child.child.exitCode ?? child.child.signalCode}); its last output:\n${child.output.slice(-3000)}`,
      );
  }
  exitCode = 1;
} finally {
  await cleanups.run();
}
process.exit(exitCode);
