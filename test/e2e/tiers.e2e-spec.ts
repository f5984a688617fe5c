import { adminPatchUser } from '../support/admin';
import { sql } from '../support/database';
import { HttpClient, HttpResult } from '../support/http-client';
import { eventually, sleep } from '../support/polling';
import { startStack, TestApi, TestStack } from '../support/test-api';
import { REFUSAL_TTL_MS } from '../../libs/admission/src/recent-refusals';
import { registerUser, TestUser } from '../support/users';
import { createWorkflowId } from '../support/workflows';

const DELAY = (ms: number) => [{ id: 'wait', type: 'delay', params: { ms } }];
const QUICK = [{ id: 'quick', type: 'transform', params: { expression: '1 + 1' } }];

describe('tier limits, enforced atomically on every path', () => {
  let stack: TestStack;
  let second: TestApi;
  let http: HttpClient;

  const workflow = (owner: TestUser, steps: unknown[], extra: Record<string, unknown> = {}) =>
    createWorkflowId(http, owner, { steps, ...extra });
  const activeCount = async (ownerId: string) =>
    (
      await sql<{ n: number }>(
        stack.database.url,
        `SELECT count(*)::int AS n FROM executions WHERE owner_id = $1 AND status IN ('queued', 'running')`,
        [ownerId],
      )
    )[0].n;
  const statuses = (responses: HttpResult[]) => responses.map((response) => response.status).sort();

  beforeAll(async () => {
    stack = await startStack(
      { WORKER_LOCK_MS: '2000', RECONCILE_INTERVAL_MS: '1000' },
      { workers: [{ WORKER_REGION: 'us-east-1', WORKER_CONCURRENCY: '20' }] },
    );
    second = await stack.startApi();
    http = stack.api.http;
  });
  afterAll(() => stack?.close());

  it('a free user: two runs accepted, the third 429 CONCURRENCY_LIMIT with Retry-After; after they finish a new run is accepted', async () => {
    const user = await registerUser(http, 'seed');
    const id = await workflow(user, DELAY(2000));
    const first = await http.post('/run/async', { workflowId: id }, { token: user.token });
    const secondRun = await http.post('/run/async', { workflowId: id }, { token: user.token });
    const third = await http.post('/run/async', { workflowId: id }, { token: user.token });
    expect([first.status, secondRun.status]).toEqual([202, 202]);
    expect(third.status).toBe(429);
    expect(third.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', code: 'CONCURRENCY_LIMIT', limit: 2, current: 2 });
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    await eventually(
      () => activeCount(user.id),
      (n) => n === 0,
      15000,
    );
    expect((await http.post('/run/async', { workflowId: id }, { token: user.token })).status).toBe(202);
    const [{ n }] = await sql<{ n: number }>(stack.database.url, 'SELECT count(*)::int AS n FROM executions WHERE owner_id = $1', [
      user.id,
    ]);
    expect(n).toBe(3);
  });

  it('50 parallel runs of a free user, 20 rounds, across two api processes: exactly 2 accepted each round', async () => {
    const user = await registerUser(http, 'burst');
    await adminPatchUser(http, user.id, { customLimits: { apiRequestsPerMinute: null, dailyExecutions: null } });
    // No worker serves eu-west-1 in this stack, so accepted runs hold their slots for the whole
    // burst however slow the machine is; cancelling them releases the slots for the next round.
    const id = await workflow(user, QUICK, { region: 'eu-west-1' });
    for (let round = 0; round < 20; round++) {
      // The previous round freed its slots; a limit refusal answers for REFUSAL_TTL_MS in the api that decided it.
      await sleep(REFUSAL_TTL_MS);
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          (index % 2 === 0 ? http : second.http).post('/run/async', { workflowId: id }, { token: user.token }),
        ),
      );
      const accepted = responses.filter((response) => response.status === 202);
      expect({ round, accepted: accepted.length }).toEqual({ round, accepted: 2 });
      expect(responses.filter((response) => response.status === 429).every((response) => response.body.code === 'CONCURRENCY_LIMIT')).toBe(
        true,
      );
      for (const response of accepted)
        expect((await http.post(`/executions/${response.body.executionId}/cancel`, undefined, { token: user.token })).status).toBe(200);
      expect(await activeCount(user.id)).toBe(0);
    }
    const [{ n }] = await sql<{ n: number }>(stack.database.url, `SELECT count(*)::int AS n FROM executions WHERE owner_id = $1`, [
      user.id,
    ]);
    expect(n).toBe(40);
  }, 180000);

  it('custom limits: maxConcurrentJobs 3 admits 3; dailyExecutions 5 rejects the 6th until the next UTC midnight; 20 parallel with 4 used admit 1', async () => {
    const user = await registerUser(http, 'custom');
    await adminPatchUser(http, user.id, { customLimits: { maxConcurrentJobs: 3 } });
    const slow = await workflow(user, DELAY(1500));
    const burst = await Promise.all(Array.from({ length: 6 }, () => http.post('/run/async', { workflowId: slow }, { token: user.token })));
    expect(statuses(burst)).toEqual([202, 202, 202, 429, 429, 429]);
    await eventually(
      () => activeCount(user.id),
      (n) => n === 0,
      15000,
    );

    const daily = await registerUser(http, 'daily');
    await adminPatchUser(http, daily.id, { customLimits: { dailyExecutions: 5, maxConcurrentJobs: null } });
    const quick = await workflow(daily, QUICK);
    for (let i = 0; i < 5; i++) expect((await http.post('/run/async', { workflowId: quick }, { token: daily.token })).status).toBe(202);
    const sixth = await http.post('/run/async', { workflowId: quick }, { token: daily.token });
    expect(sixth.status).toBe(429);
    expect(sixth.body).toMatchObject({ code: 'DAILY_EXECUTION_LIMIT', limit: 5, current: 5 });
    const now = new Date();
    const toMidnight = (Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1000;
    expect(Math.abs(Number(sixth.headers.get('retry-after')) - toMidnight)).toBeLessThan(10);

    const parallel = await registerUser(http, 'parallel-daily');
    await adminPatchUser(http, parallel.id, { customLimits: { dailyExecutions: 5, maxConcurrentJobs: null } });
    const quick2 = await workflow(parallel, QUICK);
    for (let i = 0; i < 4; i++) expect((await http.post('/run/async', { workflowId: quick2 }, { token: parallel.token })).status).toBe(202);
    const twenty = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? second.http : http).post('/run/async', { workflowId: quick2 }, { token: parallel.token }),
      ),
    );
    expect(twenty.filter((response) => response.status === 202)).toHaveLength(1);
    expect(twenty.filter((response) => response.status === 429 && response.body.code === 'DAILY_EXECUTION_LIMIT')).toHaveLength(19);
  });

  it('enterprise: 30 parallel runs are all accepted', async () => {
    const user = await registerUser(http, 'enterprise');
    await adminPatchUser(http, user.id, { tier: 'enterprise' });
    const id = await workflow(user, DELAY(300));
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? second.http : http).post('/run/async', { workflowId: id }, { token: user.token })),
    );
    expect(statuses(responses)).toEqual(Array(30).fill(202));
  });

  it('the 6th workflow of a free user is 403 WORKFLOW_LIMIT; 10 parallel creates from 0 leave exactly 5', async () => {
    const user = await registerUser(http, 'wfcount');
    for (let i = 0; i < 5; i++) await workflow(user, QUICK);
    const sixth = await http.post('/workflows', { name: 'one too many', steps: QUICK }, { token: user.token });
    expect(sixth.status).toBe(403);
    expect(sixth.body).toMatchObject({ statusCode: 403, code: 'WORKFLOW_LIMIT', limit: 5, current: 5 });

    const racer = await registerUser(http, 'wfrace');
    const creates = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? second.http : http).post('/workflows', { name: `w${i}`, steps: QUICK }, { token: racer.token }),
      ),
    );
    expect(statuses(creates)).toEqual([201, 201, 201, 201, 201, 403, 403, 403, 403, 403]);
    expect((await http.get('/workflows', { token: racer.token })).body.total).toBe(5);
  });

  it('whenBusy "queue": 6 runs of a free user, 2 run and 4 wait, all succeed, never more than 2 active', async () => {
    const user = await registerUser(http, 'queued');
    const id = await workflow(user, DELAY(700));
    const responses: HttpResult[] = [];
    for (let i = 0; i < 6; i++) responses.push(await http.post('/run/async', { workflowId: id, whenBusy: 'queue' }, { token: user.token }));
    expect(responses.map((response) => response.body.status)).toEqual(['queued', 'queued', 'waiting', 'waiting', 'waiting', 'waiting']);
    let maxActive = 0;
    const ids = responses.map((response) => response.body.executionId as string);
    await eventually(
      async () => {
        const rows = await sql<{ status: string }>(stack.database.url, 'SELECT status FROM executions WHERE id = ANY($1)', [ids]);
        maxActive = Math.max(maxActive, rows.filter((row) => row.status === 'queued' || row.status === 'running').length);
        return rows;
      },
      (rows) => rows.every((row) => row.status === 'succeeded'),
      30000,
      30,
    );
    expect(maxActive).toBeLessThanOrEqual(2);
    expect(maxActive).toBe(2);
    const started = await sql<{ id: string }>(stack.database.url, 'SELECT id FROM executions WHERE id = ANY($1) ORDER BY started_at', [
      ids,
    ]);
    // FIFO: waiting runs are promoted oldest first. Two promoted by the same freed pair of slots may
    // start in either order on a concurrent worker, but no run starts before one two places ahead of it.
    const position = new Map(started.map((row, index) => [row.id, index]));
    for (let k = 2; k + 2 < ids.length; k++) expect((position.get(ids[k]) ?? 0) < (position.get(ids[k + 2]) ?? 0)).toBe(true);
  });

  it('cancel works on a waiting run', async () => {
    const user = await registerUser(http, 'cancel-waiting');
    const id = await workflow(user, DELAY(1500));
    for (let i = 0; i < 2; i++) await http.post('/run/async', { workflowId: id }, { token: user.token });
    const waiting = await http.post('/run/async', { workflowId: id, whenBusy: 'queue' }, { token: user.token });
    expect(waiting.body.status).toBe('waiting');
    const cancelled = await http.post(`/executions/${waiting.body.executionId}/cancel`, undefined, { token: user.token });
    expect(cancelled.body.status).toBe('cancelled');
    await sleep(2500);
    expect((await http.get(`/executions/${waiting.body.executionId}`, { token: user.token })).body.status).toBe('cancelled');
  });

  it('rate limit: with apiRequestsPerMinute 10 the 11th request in the minute is 429 RATE_LIMIT, across two api processes', async () => {
    const user = await registerUser(http, 'rate');
    await adminPatchUser(http, user.id, { customLimits: { apiRequestsPerMinute: 10 } });
    const results: HttpResult[] = [];
    for (let i = 0; i < 11; i++) results.push(await (i % 2 ? second.http : http).get('/users/me', { token: user.token }));
    expect(results.slice(0, 10).map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(results[0].headers.get('x-ratelimit-limit')).toBe('10');
    expect(results[9].headers.get('x-ratelimit-remaining')).toBe('0');
    const limited = results[10];
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'RATE_LIMIT', limit: 10 });
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    for (const header of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'])
      expect(limited.headers.get(header)).toMatch(/^\d+$/);
  });

  it('a worker killed with SIGKILL mid-run: the slot is free again once the run ends, and new runs are accepted', async () => {
    const user = await registerUser(http, 'kill');
    await adminPatchUser(http, user.id, { customLimits: { maxConcurrentJobs: 1 } });
    const id = await workflow(user, DELAY(2500), { region: 'eu-west-1' });
    const doomed = await stack.startWorker({ WORKER_REGION: 'eu-west-1' });
    const run = await http.post('/run/async', { workflowId: id }, { token: user.token });
    await eventually(
      () => sql<{ status: string }>(stack.database.url, 'SELECT status FROM executions WHERE id = $1', [run.body.executionId]),
      (rows) => rows[0]?.status === 'running',
    );
    await doomed.stop('SIGKILL');
    expect((await http.post('/run/async', { workflowId: id }, { token: user.token })).body.code).toBe('CONCURRENCY_LIMIT');
    const rescuer = await stack.startWorker({ WORKER_REGION: 'eu-west-1' });
    await eventually(
      () => activeCount(user.id),
      (n) => n === 0,
      30000,
    );
    const [row] = await sql<{ status: string }>(stack.database.url, 'SELECT status FROM executions WHERE id = $1', [run.body.executionId]);
    expect(row.status).toBe('succeeded');
    expect((await http.post('/run/async', { workflowId: id }, { token: user.token })).status).toBe(202);
    await rescuer.stop();
  });
});
