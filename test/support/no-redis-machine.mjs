// A bare machine for test/e2e/start-command-no-redis.e2e-spec.ts. Run inside a fresh network
// namespace (`unshare -n`, loopback up), where nothing answers on 5432 or 6379:
//
//   node test/support/no-redis-machine.mjs <workdir>
//
// It listens on 127.0.0.1:6379 and [::1]:6379 and counts the connections it accepts (closing each at
// once, so no client mistakes it for a Redis), starts the README's start command (`node scripts/up.mjs`)
// with a minimal environment, uses the product over HTTP as a new user, stops it with SIGTERM and prints
// one JSON line with what it observed. It asserts nothing: the jest test does.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKDIR = process.argv[2];
const PORT = 3000;
const BASE = `http://127.0.0.1:${PORT}`;
const BANNER_TIMEOUT_MS = 200_000; // a first embedded PostgreSQL initialises its data folder
const RUN_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 60_000;

const started = Date.now();
const note = (message) => process.stderr.write(`[no-redis-machine +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`);

/** What happened so far; printed as the one JSON line at the end. */
const result = {
  error: null,
  // Advanced as up.mjs and this script go; each accepted 6379 connection is stamped with it.
  phase: 'starting',
  connections: [],
  connectionsAtBanner: null,
  connectionsAtEnd: null,
  banner: null,
  upLog: [],
  statuses: {},
  execution: null,
  analytics: null,
  healthReady: null,
  regions: null,
  upExit: null,
  outputTail: null,
};

async function listenOn6379(host) {
  const server = createServer((socket) => {
    result.connections.push({ host, phase: result.phase, atMs: Date.now() - started });
    socket.destroy();
  });
  await new Promise((resolve, reject) => {
    server.once('error', (error) =>
      reject(new Error(`cannot listen on ${host} port 6379 (${error.code}); is this a fresh network namespace?`)),
    );
    server.listen(6379, host, resolve);
  });
  return server;
}

class UpScript {
  output = '';

  constructor(env) {
    this.child = spawn(process.execPath, [join(ROOT, 'scripts', 'up.mjs')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [this.child.stdout, this.child.stderr]) stream.on('data', (chunk) => this.onOutput(chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  onOutput(text) {
    this.output += text;
    // The mode is announced after the Redis probe (if any) and before PostgreSQL is chosen.
    if (result.phase === 'starting' && /^\[up\] .*queues on /m.test(this.output)) result.phase = 'mode-announced';
  }

  get running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async waitFor(pattern, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (!this.running) throw new Error(`up.mjs exited (${this.child.exitCode ?? this.child.signalCode}) before ${pattern}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} from up.mjs within ${timeoutMs / 1000} s`);
      await sleep(100);
    }
  }

  async stop() {
    if (this.running) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}

async function request(method, path, { token, body } = {}) {
  const response = await fetch(`${BASE}${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: json ?? text };
}

/** Calls `read` until `done` holds for its answer; the last answer either way. */
async function poll(read, done, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await read();
    if (done(answer) || Date.now() > deadline) return answer;
    await sleep(250);
  }
}

function expectStatus(name, response, status) {
  result.statuses[name] = response.status;
  if (response.status !== status) throw new Error(`${name}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

async function actAsNewUser() {
  const email = 'laptop-user@example.com';
  const password = 'laptop-user-password';
  expectStatus('register', await request('POST', '/auth/register', { body: { email, password, name: 'Laptop user' } }), 201);
  const { accessToken: token } = expectStatus('login', await request('POST', '/auth/login', { body: { email, password } }), 200);
  const workflow = expectStatus(
    'createWorkflow',
    await request('POST', '/workflows', {
      token,
      body: {
        name: 'greeting',
        steps: [
          { id: 'greet', type: 'transform', params: { expression: '"Hello, " & input.name' } },
          { id: 'shout', type: 'transform', params: { expression: '{"message": $uppercase(steps.greet.output)}' } },
        ],
      },
    }),
    201,
  );
  const run = expectStatus(
    'run',
    await request('POST', '/run/async', { token, body: { workflowId: workflow.id, input: { name: 'laptop' } } }),
    202,
  );
  const execution = await poll(
    () => request('GET', `/executions/${run.executionId}`, { token }),
    (answer) => answer.status !== 200 || ['succeeded', 'failed', 'cancelled'].includes(answer.body.status),
    RUN_TIMEOUT_MS,
  );
  result.statuses.execution = execution.status;
  result.execution = execution.body;
  result.analytics = (await request('GET', '/analytics/summary', { token })).body;
  // Workers register a moment after they start; a user would look at /regions after a while too.
  const regions = await poll(
    () => request('GET', '/regions', { token }),
    (answer) => answer.status === 200 && answer.body.every((region) => region.workers >= 1),
    30_000,
  );
  result.statuses.regions = regions.status;
  result.regions = regions.body;
  const ready = await request('GET', '/health/ready');
  result.healthReady = { status: ready.status, body: ready.body };
}

async function main() {
  if (!WORKDIR) throw new Error('usage: node test/support/no-redis-machine.mjs <workdir>');
  const servers = [await listenOn6379('127.0.0.1'), await listenOn6379('::1')];
  const envFile = join(WORKDIR, '.env');
  const up = new UpScript({
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/root',
    ENV_FILE: envFile,
    FLOWLINE_DATA_DIR: join(WORKDIR, 'data'),
    FLOWLINE_EMBEDDED_PG_PORT: process.env.FLOWLINE_EMBEDDED_PG_PORT ?? '54329',
    PORT: String(PORT),
    WORKER_HTTP_PORT: '9464',
  });
  // Whatever happens next, up.mjs (and the embedded PostgreSQL it keeps) must be stopped.
  process.once('SIGTERM', () => {
    result.error = 'told to stop (SIGTERM) before the end';
    up.child.kill('SIGTERM');
  });
  try {
    note('waiting for the banner');
    await up.waitFor(/Flowline is up[^\n]*/, BANNER_TIMEOUT_MS);
    result.phase = 'up';
    result.banner = /Flowline is up[^\n]*/.exec(up.output)[0];
    result.connectionsAtBanner = result.connections.length;
    note('up; acting as a new user');
    await actAsNewUser();
  } catch (error) {
    result.error = result.error ? `${result.error}: ${error.message}` : error.message;
  } finally {
    result.phase = 'stopping';
    note('stopping up.mjs');
    result.upExit = await up.stop();
    result.phase = 'stopped';
    // A late client (a child that outlived up.mjs) would still be counted here.
    await sleep(500);
    result.connectionsAtEnd = result.connections.length;
    for (const server of servers) server.close();
  }
  result.upLog = up.output.split('\n').filter((line) => line.startsWith('[up]'));
  if (result.error || result.upExit.code !== 0) result.outputTail = up.output.slice(-6000);
}

await main().catch((error) => {
  result.error = `${result.error ?? ''} ${error.stack ?? error.message}`.trim();
});
process.stdout.write(`${JSON.stringify(result)}\n`);
