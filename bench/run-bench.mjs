#!/usr/bin/env node
// npm run bench [-- --readme]: the whole pipeline against this machine's limit, in one run.
// For each queue store in BENCH_QUEUE_BACKENDS (default redis,postgres), one after the other and each on
// a fresh database of its own: the built api and one worker (QUEUE_BACKEND), then the phases. With the
// queues in Redis: the baseline (raw BullMQ + pg), accept, end to end, rejections, analytics, the api as
// more processes, and memory. With them in PostgreSQL (single-machine mode, no REDIS_URL): the baseline on
// BullMQ's PostgreSQL backend, accept, end to end, rejections and memory. Prints one table with each
// measure's rows of both modes side by side, writes bench/results/<timestamp>.json and (with --readme)
// the README's Performance table.
// Always stops its processes and drops its databases and Redis keys, also on failure or Ctrl-C.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { localSocketUrl } from '../scripts/local-postgres-socket.mjs';
import { runBaseline } from './lib/baseline.mjs';
import { cleanupOnExit } from './lib/cleanup.mjs';
import { acceptPhase, analyticsPhase, apiClient, rejectPhase } from './lib/phases.mjs';
import { freePort, ROOT, spawnNode, waitForHttp } from './lib/processes.mjs';
import { buildRows, conditionsLine, markdownTable, updateReadme, writeJson } from './lib/report.mjs';
import { connect, createDatabase, deleteRedisKeys } from './lib/stores.mjs';

const int = (name, fallback) => (process.env[name] ? Number.parseInt(process.env[name], 10) : fallback);
const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const PHASES = ['baseline', 'accept', 'reject', 'analytics'];
// The phases that run again with the queues in PostgreSQL; the others do not depend on where the queues are.
const POSTGRES_MODE_PHASES = ['baseline', 'accept', 'reject'];
const QUEUE_BACKENDS = ['redis', 'postgres'];
const listed = (name, fallback) => (process.env[name] ?? fallback.join(',')).split(',').map((item) => item.trim());
const queueBackends = listed('BENCH_QUEUE_BACKENDS', QUEUE_BACKENDS);
const settings = {
  // As `npm run up` connects when it picks the server: through the local server's Unix socket when it has one.
  postgresUrl: process.env.BENCH_POSTGRES_URL ?? (await localSocketUrl(LOCAL_POSTGRES_URL)) ?? LOCAL_POSTGRES_URL,
  redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  seconds: int('BENCH_SECONDS', 15),
  warmupSeconds: int('BENCH_WARMUP_SECONDS', 3),
  baselineSeconds: int('BENCH_BASELINE_SECONDS', 6),
  connections: int('BENCH_CONNECTIONS', 20),
  workerConcurrency: 50,
  drainTimeoutS: int('BENCH_DRAIN_TIMEOUT_SECONDS', 45),
  analyticsRows: int('BENCH_ANALYTICS_ROWS', 200000),
  analyticsRequests: 40,
  phases: listed('BENCH_PHASES', PHASES),
  // Where the queues live (QUEUE_BACKEND), one stack after the other; Redis first whatever the order listed.
  queueBackends: QUEUE_BACKENDS.filter((backend) => queueBackends.includes(backend)),
  cpuProfile: process.env.BENCH_CPU_PROF === '1',
  // The accept and reject phases again with the api as this many processes (API_PROCESSES); 1 alone skips that.
  apiProcesses: (process.env.BENCH_API_PROCESSES ?? '1,2')
    .split(',')
    .map((count) => Number(count.trim()))
    .filter((count) => Number.isInteger(count) && count > 1),
  // For the whole run: 300 s a mode.
  timeoutS: int('BENCH_TIMEOUT_SECONDS', 300 * new Set(queueBackends).size),
  // Another build to compare against (e.g. a copy of dist from before a change).
  dist: process.env.BENCH_DIST ?? 'dist',
  resultsDir: process.env.BENCH_RESULTS_DIR ?? join(ROOT, 'bench', 'results'),
};
for (const [setting, values, known] of [
  ['BENCH_PHASES', settings.phases, PHASES],
  ['BENCH_QUEUE_BACKENDS', queueBackends, QUEUE_BACKENDS],
]) {
  const unknown = values.filter((value) => !known.includes(value));
  if (unknown.length > 0) {
    console.error(`bench: ${setting}: unknown ${unknown.join(', ')}; choose from ${known.join(', ')}`);
    process.exit(2);
  }
}
const runs = (phase) => settings.phases.includes(phase);
const log = (message) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

// Cleanup: processes, then the databases and Redis keys; once, whatever ends the run.
const processes = new Set();
function track(process) {
  processes.add(process);
  return process;
}
/** Stops processes the run is done with; a failure no longer reports them. */
async function retire(...done) {
  await Promise.all(done.map((process) => process.stop(8000).catch(() => undefined)));
  for (const process of done) processes.delete(process);
}
const cleanups = cleanupOnExit('bench', settings.timeoutS, () => retire(...processes));

/**
 * Cleanup steps of one mode: run (last added first) when the mode ends, so that the next one has the
 * machine to itself, or with the others if the run ends first; each step once.
 */
function cleanupScope() {
  const steps = [];
  return {
    add(step) {
      let done = null;
      const once = () => (done ??= step());
      steps.push(once);
      cleanups.add(once);
    },
    async run() {
      for (const step of steps.reverse()) await step().catch((error) => console.error(`bench cleanup: ${error.message}`));
    },
  };
}

function versionOf(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function machineInfo() {
  const admin = await connect(settings.postgresUrl);
  const postgres = (await admin.one('SHOW server_version')).server_version.split(' ')[0];
  // NULL exactly when the connection is not over TCP.
  const postgresTransport = (await admin.one('SELECT inet_server_addr() IS NULL AS socket')).socket ? 'Unix socket' : 'TCP';
  await admin.end();
  let redis = null;
  if (settings.queueBackends.includes('redis')) {
    const client = new Redis(settings.redisUrl, { lazyConnect: true });
    await client.connect();
    redis = /redis_version:(\S+)/.exec(await client.info('server'))?.[1] ?? 'unknown';
    client.disconnect();
  }
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU',
    node: process.versions.node,
    postgres,
    postgresTransport,
    redis,
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

/** The apps' environment for one mode. With the queues in PostgreSQL there is no REDIS_URL at all: nothing may need a Redis. */
function stackEnv(queueBackend, databaseUrl, prefix) {
  return {
    NODE_ENV: 'production',
    ENV_FILE: 'none',
    // As the README's start command runs them: every request is logged.
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    QUEUE_BACKEND: queueBackend,
    ...(queueBackend === 'redis' ? { REDIS_URL: settings.redisUrl } : {}),
    REDIS_KEY_PREFIX: prefix,
    REGIONS: 'us-east-1,eu-west-1',
    DEFAULT_REGION: 'us-east-1',
    JWT_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEYS: `v1:${randomBytes(32).toString('base64')}`,
    MIGRATIONS_RUN: 'false',
    // The bench reads both processes' /metrics on loopback.
    METRICS_PUBLIC: 'true',
    // Keep scheduled maintenance out of the measured minutes.
    RETENTION_CRON: '0 0 1 1 *',
  };
}

/** Flowline's migrations, with the cli: the schema, and BullMQ's for its PostgreSQL backend. */
async function migrate(env) {
  const migrate = track(spawnNode('migrate', resolve(ROOT, settings.dist, 'apps/cli/main.js'), env, { args: ['migrate'] }));
  const migrated = await migrate.exited;
  if (migrated !== 0) throw new Error(`migrate failed (${migrated}):\n${migrate.output}`);
  processes.delete(migrate);
}

/** The api and one worker; `name` tells the modes' processes apart in messages and CPU profiles. */
async function startStack(env, name, profileDir) {
  const api = await startApi(env, 1, name, profileDir);
  const workerPort = await freePort();
  const worker = track(
    spawnNode(
      name('worker'),
      resolve(ROOT, settings.dist, 'apps/worker/main.js'),
      {
        ...env,
        WORKER_REGION: 'us-east-1',
        WORKER_CONCURRENCY: String(settings.workerConcurrency),
        WORKER_HTTP_PORT: String(workerPort),
        WORKER_SHUTDOWN_GRACE_MS: '2000',
      },
      { profileDir },
    ),
  );
  await waitForHttp(`http://127.0.0.1:${workerPort}/health`, worker);
  return { api: api.process, worker, apiUrl: api.url, workerUrl: `http://127.0.0.1:${workerPort}`, env };
}

/** The built api as `npm run up` starts it, as `processes` api processes sharing one port. */
async function startApi(env, processes, name, profileDir) {
  const port = await freePort();
  const apiEnv = { ...env, PORT: String(port), API_PROCESSES: String(processes) };
  const api = track(
    spawnNode(name(processes > 1 ? `api-x${processes}` : 'api'), resolve(ROOT, settings.dist, 'apps/api/main.js'), apiEnv, {
      profileDir,
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/health`, api);
  return { process: api, url };
}

/**
 * The readiness check names the queue store the api uses: `queues` when they are in PostgreSQL, `redis`
 * otherwise. A build from before single-machine mode (BENCH_DIST) ignores QUEUE_BACKEND and would be
 * measured on Redis under the PostgreSQL label.
 */
async function expectQueuesInPostgres(apiUrl) {
  const response = await fetch(`${apiUrl}/health/ready`);
  const body = await response.json().catch(() => ({}));
  if (!response.ok || !body.info?.queues || body.info?.redis)
    throw new Error(`QUEUE_BACKEND=postgres: /health/ready answered ${response.status} ${JSON.stringify(body)}`);
}

/**
 * One queue store's run on a fresh database: migrations, the baseline, the api and a worker, the phases
 * (with the queues in PostgreSQL, the ones of POSTGRES_MODE_PHASES). Returns its results; stops its
 * processes and drops its database and Redis keys before it returns.
 */
async function runMode(queueBackend, id, profileDir) {
  const inRedis = queueBackend === 'redis';
  const phase = (name) => runs(name) && (inRedis || POSTGRES_MODE_PHASES.includes(name));
  const tag = inRedis ? id : `${id}_pg`;
  const say = (message) => log(`${inRedis ? 'queues in Redis' : 'queues in PostgreSQL'}: ${message}`);
  const scope = cleanupScope();
  try {
    const prefix = `flbench_${tag}`;
    const database = await createDatabase(settings.postgresUrl, `flowline_bench_${tag}`);
    scope.add(() => database.drop());
    // The baseline's keys too: its prefix starts with this one.
    if (inRedis) scope.add(() => deleteRedisKeys(settings.redisUrl, prefix));
    const db = await connect(database.url);
    scope.add(() => db.end());
    say(`database ${database.name}, ${inRedis ? `Redis prefix ${prefix}` : 'no REDIS_URL'}`);
    const env = stackEnv(queueBackend, database.url, prefix);
    await migrate(env);
    const results = {};

    if (phase('baseline')) {
      say(`baseline: raw BullMQ + pg for ${settings.baselineSeconds} s`);
      results.baseline = await runBaseline({
        db,
        databaseUrl: database.url,
        redisUrl: settings.redisUrl,
        queueBackend,
        prefix: `${prefix}_baseline`,
        seconds: settings.baselineSeconds,
        inFlight: 50,
        concurrency: 50,
        track,
      });
      say(`baseline: ${results.baseline.addPerSec} adds/s, ${results.baseline.endToEndPerSec} jobs/s end to end`);
    }

    say('starting api and worker');
    const name = (role) => (inRedis ? role : `pg-${role}`);
    const stack = await startStack(env, name, profileDir);
    scope.add(() => retire(stack.api, stack.worker));
    if (!inRedis) await expectQueuesInPostgres(stack.apiUrl);
    const api = apiClient(stack.apiUrl);
    // The CPU meter reads Redis' own figures; with the queues in PostgreSQL there is none to read.
    const redis = inRedis ? new Redis(settings.redisUrl) : null;
    if (redis) scope.add(async () => redis.disconnect());
    const context = { api, db, redis, settings, stack };

    if (phase('accept')) {
      say(`accept + end to end: ${settings.connections} connections for ${settings.seconds} s (after ${settings.warmupSeconds} s warm-up)`);
      Object.assign(results, await acceptPhase({ ...context, profiles: profilerFor([stack.api, stack.worker]) }));
      say(
        `accept: ${results.accept.perSec} runs/s, p99 ${results.accept.latencyMs.p99} ms; end to end ${results.endToEnd.finishedInWindowPerSec}/s, drained ${results.endToEnd.drainS} s`,
      );
    }
    if (phase('reject')) {
      say(`rejections: ${settings.connections} connections for ${settings.seconds} s`);
      results.reject = await rejectPhase({ ...context, profiles: profilerFor([stack.api]) });
      say(`rejections: ${results.reject.perSec}/s, p99 ${results.reject.latencyMs.p99} ms`);
    }
    if (phase('analytics')) {
      say(`analytics: seeding ${settings.analyticsRows} executions`);
      results.analytics = await analyticsPhase(context);
      say(
        results.analytics.available
          ? `analytics: p95 ${results.analytics.latencyMs.p95} ms`
          : `analytics: not available (${results.analytics.status})`,
      );
    }
    for (const child of [stack.api, stack.worker]) {
      if (!child.running) throw new Error(`${child.name} exited during the run:\n${child.output.slice(-3000)}`);
    }
    results.memory = { api: stack.api.memory(), worker: stack.worker.memory() };
    for (const processes of inRedis && (phase('accept') || phase('reject')) ? settings.apiProcesses : []) {
      say(`api as ${processes} processes (API_PROCESSES=${processes}): accept and reject again`);
      await retire(stack.api);
      const more = await startApi(stack.env, processes, name);
      scope.add(() => retire(more.process));
      const clustered = { ...context, api: apiClient(more.url), stack: { ...stack, api: more.process }, profiles: profilerFor([]) };
      const measured = { processes };
      if (phase('accept')) Object.assign(measured, await acceptPhase(clustered));
      if (phase('reject')) measured.reject = await rejectPhase(clustered);
      measured.memory = more.process.memory();
      (results.apiProcesses ??= []).push(measured);
      say(`API_PROCESSES=${processes}: accept ${measured.accept?.perSec ?? '—'} runs/s, rejections ${measured.reject?.perSec ?? '—'}/s`);
      await retire(more.process);
    }
    return results;
  } finally {
    await scope.run();
  }
}

async function main() {
  for (const app of ['api', 'worker', 'cli']) {
    if (!existsSync(resolve(ROOT, settings.dist, 'apps', app, 'main.js')))
      throw new Error(`${settings.dist}/apps/${app}/main.js is missing: run npm run build first`);
  }
  const startedAt = new Date().toISOString();
  const id = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const results = {
    startedAt,
    command: `npm run bench${process.argv.includes('--readme') ? ' -- --readme' : ''}`,
    settings: { ...settings, postgresUrl: undefined, redisUrl: undefined },
    machine: await machineInfo(),
  };
  log(`queues in ${settings.queueBackends.join(', then in ')}; load average ${results.machine.loadAverageBefore.join(' ')}`);

  const profileDir = settings.cpuProfile ? join(settings.resultsDir, `profiles-${startedAt.replace(/[:.]/g, '-')}`) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });

  // The Redis mode's figures stay at the top level, as before there were two modes (older results, the README).
  if (settings.queueBackends.includes('redis')) Object.assign(results, await runMode('redis', id, profileDir));
  if (settings.queueBackends.includes('postgres')) {
    if (POSTGRES_MODE_PHASES.some(runs)) results.postgres = await runMode('postgres', id, profileDir);
    else log(`queues in PostgreSQL: none of the phases ${POSTGRES_MODE_PHASES.join(', ')} chosen; skipped`);
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
