import { sql } from '../support/database';
import { TargetServer } from '../support/target-server';
import { startStack, TestStack } from '../support/test-api';
import { registerUser, TestUser } from '../support/users';

describe('http steps may not reach private addresses (HTTP_STEP_ALLOW_PRIVATE=false)', () => {
  let stack: TestStack;
  let canary: TargetServer;
  let user: TestUser;

  beforeAll(async () => {
    canary = await new TargetServer().json('/secret', 200, { secret: 'internal' }).start();
    stack = await startStack({ HTTP_STEP_ALLOW_PRIVATE: 'false' }, { workers: [{ WORKER_REGION: 'us-east-1' }] });
    user = await registerUser(stack.api.http, 'ssrf');
    await sql(stack.database.url, `UPDATE users SET tier = 'enterprise' WHERE id = $1`, [user.id]);
  });

  afterAll(async () => {
    await stack?.close();
    await canary?.stop();
  });

  it.each([
    ['loopback IPv4', () => canary.url('/secret')],
    ['localhost', () => `http://localhost:${canary.port}/secret`],
    ['loopback IPv6', () => `http://[::1]:${canary.port}/secret`],
    ['IPv4-mapped IPv6 loopback', () => `http://[::ffff:127.0.0.1]:${canary.port}/secret`],
    ['decimal loopback', () => `http://2130706433:${canary.port}/secret`],
    ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/'],
    ['private network', () => 'http://10.0.0.1/admin'],
  ])('%s: the step fails with a clear error and nothing is contacted', async (_name, url) => {
    const http = stack.api.http;
    const workflow = await http.post(
      '/workflows',
      { name: 'probe', steps: [{ id: 'probe', type: 'http', params: { method: 'GET', url: url() } }] },
      { token: user.token },
    );
    expect(workflow.status).toBe(201);
    const run = await http.post('/run', { workflowId: workflow.body.id }, { token: user.token });
    expect(run.status).toBe(200);
    expect(run.body.status).toBe('failed');
    expect(run.body.steps[0]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(run.body.steps[0].error).toMatch(/refused|not allowed/i);
    expect(run.body.error).toMatch(/Step "probe" failed/);
    expect(canary.connections).toBe(0);
    expect(canary.hits).toEqual([]);
  });
});
