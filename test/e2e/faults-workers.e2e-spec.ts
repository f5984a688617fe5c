import { adminPatchUser } from '../support/admin';
import { sql } from '../support/database';
import { HttpClient } from '../support/http-client';
import { OwnServicesStack, startOwnServicesStack } from '../support/own-services';
import { eventually } from '../support/polling';
import { FlowlineProcess } from '../support/processes';
import { TargetServer } from '../support/target-server';
import { registerUser, TestUser } from '../support/users';
import { createWorkflowId } from '../support/workflows';

interface ExecutionRow {
  status: string;
  worker_id: string | null;
  deliveries: number;
  error: string | null;
  finished_at: Date | null;
}

const FINAL = ['succeeded', 'failed', 'cancelled'];

describe('faults: workers killed, stopped and handed the same job twice (own PostgreSQL and Redis)', () => {
  let stack: OwnServicesStack;
  let http: HttpClient;
  let target: TargetServer;

  const row = async (id: string) =>
    (
      await sql<ExecutionRow>(
        stack.database.url,
        'SELECT status, worker_id, deliveries, error, finished_at FROM executions WHERE id = $1',
        [id],
      )
    )[0];
  const stepRows = (id: string) =>
    sql<{ step_id: string; status: string; output: unknown }>(
      stack.database.url,
      'SELECT step_id, status, output FROM execution_steps WHERE execution_id = $1 ORDER BY position',
      [id],
    );
  const activeCount = async (ownerId: string) =>
    (
      await sql<{ n: number }>(
        stack.database.url,
        `SELECT count(*)::int AS n FROM executions WHERE owner_id = $1 AND status IN ('queued', 'running')`,
        [ownerId],
      )
    )[0].n;
  const createWorkflow = (owner: TestUser, body: Record<string, unknown>) => createWorkflowId(http, owner, body);
  const runAsync = async (owner: TestUser, workflowId: string) => {
    const response = await http.post('/run/async', { workflowId }, { token: owner.token });
    if (response.status !== 202) throw new Error(`run failed: ${response.status} ${response.text}`);
    return response.body.executionId as string;
  };
  const enterprise = async (prefix: string) => {
    const user = await registerUser(http, prefix);
    await sql(stack.database.url, `UPDATE users SET tier = 'enterprise' WHERE id = $1`, [user.id]);
    return user;
  };

  beforeAll(async () => {
    target = await new TargetServer().json('/side-effect', 200, { ok: true }).start();
    stack = await startOwnServicesStack({ WORKER_LOCK_MS: '2000', RECONCILE_INTERVAL_MS: '1000', HTTP_STEP_ALLOW_PRIVATE: 'true' });
    http = stack.api.http;
  });

  afterAll(async () => {
    await stack?.close();
    await target?.stop();
  });

  it('SIGKILL mid-run, again and again: each time another worker takes the run over; after maxStalledCount it ends failed, the slot is released, steps are recorded once', async () => {
    const user = await registerUser(http, 'killed');
    await adminPatchUser(http, user.id, { customLimits: { maxConcurrentJobs: 1 } });
    const workflowId = await createWorkflow(user, {
      region: 'eu-west-1',
      steps: [
        { id: 'first', type: 'transform', params: { expression: '"recorded once"' } },
        { id: 'forever', type: 'delay', params: { ms: 300000 } },
      ],
    });
    const executionId = await runAsync(user, workflowId);

    // The worker registers maxStalledCount 2: the third stall is one too many.
    const killed: FlowlineProcess[] = [];
    for (let delivery = 1; delivery <= 3; delivery++) {
      const worker = await stack.startWorker({ WORKER_REGION: 'eu-west-1' });
      const claimed = await eventually(
        () => row(executionId),
        (r) => r.deliveries === delivery && r.status === 'running',
        30000,
      );
      expect(claimed.worker_id).toContain(`:${worker.pid}`);
      await eventually(
        () => stepRows(executionId),
        (steps) => steps.length === 1,
      );
      await worker.stop('SIGKILL');
      killed.push(worker);
      // While the run is unresolved it keeps its slot.
      const refused = await http.post('/run/async', { workflowId }, { token: user.token });
      expect(refused.body.code).toBe('CONCURRENCY_LIMIT');
    }

    const survivor = await stack.startWorker({ WORKER_REGION: 'eu-west-1' });
    const failed = await eventually(
      () => row(executionId),
      (r) => FINAL.includes(r.status),
      30000,
    );
    expect(failed).toMatchObject({ status: 'failed', deliveries: 3, error: 'The execution could not be completed by a worker' });
    expect(failed.finished_at).not.toBeNull();

    // What the user sees: one failed execution, the one step that ran recorded once.
    const seen = await http.get(`/executions/${executionId}`, { token: user.token });
    expect(seen.body).toMatchObject({ status: 'failed', error: 'The execution could not be completed by a worker' });
    expect(seen.body.steps.map((step: { id: string; status: string }) => `${step.id}:${step.status}`)).toEqual(['first:succeeded']);
    expect(await stepRows(executionId)).toEqual([{ step_id: 'first', status: 'succeeded', output: 'recorded once' }]);
    // What an operator sees: the job failed in the queue for stalling, nothing left to run.
    const job = await stack.queue('eu-west-1').getJob(executionId);
    expect(await job?.getState()).toBe('failed');
    expect(job?.failedReason).toMatch(/stalled/i);
    expect(await stack.queue('eu-west-1').getJobCounts('wait', 'active', 'delayed')).toEqual({ wait: 0, active: 0, delayed: 0 });

    // The slot is free again.
    expect(await activeCount(user.id)).toBe(0);
    const next = await http.post('/run/async', { workflowId }, { token: user.token });
    expect(next.status).toBe(202);
    expect((await http.post(`/executions/${next.body.executionId}/cancel`, undefined, { token: user.token })).status).toBe(200);
    await survivor.stop('SIGKILL');
  }, 180000);

  it('SIGTERM: in-flight runs finish within WORKER_SHUTDOWN_GRACE_MS; a run longer than that and the queued ones finish on the next worker', async () => {
    const user = await enterprise('sigterm');
    const short = await createWorkflow(user, {
      steps: [
        { id: 'wait', type: 'delay', params: { ms: 1500 } },
        { id: 'done', type: 'transform', params: { expression: '"short"' } },
      ],
    });
    const long = await createWorkflow(user, {
      steps: [
        { id: 'wait', type: 'delay', params: { ms: 10000 } },
        { id: 'done', type: 'transform', params: { expression: '"long"' } },
      ],
    });
    const graceMs = 6000;
    const first = await stack.startWorker({
      WORKER_REGION: 'us-east-1',
      WORKER_CONCURRENCY: '3',
      WORKER_SHUTDOWN_GRACE_MS: String(graceMs),
    });

    const longRun = await runAsync(user, long);
    const inFlight = [await runAsync(user, short), await runAsync(user, short)];
    await eventually(
      () => Promise.all([longRun, ...inFlight].map(row)),
      (rows) => rows.every((r) => r.status === 'running'),
      20000,
    );
    const queued = [await runAsync(user, short), await runAsync(user, short), await runAsync(user, short)];
    expect((await Promise.all(queued.map(row))).map((r) => r.status)).toEqual(['queued', 'queued', 'queued']);

    const stopping = Date.now();
    first.child.kill('SIGTERM');
    await first.exited;
    // The worker waited for its in-flight runs, and no longer than the grace period (plus time to close connections).
    expect(Date.now() - stopping).toBeLessThan(graceMs + 10000);

    for (const id of inFlight)
      expect(await row(id)).toMatchObject({ status: 'succeeded', deliveries: 1, worker_id: expect.stringContaining(`:${first.pid}`) });
    // The long run was handed back to the queue when the grace period ended, not left locked to a dead worker.
    expect((await row(longRun)).status).toBe('running');
    expect(['waiting', 'prioritized']).toContain(await (await stack.queue('us-east-1').getJob(longRun))?.getState());
    for (const id of queued) expect((await row(id)).status).toBe('queued');

    const next = await stack.startWorker({ WORKER_REGION: 'us-east-1', WORKER_CONCURRENCY: '5' });
    const all = [longRun, ...inFlight, ...queued];
    const finished = await eventually(
      () => Promise.all(all.map(row)),
      (rows) => rows.every((r) => FINAL.includes(r.status)),
      45000,
      200,
    );
    expect(finished.map((r) => r.status)).toEqual(all.map(() => 'succeeded'));
    expect(await row(longRun)).toMatchObject({ deliveries: 2, worker_id: expect.stringContaining(`:${next.pid}`) });
    for (const id of queued) expect(await row(id)).toMatchObject({ deliveries: 1, worker_id: expect.stringContaining(`:${next.pid}`) });
    for (const id of all)
      expect((await stepRows(id)).map((step) => `${step.step_id}:${step.status}`)).toEqual(['wait:succeeded', 'done:succeeded']);
    const seen = await http.get(`/executions?limit=100`, { token: user.token });
    expect(seen.body.total).toBe(6);
    expect(seen.body.items.every((item: { status: string }) => item.status === 'succeeded')).toBe(true);
    await next.stop();
  }, 120000);

  describe('the same run delivered twice', () => {
    let workers: FlowlineProcess[] = [];
    const sideEffectWorkflow = (owner: TestUser, waitMs: number) =>
      createWorkflow(owner, {
        region: 'eu-west-1',
        steps: [
          { id: 'call', type: 'http', params: { method: 'POST', url: target.url('/side-effect') } },
          { id: 'wait', type: 'delay', params: { ms: waitMs } },
          { id: 'result', type: 'transform', params: { expression: '"status " & $string(steps.call.output.status)' } },
        ],
      });
    const expectOneRecord = async (executionId: string, waitMs: number) => {
      const final = await eventually(
        () => row(executionId),
        (r) => FINAL.includes(r.status),
        40000,
        200,
      );
      expect(final).toMatchObject({ status: 'succeeded', deliveries: 2 });
      expect((await stepRows(executionId)).map((step) => [step.step_id, step.status, step.output])).toEqual([
        ['call', 'succeeded', expect.objectContaining({ status: 200 })],
        ['wait', 'succeeded', { delayedMs: waitMs }],
        ['result', 'succeeded', 'status 200'],
      ]);
      const [{ n }] = await sql<{ n: number }>(stack.database.url, 'SELECT count(*)::int AS n FROM executions WHERE id = $1', [
        executionId,
      ]);
      expect(n).toBe(1);
      // The stale delivery finishes too, but its writes are fenced out: the final state does not change.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await row(executionId)).toEqual(final);
    };

    // As if the worker had missed its lock renewals (a long GC pause, a network partition):
    // the stalled-job check hands the job to a worker again.
    const loseLockWhileRunning = async (executionId: string) => {
      await eventually(
        () => row(executionId),
        (r) => r.status === 'running' && r.deliveries === 1,
        20000,
      );
      const redis = stack.redis.client();
      try {
        expect(await redis.del(`${stack.env.REDIS_KEY_PREFIX}:eu-west-1-default:${executionId}:lock`)).toBe(1);
      } finally {
        redis.disconnect();
      }
    };

    beforeAll(async () => {
      workers = [
        await stack.startWorker({ WORKER_REGION: 'eu-west-1', WORKER_CONCURRENCY: '2' }),
        await stack.startWorker({ WORKER_REGION: 'eu-west-1', WORKER_CONCURRENCY: '2' }),
      ];
    });
    afterAll(() => Promise.all(workers.map((worker) => worker.stop('SIGKILL'))));

    it('a second job with the same data under another job id: one final record, one set of step outputs', async () => {
      const user = await enterprise('duplicate');
      const workflowId = await sideEffectWorkflow(user, 4000);
      const executionId = await runAsync(user, workflowId);
      await stack.queue('eu-west-1').add('execute-workflow', { executionId }, { jobId: `duplicate-${executionId}` });
      await expectOneRecord(executionId, 4000);
      const duplicate = await stack.queue('eu-west-1').getJob(`duplicate-${executionId}`);
      expect(await duplicate?.getState()).toBe('completed');
      expect(await (await stack.queue('eu-west-1').getJob(executionId))?.getState()).toBe('completed');
    }, 60000);

    it('a lock lost while the first worker is still running it: the job is redelivered, one final record, one set of step outputs', async () => {
      const user = await enterprise('stolen-lock');
      const workflowId = await sideEffectWorkflow(user, 8000);
      const executionId = await runAsync(user, workflowId);
      await loseLockWhileRunning(executionId);
      await expectOneRecord(executionId, 8000);
      expect(workers.every((worker) => worker.running)).toBe(true);
    }, 60000);

    it('a lock lost and the redelivery taken by the same worker process: the new delivery keeps its lock when the stale one ends', async () => {
      // One worker left, so the redelivery runs in the process still running the first delivery. BullMQ renews
      // locks per job id: were the stale delivery to return first, the new one's lock would lapse and the run
      // would be delivered a third time.
      await workers[1].stop('SIGTERM');
      const user = await enterprise('same-process');
      // Long enough that the stall check (every WORKER_LOCK_MS) finds the lost lock while the first delivery still runs,
      // also on a loaded machine (a 6 s run once finished first under CI load).
      const workflowId = await sideEffectWorkflow(user, 10000);
      const executionId = await runAsync(user, workflowId);
      await loseLockWhileRunning(executionId);
      await eventually(
        () => row(executionId),
        (r) => r.deliveries === 2,
        20000,
      );
      await expectOneRecord(executionId, 10000);
      expect(workers[0].running).toBe(true);
    }, 60000);
  });
});
