import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { sql } from '../support/database';
import { HttpClient } from '../support/http-client';
import { eventually } from '../support/polling';
import { FlowlineProcess } from '../support/processes';
import { startStack, TestStack } from '../support/test-api';
import { TEST_REDIS_URL } from '../support/test-env';
import { registerUser, TestUser } from '../support/users';

/** How long a SIGTERM takes to end the process, and how it ended. */
async function sigterm(worker: FlowlineProcess): Promise<{ ms: number; ended: string }> {
  const started = Date.now();
  worker.child.kill('SIGTERM');
  await worker.exited;
  return { ms: Date.now() - started, ended: String(worker.child.signalCode ?? worker.child.exitCode) };
}

describe('worker on @nestjs/bullmq: shutdown and dispatch', () => {
  let stack: TestStack;
  let http: HttpClient;
  let connection: IORedis;
  let queue: Queue;
  let user: TestUser;

  const status = async (id: string) =>
    (await sql<{ status: string }>(stack.database.url, 'SELECT status FROM executions WHERE id = $1', [id]))[0]?.status;
  const startLongRun = async () => {
    const workflow = await http.post(
      '/workflows',
      { name: 'long', steps: [{ id: 'wait', type: 'delay', params: { ms: 120000 } }] },
      { token: user.token },
    );
    const run = await http.post('/run/async', { workflowId: workflow.body.id }, { token: user.token });
    await eventually(
      () => status(run.body.executionId),
      (value) => value === 'running',
      30000,
    );
    return run.body.executionId as string;
  };

  beforeAll(async () => {
    stack = await startStack();
    http = stack.api.http;
    connection = new IORedis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue('us-east-1-default', { connection, prefix: stack.env.REDIS_KEY_PREFIX });
    user = await registerUser(http, 'shutdown');
    await sql(stack.database.url, `UPDATE users SET tier = 'enterprise' WHERE id = $1`, [user.id]);
  });

  afterAll(async () => {
    await queue?.close();
    connection?.disconnect();
    await stack?.close();
  });

  it('an idle worker exits at once on SIGTERM, without waiting out the grace period', async () => {
    const worker = await stack.startWorker({ WORKER_REGION: 'us-east-1', WORKER_SHUTDOWN_GRACE_MS: '30000' });
    const { ms, ended } = await sigterm(worker);
    expect(ended).toMatch(/SIGTERM|^0$/);
    expect(ms).toBeLessThan(5000);
  }, 60000);

  it('a run longer than the grace period is handed back to the queue and the process exits right after the grace period', async () => {
    const graceMs = 3000;
    const worker = await stack.startWorker({ WORKER_REGION: 'us-east-1', WORKER_SHUTDOWN_GRACE_MS: String(graceMs) });
    const executionId = await startLongRun();
    const { ms, ended } = await sigterm(worker);
    expect(ended).toMatch(/SIGTERM|^0$/);
    expect(ms).toBeGreaterThanOrEqual(graceMs - 100);
    expect(ms).toBeLessThan(graceMs + 4000);
    expect(['waiting', 'prioritized']).toContain(await (await queue.getJob(executionId))?.getState());
    expect(await status(executionId)).toBe('running');
    expect((await http.post(`/executions/${executionId}/cancel`, undefined, { token: user.token })).status).toBe(200);
  }, 90000);

  it('a run cancelled during the grace period ends there: the cancel still reaches the stopping worker, which exits without handing anything back', async () => {
    const worker = await stack.startWorker({ WORKER_REGION: 'us-east-1', WORKER_SHUTDOWN_GRACE_MS: '30000' });
    const executionId = await startLongRun();
    const started = Date.now();
    worker.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(worker.running).toBe(true);
    expect((await http.post(`/executions/${executionId}/cancel`, undefined, { token: user.token })).status).toBe(200);
    await worker.exited;
    expect(Date.now() - started).toBeLessThan(10000);
    expect(await (await queue.getJob(executionId))?.getState()).toBe('completed');
    expect(await status(executionId)).toBe('cancelled');
  }, 90000);

  it('a job whose name has no handler fails at once, without retries, and the worker goes on', async () => {
    const worker = await stack.startWorker({ WORKER_REGION: 'us-east-1' });
    const job = await queue.add('not-a-job', { executionId: 'none' }, { attempts: 5 });
    const failed = await eventually(
      async () => queue.getJob(job.id ?? ''),
      (found) => found?.failedReason !== undefined && found.failedReason !== null,
      15000,
    );
    expect(failed?.failedReason).toBe('No handler for a job named not-a-job');
    expect(failed?.attemptsMade).toBe(1);
    expect(await failed?.getState()).toBe('failed');
    expect(worker.running).toBe(true);
    await worker.stop();
  }, 60000);
});
