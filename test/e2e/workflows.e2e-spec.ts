import { sql } from '../support/database';
import { HttpClient } from '../support/http-client';
import { eventually, sleep } from '../support/polling';
import { TargetServer } from '../support/target-server';
import { startStack, TestStack } from '../support/test-api';
import { registerUser, TestUser } from '../support/users';
import { createWorkflow } from '../support/workflows';

describe('workflows, runs and the worker (real api, worker, PostgreSQL, Redis)', () => {
  let stack: TestStack;
  let http: HttpClient;
  let target: TargetServer;
  let user: TestUser;
  let flakyCalls = 0;

  const execution = (owner: TestUser, id: string) => http.get(`/executions/${id}`, { token: owner.token }).then((r) => r.body);
  const finished = (owner: TestUser, id: string, timeoutMs = 15000) =>
    eventually(
      () => execution(owner, id),
      (body) => ['succeeded', 'failed', 'cancelled'].includes(body.status),
      timeoutMs,
    );

  beforeAll(async () => {
    target = await new TargetServer()
      .json('/orders', 200, {
        orders: [
          { id: 1, total: 30 },
          { id: 2, total: 12 },
        ],
      })
      .json('/missing', 404, { error: 'not here' })
      .route('/flaky', (_req, res) => {
        flakyCalls++;
        res.writeHead(flakyCalls <= 2 ? 503 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ call: flakyCalls }));
      })
      .route('/slow', (_req, res) => void setTimeout(() => res.end('late'), 3000))
      .start();
    // Only us-east-1 has a worker: eu-west-1 runs stay queued (used by the cancel test).
    stack = await startStack(
      { HTTP_STEP_ALLOW_PRIVATE: 'true', WORKER_LOCK_MS: '2000', MIGRATIONS_RUN: 'true' },
      { workers: [{ WORKER_REGION: 'us-east-1', WORKER_CONCURRENCY: '5' }] },
    );
    http = stack.api.http;
    user = await registerUser(http, 'owner');
    // This file is about execution, not tier limits (tiers.e2e-spec covers those).
    await sql(stack.database.url, `UPDATE users SET tier = 'enterprise' WHERE id = $1`, [user.id]);
  });

  afterAll(async () => {
    await stack?.close();
    await target?.stop();
  });

  it('runs http → transform → condition → transform and answers POST /run with the output and four step records', async () => {
    const workflow = await createWorkflow(http, user, {
      steps: [
        { id: 'fetch', type: 'http', params: { method: 'GET', url: target.url('/orders'), query: { customer: '{{ input.customer }}' } } },
        { id: 'total', type: 'transform', params: { expression: '$sum(steps.fetch.output.body.orders.total)' } },
        { id: 'big', type: 'condition', params: { expression: 'steps.total.output > 40' } },
        { id: 'summary', type: 'transform', params: { expression: '{"customer": input.customer, "total": steps.total.output}' } },
      ],
    });
    const run = await http.post('/run', { workflowId: workflow.id, input: { customer: 'acme' } }, { token: user.token });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({
      workflowId: workflow.id,
      status: 'succeeded',
      trigger: 'manual',
      region: 'us-east-1',
      queue: 'us-east-1-default',
      output: { customer: 'acme', total: 42 },
      error: null,
    });
    expect(run.body.steps.map((step: { id: string; status: string }) => [step.id, step.status])).toEqual([
      ['fetch', 'succeeded'],
      ['total', 'succeeded'],
      ['big', 'succeeded'],
      ['summary', 'succeeded'],
    ]);
    expect(run.body.steps[0].output).toMatchObject({
      status: 200,
      body: {
        orders: [
          { id: 1, total: 30 },
          { id: 2, total: 12 },
        ],
      },
    });
    expect(run.body.workerId).toEqual(expect.stringContaining(String(stack.workers[0].pid)));
    expect(target.hits.some((hit) => hit.url === '/orders?customer=acme')).toBe(true);

    const accepted = await http.post('/run/async', { workflowId: workflow.id, input: { customer: 'beta' } }, { token: user.token });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ executionId: expect.any(String), status: 'queued', region: 'us-east-1', queue: 'us-east-1-default' });
    const done = await finished(user, accepted.body.executionId);
    expect(done).toMatchObject({ status: 'succeeded', output: { customer: 'beta', total: 42 } });
    expect(done.steps).toHaveLength(4);
  });

  it('a false condition stops the run as succeeded and skips later steps', async () => {
    const workflow = await createWorkflow(http, user, {
      steps: [
        { id: 'check', type: 'condition', params: { expression: 'input.go = true' } },
        { id: 'never', type: 'http', params: { method: 'GET', url: target.url('/never') } },
      ],
    });
    const run = await http.post('/run', { workflowId: workflow.id, input: { go: false } }, { token: user.token });
    expect(run.body).toMatchObject({ status: 'succeeded', output: false });
    expect(run.body.steps.map((step: { status: string }) => step.status)).toEqual(['succeeded', 'skipped']);
    expect(target.hitsOf('/never')).toBe(0);
  });

  it('retries a 503 and succeeds on the third attempt; a 404 fails at once', async () => {
    const flaky = await createWorkflow(http, user, {
      steps: [{ id: 'call', type: 'http', params: { method: 'GET', url: target.url('/flaky') }, retry: { attempts: 3, backoffMs: 50 } }],
    });
    const ok = await http.post('/run', { workflowId: flaky.id }, { token: user.token });
    expect(ok.body).toMatchObject({ status: 'succeeded' });
    expect(ok.body.steps[0]).toMatchObject({ id: 'call', status: 'succeeded', attempts: 3 });
    expect(target.hitsOf('/flaky')).toBe(3);

    const missing = await createWorkflow(http, user, {
      steps: [{ id: 'call', type: 'http', params: { method: 'GET', url: target.url('/missing') }, retry: { attempts: 3, backoffMs: 50 } }],
    });
    const failed = await http.post('/run', { workflowId: missing.id }, { token: user.token });
    expect(failed.body).toMatchObject({ status: 'failed', error: expect.stringContaining('404') });
    expect(failed.body.steps[0]).toMatchObject({ status: 'failed', attempts: 1, error: expect.stringContaining('404') });
    expect(target.hitsOf('/missing')).toBe(1);
  });

  it('a step with timeoutMs 200 against a slow target fails within a second', async () => {
    const workflow = await createWorkflow(http, user, {
      steps: [{ id: 'slow', type: 'http', params: { method: 'GET', url: target.url('/slow') }, timeoutMs: 200 }],
    });
    const run = await http.post('/run', { workflowId: workflow.id }, { token: user.token });
    expect(run.body).toMatchObject({ status: 'failed' });
    expect(run.body.steps[0].error).toMatch(/time/i);
    expect(run.body.steps[0].durationMs).toBeLessThan(1000);
  });

  it('cancels a queued run (no worker in its region) and a running one; later steps never run', async () => {
    const queuedWorkflow = await createWorkflow(http, user, {
      region: 'eu-west-1',
      steps: [{ id: 'later', type: 'http', params: { method: 'GET', url: target.url('/queued-never') } }],
    });
    const queued = await http.post('/run/async', { workflowId: queuedWorkflow.id }, { token: user.token });
    expect(queued.body).toMatchObject({ status: 'queued', region: 'eu-west-1', warnings: ['no worker is online in eu-west-1'] });
    const cancelledQueued = await http.post(`/executions/${queued.body.executionId}/cancel`, undefined, { token: user.token });
    expect(cancelledQueued.status).toBe(200);
    expect(cancelledQueued.body.status).toBe('cancelled');

    const running = await createWorkflow(http, user, {
      steps: [
        { id: 'wait', type: 'delay', params: { ms: 5000 } },
        { id: 'after', type: 'http', params: { method: 'GET', url: target.url('/after-cancel') } },
      ],
    });
    const accepted = await http.post('/run/async', { workflowId: running.id }, { token: user.token });
    await eventually(
      () => execution(user, accepted.body.executionId),
      (body) => body.status === 'running',
    );
    const started = Date.now();
    const cancelled = await http.post(`/executions/${accepted.body.executionId}/cancel`, undefined, { token: user.token });
    expect(cancelled.body.status).toBe('cancelled');
    const steps = await eventually(
      () => execution(user, accepted.body.executionId),
      (body) => body.steps.length === 2,
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(steps.status).toBe('cancelled');
    expect(steps.steps.map((step: { status: string }) => step.status)).toEqual(['cancelled', 'skipped']);
    await sleep(500);
    expect(target.hitsOf('/after-cancel')).toBe(0);
    expect(target.hitsOf('/queued-never')).toBe(0);

    const again = await http.post(`/executions/${accepted.body.executionId}/cancel`, undefined, { token: user.token });
    expect(again.status).toBe(409);
  });

  it('a webhook run gets the posted body as input; a wrong token gets 404 and creates nothing', async () => {
    const workflow = await createWorkflow(http, user, {
      trigger: { type: 'webhook' },
      steps: [{ id: 'echo', type: 'transform', params: { expression: 'input.order' } }],
    });
    expect(workflow.webhook).toEqual({ url: `${stack.api.url}/hooks/${workflow.id}`, token: expect.stringMatching(/^whk_/) });
    expect((await http.get(`/workflows/${workflow.id}`, { token: user.token })).body.webhook).toBeUndefined();

    const hook = await http.post(`/hooks/${workflow.id}`, { order: { id: 7 } }, { headers: { 'x-webhook-token': workflow.webhook.token } });
    expect(hook.status).toBe(202);
    const done = await finished(user, hook.body.executionId);
    expect(done).toMatchObject({ trigger: 'webhook', input: { order: { id: 7 } }, output: { id: 7 }, status: 'succeeded' });

    const before = (await http.get(`/executions?workflowId=${workflow.id}`, { token: user.token })).body.total;
    for (const headers of [{ 'x-webhook-token': 'whk_wrong' }, {} as Record<string, string>]) {
      const wrong = await http.post(`/hooks/${workflow.id}`, { order: 1 }, { headers });
      expect(wrong.status).toBe(404);
    }
    expect(
      (await http.post(`/hooks/00000000-0000-4000-8000-000000000000`, {}, { headers: { 'x-webhook-token': workflow.webhook.token } }))
        .status,
    ).toBe(404);
    expect((await http.get(`/executions?workflowId=${workflow.id}`, { token: user.token })).body.total).toBe(before);

    const rotated = await http.post(`/workflows/${workflow.id}/webhook-token`, undefined, { token: user.token });
    expect(rotated.status).toBe(200);
    expect((await http.post(`/hooks/${workflow.id}`, {}, { headers: { 'x-webhook-token': workflow.webhook.token } })).status).toBe(404);
    expect((await http.post(`/hooks/${workflow.id}`, {}, { headers: { 'x-webhook-token': rotated.body.token } })).status).toBe(202);
  });

  it('a */2 * * * * * schedule produces runs with trigger schedule; deleting the workflow stops them', async () => {
    const owner = await registerUser(http, 'scheduler');
    const workflow = await createWorkflow(http, owner, {
      trigger: { type: 'schedule', cron: '*/2 * * * * *' },
      steps: [{ id: 'tick', type: 'transform', params: { expression: '"tick"' } }],
    });
    const list = await eventually(
      () => http.get(`/executions?workflowId=${workflow.id}&status=succeeded`, { token: owner.token }).then((r) => r.body),
      (body) => body.total >= 2,
      12000,
    );
    expect(list.items[0]).toMatchObject({ trigger: 'schedule', output: 'tick' });

    expect((await http.delete(`/workflows/${workflow.id}`, { token: owner.token })).status).toBe(204);
    await sleep(500);
    const afterDelete = (await http.get(`/executions?workflowId=${workflow.id}`, { token: owner.token })).body.total;
    await sleep(4500);
    expect((await http.get(`/executions?workflowId=${workflow.id}`, { token: owner.token })).body.total).toBe(afterDelete);
  });

  it('rejects invalid definitions with 400 naming the step', async () => {
    const cases: [unknown[], RegExp][] = [
      [
        [
          { id: 'a', type: 'transform', params: { expression: '1' } },
          { id: 'a', type: 'transform', params: { expression: '2' } },
        ],
        /a/,
      ],
      [[{ id: 'x', type: 'teleport', params: {} }], /x/],
      [[{ id: 'bad', type: 'transform', params: { expression: '$$$(' } }], /bad/],
      [
        [
          { id: 'early', type: 'transform', params: { expression: '1' } },
          { id: 'ref', type: 'http', params: { method: 'GET', url: 'https://example.com/{{ steps.later.output }}' } },
          { id: 'later', type: 'transform', params: { expression: '1' } },
        ],
        /ref/,
      ],
      [[{ id: 'nap', type: 'delay', params: { ms: 300001 } }], /nap/],
      [[], /steps/],
    ];
    for (const [steps, message] of cases) {
      const response = await http.post('/workflows', { name: 'bad', steps }, { token: user.token });
      expect({ status: response.status, code: response.body.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      expect(response.body.message).toMatch(message);
    }
    const tooMany = Array.from({ length: 101 }, (_, index) => ({ id: `s${index}`, type: 'transform', params: { expression: '1' } }));
    expect((await http.post('/workflows', { name: 'big', steps: tooMany }, { token: user.token })).status).toBe(400);
    expect(
      (
        await http.post(
          '/workflows',
          {
            name: 'cron',
            trigger: { type: 'schedule', cron: 'every day' },
            steps: [{ id: 'a', type: 'transform', params: { expression: '1' } }],
          },
          { token: user.token },
        )
      ).status,
    ).toBe(400);
  });

  it('a trigger is one of manual, webhook or schedule: an unknown or missing type and undeclared properties answer 400 naming them', async () => {
    const steps = [{ id: 'a', type: 'transform', params: { expression: '1' } }];
    const refusedFields = async (trigger: unknown, path = '/workflows', method: 'post' | 'patch' = 'post') => {
      const response = await http[method](path, { name: 'trigger', steps, trigger }, { token: user.token });
      expect({ status: response.status, code: response.body.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      return (response.body.fields as { field: string }[]).map((field) => field.field);
    };
    expect(await refusedFields({ type: 'hourly' })).toEqual(['trigger.type']);
    expect(await refusedFields({})).toEqual(['trigger.type']);
    expect(await refusedFields({ type: 'hourly', cron: '* * * * *' })).toEqual(['trigger.cron', 'trigger.type']);
    // A cron on a manual trigger is refused rather than ignored: the caller most likely meant a schedule.
    expect(await refusedFields({ type: 'manual', cron: '* * * * *' })).toEqual(['trigger.cron']);
    expect(await refusedFields({ type: 'webhook', secret: 'x' })).toEqual(['trigger.secret']);
    expect(await refusedFields({ type: 'schedule' })).toEqual(['trigger.cron']);
    expect(await refusedFields({ type: 'schedule', cron: '0 0 1 1 *', timezone: 'x'.repeat(65) })).toEqual(['trigger.timezone']);
    expect(await refusedFields('manual')).toEqual(['trigger']);

    const yearly = { type: 'schedule', cron: '0 0 1 1 *', timezone: 'Europe/Paris' };
    const workflow = await createWorkflow(http, user, { steps, trigger: yearly });
    expect(workflow.trigger).toEqual(yearly);
    expect(await refusedFields({ type: 'manual', timezone: 'UTC' }, `/workflows/${workflow.id}`, 'patch')).toEqual(['trigger.timezone']);
    const manual = await http.patch(`/workflows/${workflow.id}`, { trigger: { type: 'manual' } }, { token: user.token });
    expect({ status: manual.status, trigger: manual.body.trigger }).toEqual({ status: 200, trigger: { type: 'manual' } });
    expect((await http.delete(`/workflows/${workflow.id}`, { token: user.token })).status).toBe(204);
  });

  it('steps are refused past the bounds the OpenAPI document states, naming the step and field', async () => {
    const headers = Object.fromEntries(Array.from({ length: 101 }, (_, index) => [`X-H${index}`, 'v']));
    const cases: [unknown, string][] = [
      [{ id: 'wide', type: 'http', params: { method: 'GET', url: 'https://example.com', headers } }, 'steps[0].params.headers'],
      [{ id: 'huge', type: 'transform', params: { expression: `1${' '.repeat(10_000)}` } }, 'steps[0].params.expression'],
      [{ id: 'odd', type: 'delay', params: { ms: 5 }, extra: true }, 'steps[0].extra'],
      [{ id: 'tries', type: 'delay', params: { ms: 5 }, retry: { attempts: 11, backoffMs: 0 } }, 'steps[0].retry.attempts'],
    ];
    for (const [step, field] of cases) {
      const response = await http.post('/workflows', { name: 'bounds', steps: [step] }, { token: user.token });
      expect({ status: response.status, fields: response.body.fields.map((item: { field: string }) => item.field) }).toEqual({
        status: 400,
        fields: [field],
      });
      expect(response.body.message).toContain(`step "${(step as { id: string }).id}"`);
    }
  });

  it('an inactive workflow answers 409 WORKFLOW_INACTIVE and creates nothing', async () => {
    const workflow = await createWorkflow(http, user, {
      active: false,
      steps: [{ id: 'a', type: 'transform', params: { expression: '1' } }],
    });
    const run = await http.post('/run/async', { workflowId: workflow.id }, { token: user.token });
    expect(run.status).toBe(409);
    expect(run.body.code).toBe('WORKFLOW_INACTIVE');
    expect((await http.get(`/executions?workflowId=${workflow.id}`, { token: user.token })).body.total).toBe(0);
  });

  it("user B gets 404 on A's workflow, runs, executions and cancel", async () => {
    const other = await registerUser(http, 'intruder');
    const workflow = await createWorkflow(http, user, { steps: [{ id: 'wait', type: 'delay', params: { ms: 1000 } }] });
    const run = await http.post('/run/async', { workflowId: workflow.id }, { token: user.token });
    const asB = { token: other.token };
    expect((await http.get(`/workflows/${workflow.id}`, asB)).status).toBe(404);
    expect((await http.patch(`/workflows/${workflow.id}`, { name: 'mine now' }, asB)).status).toBe(404);
    expect((await http.post(`/workflows/${workflow.id}/webhook-token`, undefined, asB)).status).toBe(404);
    expect((await http.delete(`/workflows/${workflow.id}`, asB)).status).toBe(404);
    expect((await http.post('/run/async', { workflowId: workflow.id }, asB)).status).toBe(404);
    expect((await http.post('/run', { workflowId: workflow.id }, asB)).status).toBe(404);
    expect((await http.get(`/executions/${run.body.executionId}`, asB)).status).toBe(404);
    expect((await http.post(`/executions/${run.body.executionId}/cancel`, undefined, asB)).status).toBe(404);
    expect((await http.get('/workflows', asB)).body.total).toBe(0);
    expect((await http.get('/executions', asB)).body.total).toBe(0);
    expect((await finished(user, run.body.executionId)).status).toBe('succeeded');
  });

  it('a worker killed with SIGKILL during a delay: another worker finishes the run, exactly once', async () => {
    const owner = await registerUser(http, 'crash');
    const workflow = await createWorkflow(http, owner, {
      region: 'eu-west-1',
      steps: [
        { id: 'first', type: 'transform', params: { expression: '"before"' } },
        { id: 'wait', type: 'delay', params: { ms: 3000 } },
        { id: 'last', type: 'transform', params: { expression: 'steps.first.output & "-after"' } },
      ],
    });
    const doomed = await stack.startWorker({ WORKER_REGION: 'eu-west-1' });
    const accepted = await http.post('/run/async', { workflowId: workflow.id }, { token: owner.token });
    await eventually(
      () => execution(owner, accepted.body.executionId),
      (body) => body.status === 'running' && body.steps.length === 1,
    );
    await doomed.stop('SIGKILL');

    const rescuer = await stack.startWorker({ WORKER_REGION: 'eu-west-1' });
    const done = await finished(owner, accepted.body.executionId, 30000);
    expect(done).toMatchObject({ status: 'succeeded', output: 'before-after' });
    expect(done.workerId).toContain(String(rescuer.pid));
    expect(done.steps.map((step: { id: string; status: string }) => `${step.id}:${step.status}`)).toEqual([
      'first:succeeded',
      'wait:succeeded',
      'last:succeeded',
    ]);
    const rows = await sql<{ count: number }>(
      stack.database.url,
      'SELECT count(*)::int AS count FROM execution_steps WHERE execution_id = $1',
      [accepted.body.executionId],
    );
    expect(rows[0].count).toBe(3);
    const [row] = await sql<{ deliveries: number; status: string }>(
      stack.database.url,
      'SELECT deliveries, status FROM executions WHERE id = $1',
      [accepted.body.executionId],
    );
    expect(row).toEqual({ deliveries: 2, status: 'succeeded' });
    await rescuer.stop();
  });
});
