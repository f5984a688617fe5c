import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withAdminClient } from '../support/database';
import { eventually } from '../support/polling';
import { HttpClient } from '../support/http-client';
import { freeConsecutivePorts, freePort } from '../support/processes';
import { TEST_QUEUE_BACKEND, uniqueSuffix } from '../support/test-env';

const ROOT = join(__dirname, '..', '..');

const queueBackendSetting = (): Record<string, string> => (TEST_QUEUE_BACKEND === 'postgres' ? { QUEUE_BACKEND: 'postgres' } : {});

/** The README's start command after its install and build steps (which `npm run test:all` already ran). */
class UpScript {
  output = '';
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, [join(ROOT, 'scripts', 'up.mjs')], {
      cwd: ROOT,
      // In jest's postgres project the command is told to keep queues in PostgreSQL (a Redis answers here).
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...queueBackendSetting(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Exit code 0 after SIGTERM; otherwise the failure shows what up.mjs said last. */
  async expectCleanExit(): Promise<void> {
    const code = await this.exited;
    if (code !== 0) throw new Error(`up.mjs exited ${code} after SIGTERM:\n${this.output.slice(-4000)}`);
  }

  async waitFor(pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (this.child.exitCode !== null) throw new Error(`up.mjs exited:\n${this.output.slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${this.output.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function exerciseAsNewUser(port: number): Promise<void> {
  const http = new HttpClient(`http://127.0.0.1:${port}`);
  expect((await http.get('/health')).status).toBe(200);
  const register = await http.post('/auth/register', { email: 'newcomer@example.com', password: 'newcomer-password' });
  expect(register.status).toBe(201);
  const login = await http.post('/auth/login', { email: 'newcomer@example.com', password: 'newcomer-password' });
  expect(login.status).toBe(200);
  const me = await http.get('/users/me', { token: login.body.accessToken });
  expect(me.body).toMatchObject({ email: 'newcomer@example.com', tier: 'free' });
  // Workers register with BullMQ a moment after the api is up.
  const regions = await eventually(
    () => http.get('/regions', { token: login.body.accessToken }),
    (response) => response.body.every((region: { workers: number }) => region.workers === 1),
    60000,
  );
  expect(regions.body.map((region: { id: string; workers: number }) => [region.id, region.workers])).toEqual([
    ['us-east-1', 1],
    ['eu-west-1', 1],
  ]);
}

describe('the README start command (scripts/up.mjs)', () => {
  let workdir: string;

  beforeEach(() => {
    workdir = mkdtempSync(join(tmpdir(), 'flowline-up-'));
    // The embedded server runs as the postgres user, which must reach its data folder.
    chmodSync(workdir, 0o755);
  });
  afterEach(() => rmSync(workdir, { recursive: true, force: true }));

  it('writes a .env with fresh secrets, creates the database, starts the api and a worker per region, and stops cleanly', async () => {
    const database = `flowline_up_${uniqueSuffix()}`;
    const port = await freePort();
    const envFile = join(workdir, '.env');
    const up = new UpScript({
      ENV_FILE: envFile,
      DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}`,
      PORT: String(port),
      // One port per region's worker (up.mjs counts up from it).
      WORKER_HTTP_PORT: String(await freeConsecutivePorts(2)),
      REDIS_KEY_PREFIX: `fltest_up_${uniqueSuffix()}`,
    });
    try {
      await up.waitFor(/Flowline is up/, 90000);
      await up.waitFor(/\[worker eu-west-1\]/, 30000);
      expect(up.output).toContain(`Swagger UI http://localhost:${port}/docs`);
      const written = readFileSync(envFile, 'utf8');
      expect(statSync(envFile).mode & 0o777).toBe(0o600);
      const secret = /^JWT_SECRET=(.+)$/m.exec(written)?.[1] ?? '';
      const adminPassword = /^ADMIN_PASSWORD=(.+)$/m.exec(written)?.[1] ?? '';
      expect(secret.length).toBeGreaterThanOrEqual(32);
      expect(written).toMatch(/^ENCRYPTION_KEYS=v1:/m);
      await exerciseAsNewUser(port);
      const admin = await new HttpClient(`http://127.0.0.1:${port}`).post('/auth/login', {
        email: 'admin@flowline.local',
        password: adminPassword,
      });
      expect(admin.status).toBe(200);
      expect(up.output).not.toContain(secret);
      expect(up.output).not.toContain(adminPassword);
    } finally {
      up.child.kill('SIGTERM');
      await up.expectCleanExit();
      await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
    }
  }, 150000);

  it('starts an embedded PostgreSQL under the data folder when none answers and DATABASE_URL is not set', async () => {
    const port = await freePort();
    const nobodyListens = await freePort();
    const up = new UpScript({
      ENV_FILE: join(workdir, '.env'),
      FLOWLINE_DEFAULT_DATABASE_URL: `postgres://postgres@127.0.0.1:${nobodyListens}/flowline`,
      FLOWLINE_DATA_DIR: join(workdir, 'data'),
      FLOWLINE_EMBEDDED_PG_PORT: String(await freePort()),
      PORT: String(port),
      // One port per region's worker (up.mjs counts up from it).
      WORKER_HTTP_PORT: String(await freeConsecutivePorts(2)),
      REDIS_KEY_PREFIX: `fltest_up_${uniqueSuffix()}`,
    });
    try {
      await up.waitFor(/Flowline is up/, 120000);
      expect(up.output).toMatch(/starting an embedded one on port/);
      // The server it started is on this machine: the api and workers talk to it through its Unix socket.
      expect(up.output).toMatch(/connecting to PostgreSQL through its Unix socket in \//);
      expect(statSync(join(workdir, 'data', 'postgres', 'PG_VERSION')).isFile()).toBe(true);
      await exerciseAsNewUser(port);
    } finally {
      up.child.kill('SIGTERM');
      await up.expectCleanExit();
    }
  }, 180000);
});
