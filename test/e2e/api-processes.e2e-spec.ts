import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { eventually } from '../support/polling';
import { freePort, spawnFlowline } from '../support/processes';
import { startStack, TestStack } from '../support/test-api';
import { registerUser } from '../support/users';

/** Pids of the processes the api's primary forked (Linux /proc). */
function childPids(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text ? text.split(/\s+/).map(Number) : [];
}

function sampleCount(metrics: string, route: string): number {
  const pattern = new RegExp(`^http_request_duration_seconds_count\\{[^}]*route="${route}"[^}]*status="200"[^}]*\\} (\\d+)`, 'm');
  return Number(pattern.exec(metrics)?.[1] ?? 0);
}

describe('API_PROCESSES: several api processes share one port', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack({ API_PROCESSES: '2' });
  });
  afterAll(() => stack?.close());

  it('runs two api processes under one supervisor; each /metrics answer counts the requests of both', async () => {
    expect(childPids(stack.api.process.pid)).toHaveLength(2);
    const user = await registerUser(stack.api.http);
    for (let i = 0; i < 20; i++) expect((await stack.api.http.get('/users/me', { token: user.token })).status).toBe(200);
    // Whichever process takes the scrape, the counters are summed over both.
    for (let i = 0; i < 4; i++) {
      const metrics = await stack.api.http.get('/metrics');
      expect(metrics.status).toBe(200);
      expect(sampleCount(metrics.text, '/users/me')).toBe(20);
      expect(metrics.text).toMatch(/^flowline_queue_jobs\{/m);
    }
  });

  it('replaces an api process that dies, and keeps answering', async () => {
    const [victim] = childPids(stack.api.process.pid);
    process.kill(victim, 'SIGKILL');
    const replaced = await eventually(
      async () => childPids(stack.api.process.pid),
      (pids) => pids.length === 2 && !pids.includes(victim),
    );
    expect(replaced).not.toContain(victim);
    await eventually(
      async () => (await stack.api.http.get('/health')).status,
      (status) => status === 200,
    );
  });

  it('SIGTERM stops every api process and then the supervisor, with exit code 0', async () => {
    const children = childPids(stack.api.process.pid);
    expect(await stack.api.process.stop('SIGTERM')).toBe(0);
    for (const pid of children) expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe('API_PROCESSES: an api that cannot start stops as one process would', () => {
  let blocker: Server;

  afterAll(() => new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve())));

  it('exits non-zero when its processes cannot listen (port taken), instead of restarting them forever', async () => {
    const port = await freePort();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, resolve));
    const stack = await startStack();
    try {
      const api = spawnFlowline('api', { ...stack.api.env, PORT: String(port), API_PROCESSES: '2' });
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([api.exited, new Promise((resolve) => (timer = setTimeout(() => resolve('still running'), 60000)))]);
      clearTimeout(timer);
      if (code === 'still running') await api.stop('SIGKILL');
      expect(code).not.toBe(0);
      expect(code).not.toBe('still running');
    } finally {
      await stack.close();
    }
  });
});
