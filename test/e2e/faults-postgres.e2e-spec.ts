import { sql } from '../support/database';
import { HttpClient, HttpResult } from '../support/http-client';
import { OwnServicesStack, startOwnServicesStack } from '../support/own-services';
import { eventually, sleep } from '../support/polling';
import { TEST_QUEUE_BACKEND } from '../support/test-env';
import { registerUser } from '../support/users';

const FINAL = ['succeeded', 'failed', 'cancelled'];
const LEAK = /postgres|127\.0\.0\.1|ECONNREFUSED|connect|driver|typeorm|QueryFailed|:\d{4,5}\b|\/flowline/i;

describe('faults: PostgreSQL stopped under a running api and worker (own PostgreSQL and Redis)', () => {
  let stack: OwnServicesStack;
  let http: HttpClient;

  const timed = async (request: () => Promise<HttpResult>) => {
    const started = Date.now();
    const response = await request();
    return { response, ms: Date.now() - started };
  };

  beforeAll(async () => {
    stack = await startOwnServicesStack(
      { WORKER_LOCK_MS: '2000', RECONCILE_INTERVAL_MS: '1000' },
      { workers: [{ WORKER_REGION: 'us-east-1', WORKER_CONCURRENCY: '1' }] },
    );
    http = stack.api.http;
  });
  afterAll(() => stack?.close());

  it('answers 503 without internals; the worker acknowledges no job it could not record and completes both once PostgreSQL is back', async () => {
    const user = await registerUser(http, 'pg-outage');
    await sql(stack.database.url, `UPDATE users SET tier = 'enterprise' WHERE id = $1`, [user.id]);
    const created = await http.post(
      '/workflows',
      {
        name: 'interrupted',
        steps: [
          { id: 'first', type: 'transform', params: { expression: '"before " & input.name' } },
          { id: 'wait', type: 'delay', params: { ms: 3000 } },
          { id: 'last', type: 'transform', params: { expression: 'steps.first.output & " and after"' } },
        ],
      },
      { token: user.token },
    );
    const run = async (name: string) =>
      (await http.post('/run/async', { workflowId: created.body.id, input: { name } }, { token: user.token })).body.executionId as string;
    const inFlight = await run('a');
    await eventually(
      () => sql<{ n: number }>(stack.database.url, `SELECT count(*)::int AS n FROM execution_steps WHERE execution_id = $1`, [inFlight]),
      (rows) => rows[0].n === 1,
    );
    const firstStep = () =>
      sql<{ started_at: Date }>(
        stack.database.url,
        `SELECT started_at FROM execution_steps WHERE execution_id = $1 AND step_id = 'first'`,
        [inFlight],
      );
    const [recorded] = await firstStep();
    // The worker runs one at a time: this one waits in the queue.
    const waiting = await run('b');
    const queue = stack.queue('us-east-1');
    const countsBefore = await queue.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'completed', 'failed');

    stack.postgres.stopServer();
    try {
      for (const request of [
        () => http.get('/users/me', { token: user.token }),
        () => http.get(`/executions/${inFlight}`, { token: user.token }),
        () => http.post('/run/async', { workflowId: created.body.id }, { token: user.token }),
        () => http.post('/auth/login', { email: user.email, password: user.password }),
      ]) {
        const { response, ms } = await timed(request);
        expect(ms).toBeLessThan(2000);
        expect(response.status).toBe(503);
        expect(response.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', code: 'SERVICE_UNAVAILABLE' });
        expect(response.text.replace(response.body.errorId ?? '', '')).not.toMatch(LEAK);
        expect(response.headers.get('strict-transport-security')).toContain('max-age=31536000');
      }
      if (TEST_QUEUE_BACKEND === 'postgres') {
        // The queues are in the stopped PostgreSQL too: nothing can be enqueued, taken or acknowledged until it
        // is back. Past the in-flight run's delay, its next step cannot be recorded.
        await sleep(4000);
      } else {
        // The refused run left no job behind.
        expect(await queue.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'completed', 'failed')).toEqual(countsBefore);

        // The in-flight run cannot record its next step and the queued one cannot be claimed:
        // both go back for a retry, neither is acknowledged.
        const jobs = await eventually(
          () => Promise.all([inFlight, waiting].map((id) => queue.getJob(id))),
          (found) => found.every((job) => (job?.attemptsMade ?? 0) >= 1),
          20000,
          200,
        );
        for (const job of jobs) {
          expect(['delayed', 'waiting', 'prioritized', 'active']).toContain(await job?.getState());
          expect(job?.failedReason).not.toBe('');
        }
        expect((await queue.getJobCounts('completed', 'failed')).completed).toBe(countsBefore.completed);
      }
      expect(stack.workers[0].running).toBe(true);
    } finally {
      stack.postgres.startServer();
    }

    const done = await eventually(
      () => Promise.all([inFlight, waiting].map((id) => http.get(`/executions/${id}`, { token: user.token }))),
      (responses) => responses.every((response) => FINAL.includes(response.body?.status)),
      60000,
      500,
    );
    expect(done.map((response) => response.body.output)).toEqual(['before a and after', 'before b and after']);
    expect(done.map((response) => response.body.status)).toEqual(['succeeded', 'succeeded']);
    for (const response of done) {
      expect(response.body.steps.map((step: { id: string; status: string }) => `${step.id}:${step.status}`)).toEqual([
        'first:succeeded',
        'wait:succeeded',
        'last:succeeded',
      ]);
    }
    // The in-flight run resumed after its last recorded step: "first" is the record of the first delivery.
    expect(await firstStep()).toEqual([recorded]);
    const [{ deliveries }] = await sql<{ deliveries: number }>(stack.database.url, 'SELECT deliveries FROM executions WHERE id = $1', [
      inFlight,
    ]);
    expect(deliveries).toBeGreaterThanOrEqual(2);
    // Acknowledged once each: kept as completed on Redis; removed on completion in PostgreSQL (QueueConnections).
    for (const id of [inFlight, waiting])
      expect(await (await queue.getJob(id))?.getState()).toBe(TEST_QUEUE_BACKEND === 'postgres' ? undefined : 'completed');
    expect((await http.get('/users/me', { token: user.token })).status).toBe(200);
    expect(stack.workers[0].running && stack.api.process.running).toBe(true);
  }, 120000);
});
