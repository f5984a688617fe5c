import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../support/processes';

const ROOT = join(__dirname, '..', '..');
const MACHINE = join(ROOT, 'test', 'support', 'no-redis-machine.mjs');
// This machine has a Redis on 6379 and a PostgreSQL on 5432; a bare laptop has neither. A fresh
// network namespace (loopback only) gives that machine state. The files stay shared (the checkout may
// live under /tmp), so the embedded server gets a port free on this machine: PostgreSQL's socket lock
// (/tmp/.s.PGSQL.<port>.lock) must not meet the other start-command test's embedded server.
const NAMESPACE_SETUP = 'ip link set lo up';
const POSTGRES_MODE = 'queues on PostgreSQL (single-machine mode; set REDIS_URL to use Redis)';
const GIVE_UP_MS = 200_000; // then the machine is told to stop, so it still reports what it saw

/** What test/support/no-redis-machine.mjs observed (its one JSON line). */
interface Observed {
  error: string | null;
  connections: { host: string; phase: string; atMs: number }[];
  connectionsAtBanner: number | null;
  connectionsAtEnd: number | null;
  banner: string | null;
  upLog: string[];
  statuses: Record<string, number>;
  execution: { status: string; output: unknown; steps: { id: string; status: string }[] } | null;
  analytics: { totals: Record<string, number>; successRate: number | null } | null;
  healthReady: { status: number; body: { status: string; info?: object; error?: object; details?: object } } | null;
  regions: { id: string; workers: number }[] | null;
  upExit: { code: number | null; signal: string | null } | null;
  outputTail: string | null;
}

/** `unshare` flags that work here: plain `-n` as root, else (or if that is refused) a user namespace too. */
function namespaceFlags(): string[] {
  const candidates = process.getuid?.() === 0 ? [['-n'], ['-r', '-n']] : [['-r', '-n']];
  const refusals: string[] = [];
  for (const flags of candidates) {
    const probe = spawnSync('unshare', [...flags, 'sh', '-c', NAMESPACE_SETUP], { encoding: 'utf8' });
    if (probe.status === 0) return flags;
    refusals.push(`unshare ${flags.join(' ')}: ${probe.error?.message ?? (probe.stderr.trim() || `exit ${probe.status}`)}`);
  }
  throw new Error(
    `this test needs a fresh network namespace to hide this machine's Redis and PostgreSQL ` +
      `(root, or unprivileged user namespaces, plus util-linux unshare and iproute2 ip):\n  ${refusals.join('\n  ')}`,
  );
}

async function runOnBareMachine(workdir: string, embeddedPort: number): Promise<{ observed: Observed; stderr: string }> {
  const flags = namespaceFlags();
  const child = spawn('unshare', [...flags, 'sh', '-c', `${NAMESPACE_SETUP} && exec "$0" "$@"`, process.execPath, MACHINE, workdir], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', FLOWLINE_EMBEDDED_PG_PORT: String(embeddedPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const giveUp = setTimeout(() => child.kill('SIGTERM'), GIVE_UP_MS);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(giveUp);
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    return { observed: JSON.parse(line) as Observed, stderr };
  } catch {
    throw new Error(`the bare-machine script exited ${code} without its report:\n${stdout.slice(-3000)}\n${stderr.slice(-3000)}`);
  }
}

describe('the README start command on a machine without Redis (scripts/up.mjs, single-machine mode)', () => {
  let workdir: string;

  beforeAll(() => {
    // The embedded server runs as the postgres user, which must reach its data folder.
    workdir = mkdtempSync(join('/var/tmp', 'flowline-up-no-redis-'));
    chmodSync(workdir, 0o755);
  });
  afterAll(() => rmSync(workdir, { recursive: true, force: true }));

  it('starts embedded PostgreSQL and queues on it; a new user runs a workflow to succeeded and sees it in analytics; nothing reaches port 6379 once up', async () => {
    const embeddedPort = await freePort();
    const { observed, stderr } = await runOnBareMachine(workdir, embeddedPort);
    const connections = observed.connections.map((c) => `${c.host} while ${c.phase}`).join(', ') || 'none';
    const context = `${stderr}port 6379 connections: ${connections}\n${observed.outputTail ?? observed.upLog.join('\n')}`;
    if (observed.error || observed.upExit?.code !== 0) throw new Error(`${observed.error ?? 'up.mjs did not exit 0'}\n${context}`);

    expect(observed.upLog).toContain(`[up] REDIS_URL is not set and no Redis answers at redis://127.0.0.1:6379: ${POSTGRES_MODE}`);
    expect(observed.upLog).toContainEqual(
      expect.stringMatching(new RegExp(`^\\[up\\] no PostgreSQL answers at .*; starting an embedded one on port ${embeddedPort} `)),
    );
    expect(observed.banner).toMatch(/^Flowline is up: API http:\/\/localhost:3000 /);
    expect(observed.banner).toContain(`  ${POSTGRES_MODE}  `);
    // The decision is made on every start: the written .env records neither setting.
    const written = readFileSync(join(workdir, '.env'), 'utf8');
    expect(written).not.toMatch(/^(REDIS_URL|QUEUE_BACKEND)=/m);

    expect(observed.statuses).toMatchObject({ register: 201, login: 200, createWorkflow: 201, run: 202, execution: 200, regions: 200 });
    expect(observed.execution).toMatchObject({ status: 'succeeded', output: { message: 'HELLO, LAPTOP' } });
    expect(observed.execution?.steps.map((step) => [step.id, step.status])).toEqual([
      ['greet', 'succeeded'],
      ['shout', 'succeeded'],
    ]);
    expect(observed.analytics).toMatchObject({ totals: { total: 1, succeeded: 1, failed: 0, cancelled: 0 }, successRate: 1 });
    expect(observed.regions?.map((region) => [region.id, region.workers])).toEqual([
      ['us-east-1', 1],
      ['eu-west-1', 1],
    ]);

    // Readiness names what this mode uses (the database, and the queues kept in it), and no Redis.
    expect(observed.healthReady?.status).toBe(200);
    const ready = observed.healthReady?.body;
    expect(ready?.status).toBe('ok');
    expect(Object.keys(ready?.details ?? {}).sort()).toEqual(['database', 'queues']);
    for (const part of [ready?.info, ready?.error, ready?.details]) expect(part ?? {}).not.toHaveProperty('redis');

    expect(observed.upExit).toEqual({ code: 0, signal: null });

    // Exactly one connection ever reached port 6379: up.mjs's single probe of the default Redis,
    // made before it announced the mode (the script closes it at once, so it is no Redis). After
    // that, while the api and the workers started, served the user and shut down, nothing tried.
    expect(observed.connections).toEqual([{ host: '127.0.0.1', phase: 'starting', atMs: expect.any(Number) }]);
    expect(observed.connectionsAtBanner).toBe(1);
    expect(observed.connectionsAtEnd).toBe(1);
  }, 240_000);
});
