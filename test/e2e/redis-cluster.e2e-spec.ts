import { Queue } from 'bullmq';
import { queueKeyPrefix } from '../../libs/queue-backend/src/redis/queue-key-prefix';
import { REFUSAL_TTL_MS } from '../../libs/admission/src/recent-refusals';
import { adminPatchUser, TEST_ADMIN } from '../support/admin';
import { sql } from '../support/database';
import { HttpClient, HttpResult } from '../support/http-client';
import { OwnRedisCluster } from '../support/own-redis-cluster';
import { eventually, sleep } from '../support/polling';
import { startStack, TestApi, TestStack } from '../support/test-api';
import { loginAs, registerUser, TestUser } from '../support/users';
import { createWorkflowId } from '../support/workflows';

/** Fixed, not per run: the cluster is the file's own, and the queues' hash slots are then known in advance. */
const KEY_PREFIX = 'flowline';
const QUICK = [{ id: 'double', type: 'transform', params: { expression: 'input.n * 2' } }];

describe('REDIS_CLUSTER=true: two api processes and workers on Redis Clusters (main: 3 nodes; eu-west-1: its own 3 nodes)', () => {
  let main: OwnRedisCluster;
  let eu: OwnRedisCluster;
  let stack: TestStack;
  let second: TestApi;
  let http: HttpClient;
  const views: Queue[] = [];

  const workflow = (owner: TestUser, steps: unknown[], extra: Record<string, unknown> = {}) =>
    createWorkflowId(http, owner, { steps, ...extra });
  const execution = async (id: string) =>
    (
      await sql<{ status: string; deliveries: number; output: unknown }>(
        stack.database.url,
        'SELECT status, deliveries, output FROM executions WHERE id = $1',
        [id],
      )
    )[0];
  /** A BullMQ view of a queue as an operator opens it on a cluster: the deployment's hash-tagged prefix. */
  const queueView = (cluster: OwnRedisCluster, name: string) => {
    const view = new Queue(name, { connection: cluster.client(), prefix: queueKeyPrefix(KEY_PREFIX, name, true) });
    view.on('error', () => undefined);
    views.push(view);
    return view;
  };
  let observer: TestUser | undefined;
  const workersOf = async (region: string) => {
    observer ??= await registerUser(http, 'observer');
    const regions = (await http.get('/regions', { token: observer.token })).body as { id: string; workers: number }[];
    return regions.find((entry) => entry.id === region)?.workers;
  };

  beforeAll(async () => {
    [main, eu] = await Promise.all([OwnRedisCluster.start(), OwnRedisCluster.start()]);
    stack = await startStack(
      {
        REDIS_CLUSTER: 'true',
        REDIS_URL: main.seedUrls,
        // One seed is enough: the client learns the other nodes from it.
        REDIS_URL_EU_WEST_1: eu.nodes[0].url,
        REDIS_KEY_PREFIX: KEY_PREFIX,
        WORKER_LOCK_MS: '2000',
        RECONCILE_INTERVAL_MS: '1000',
      },
      { workers: [{ WORKER_REGION: 'us-east-1', WORKER_CONCURRENCY: '20' }] },
    );
    second = await stack.startApi();
    http = stack.api.http;
  }, 120000);

  afterAll(async () => {
    await Promise.all(views.map((view) => view.close().catch(() => undefined)));
    await stack?.close();
    await Promise.all([main?.destroy(), eu?.destroy()]);
  });

  it('accepts runs on both api processes and executes them to succeeded; POST /run is woken by the finished event (pub/sub)', async () => {
    const user = await registerUser(http, 'runner');
    await sql(stack.database.url, `UPDATE users SET tier = 'enterprise' WHERE id = $1`, [user.id]);
    const id = await workflow(user, QUICK);

    const accepted = await Promise.all(
      Array.from({ length: 10 }, (_, n) =>
        (n % 2 ? second.http : http).post('/run/async', { workflowId: id, input: { n } }, { token: user.token }),
      ),
    );
    expect(accepted.map((response) => response.status)).toEqual(Array(10).fill(202));
    for (const [n, response] of accepted.entries()) {
      const done = await eventually(
        () => execution(response.body.executionId),
        (row) => row.status === 'succeeded',
        20000,
      );
      expect(done.output).toBe(n * 2);
    }

    // Without the event each request would wait its whole waitMs (20 s) and answer 202.
    const slow = await workflow(user, [{ id: 'pause', type: 'delay', params: { ms: 300 } }, ...QUICK]);
    for (const api of [http, second.http]) {
      const started = Date.now();
      const answer = await api.post('/run', { workflowId: slow, input: { n: 21 }, waitMs: 20000 }, { token: user.token });
      expect({ status: answer.status, execution: answer.body.status, output: answer.body.output }).toEqual({
        status: 200,
        execution: 'succeeded',
        output: 42,
      });
      expect(Date.now() - started).toBeLessThan(10000);
    }

    const ready = await http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info.redis.status).toBe('up');
  });

  it('a cancel reaches the worker running the run (pub/sub): its job ends at once instead of after the 60 s delay', async () => {
    const user = await registerUser(http, 'canceller');
    const id = await workflow(user, [{ id: 'long', type: 'delay', params: { ms: 60000 } }]);
    const run = await http.post('/run/async', { workflowId: id }, { token: user.token });
    await eventually(
      () => execution(run.body.executionId),
      (row) => row.status === 'running',
    );
    expect((await second.http.post(`/executions/${run.body.executionId}/cancel`, undefined, { token: user.token })).status).toBe(200);
    const job = await queueView(main, 'us-east-1-default').getJob(run.body.executionId);
    await eventually(
      async () => job?.getState(),
      (state) => state === 'completed',
      10000,
    );
    expect((await execution(run.body.executionId)).status).toBe('cancelled');
  });

  it('a free user: of 50 parallel runs through both api processes exactly 2 are accepted, round after round', async () => {
    const user = await registerUser(http, 'burst');
    await adminPatchUser(http, user.id, { customLimits: { apiRequestsPerMinute: null, dailyExecutions: null } });
    // No eu-west-1 worker yet: accepted runs hold their slots until cancelled.
    const id = await workflow(user, QUICK, { region: 'eu-west-1' });
    for (let round = 0; round < 5; round++) {
      await sleep(REFUSAL_TTL_MS);
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          (index % 2 ? second.http : http).post('/run/async', { workflowId: id, input: { n: index } }, { token: user.token }),
        ),
      );
      const accepted = responses.filter((response) => response.status === 202);
      expect({ round, accepted: accepted.length }).toEqual({ round, accepted: 2 });
      expect(responses.filter((response) => response.status !== 202).map((response) => response.body.code)).toEqual(
        Array(48).fill('CONCURRENCY_LIMIT'),
      );
      for (const response of accepted)
        expect((await http.post(`/executions/${response.body.executionId}/cancel`, undefined, { token: user.token })).status).toBe(200);
    }
  }, 120000);

  it('the per-user request rate and the failed-login counters (Redis window counters) hold across both api processes', async () => {
    const user = await registerUser(http, 'rate');
    await adminPatchUser(http, user.id, { customLimits: { apiRequestsPerMinute: 10 } });
    const results: HttpResult[] = [];
    for (let i = 0; i < 11; i++) results.push(await (i % 2 ? second.http : http).get('/users/me', { token: user.token }));
    expect(results.slice(0, 10).map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(results[9].headers.get('x-ratelimit-remaining')).toBe('0');
    expect(results[10].status).toBe(429);
    expect(results[10].body).toMatchObject({ code: 'RATE_LIMIT', limit: 10 });

    // LOGIN_MAX_FAILURES_PER_EMAIL (5): after five wrong passwords, even the right one is refused for the window.
    const victim = await registerUser(http, 'login');
    for (let i = 0; i < 5; i++)
      expect((await (i % 2 ? second.http : http).post('/auth/login', { email: victim.email, password: 'wrong-password-x' })).status).toBe(
        401,
      );
    const locked = await second.http.post('/auth/login', { email: victim.email, password: victim.password });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('LOGIN_RATE_LIMIT');
    expect(await loginAs(http, TEST_ADMIN.email, TEST_ADMIN.password)).toEqual(expect.any(String));
  });

  it('a worker SIGKILLed mid-run on the eu-west-1 cluster: a restarted worker takes the run over and finishes it', async () => {
    const user = await registerUser(http, 'killed');
    await adminPatchUser(http, user.id, { customLimits: { maxConcurrentJobs: 1 } });
    const id = await workflow(
      user,
      [
        { id: 'first', type: 'transform', params: { expression: '"recorded once"' } },
        { id: 'wait', type: 'delay', params: { ms: 2500 } },
        { id: 'last', type: 'transform', params: { expression: '"done"' } },
      ],
      { region: 'eu-west-1' },
    );
    const doomed = await stack.startWorker({ WORKER_REGION: 'eu-west-1' });
    // The worker count of /regions comes from CLIENT LIST on the node that holds the queue's slot.
    await eventually(
      () => workersOf('eu-west-1'),
      (count) => count === 1,
    );
    const run = await http.post('/run/async', { workflowId: id }, { token: user.token });
    expect(run.status).toBe(202);
    await eventually(
      () => execution(run.body.executionId),
      (row) => row.status === 'running',
    );
    await doomed.stop('SIGKILL');
    expect((await second.http.post('/run/async', { workflowId: id }, { token: user.token })).body.code).toBe('CONCURRENCY_LIMIT');

    const rescuer = await stack.startWorker({ WORKER_REGION: 'eu-west-1' });
    const finished = await eventually(
      () => execution(run.body.executionId),
      (row) => ['succeeded', 'failed', 'cancelled'].includes(row.status),
      30000,
    );
    expect(finished).toMatchObject({ status: 'succeeded', deliveries: 2, output: 'done' });
    const steps = await sql<{ step_id: string }>(
      stack.database.url,
      'SELECT step_id FROM execution_steps WHERE execution_id = $1 ORDER BY position',
      [run.body.executionId],
    );
    expect(steps.map((step) => step.step_id)).toEqual(['first', 'wait', 'last']);
    expect(await workersOf('eu-west-1')).toBe(1);
    expect((await http.post('/run/async', { workflowId: id }, { token: user.token })).status).toBe(202);
    await rescuer.stop();
  }, 90000);

  it('schedules (job schedulers) and the maintenance queue run on the cluster; bull-board reads it', async () => {
    const owner = await registerUser(http, 'scheduler');
    const id = await workflow(owner, [{ id: 'tick', type: 'transform', params: { expression: '"tick"' } }], {
      trigger: { type: 'schedule', cron: '* * * * * *' },
    });
    const ticks = await eventually(
      () => http.get(`/executions?workflowId=${id}&status=succeeded`, { token: owner.token }).then((response) => response.body),
      (body) => body.total >= 2,
      15000,
    );
    expect(ticks.items[0]).toMatchObject({ trigger: 'schedule', output: 'tick' });
    expect((await http.delete(`/workflows/${id}`, { token: owner.token })).status).toBe(204);

    // The reconciler's scheduler (every RECONCILE_INTERVAL_MS) has produced jobs the maintenance worker completed.
    const maintenance = queueView(main, 'maintenance');
    expect((await maintenance.getJobSchedulers()).map((scheduler) => scheduler.key).sort()).toEqual(['reconcile', 'retention']);
    await eventually(
      () => maintenance.getCompletedCount(),
      (count) => count > 0,
    );

    const adminToken = await loginAs(http, TEST_ADMIN.email, TEST_ADMIN.password);
    const board = await second.http.get('/admin/queues/api/queues', { token: adminToken });
    expect(board.status).toBe(200);
    expect(board.body.queues.map((queue: { name: string }) => queue.name).sort()).toEqual(['eu-west-1-default', 'us-east-1-default']);
  });

  it('keys: every key of a queue in one hash slot ({flowline:<queue>}), the queues in different slots, each region on its own cluster', async () => {
    const keysOf = async (cluster: OwnRedisCluster) =>
      (await cluster.onEachNode(async (node) => (await node.keys('*')).map((key) => ({ key, port: node.options.port })))).flat();
    const [mainKeys, euKeys] = await Promise.all([keysOf(main), keysOf(eu)]);
    const tagged = <K extends { key: string }>(keys: K[], queue: string) =>
      keys.filter(({ key }) => key.startsWith(`{${KEY_PREFIX}:${queue}}:${queue}:`));

    const slotsOf = async (cluster: OwnRedisCluster, keys: string[]) => {
      const client = cluster.nodes[0].client();
      try {
        return await Promise.all(keys.map(async (key) => Number(await client.cluster('KEYSLOT', key))));
      } finally {
        client.disconnect();
      }
    };
    const slots = new Map<string, number>();
    for (const [cluster, keys, queue] of [
      [main, mainKeys, 'us-east-1-default'],
      [main, mainKeys, 'maintenance'],
      [eu, euKeys, 'eu-west-1-default'],
    ] as const) {
      const queueKeys = tagged(keys, queue);
      // wait, meta, events, job hashes, the schedulers' keys …
      expect(queueKeys.length).toBeGreaterThan(3);
      const keySlots = new Set(
        await slotsOf(
          cluster,
          queueKeys.map(({ key }) => key),
        ),
      );
      expect(keySlots.size).toBe(1);
      expect(new Set(queueKeys.map(({ port }) => port)).size).toBe(1);
      slots.set(queue, [...keySlots][0]);
    }
    expect(new Set(slots.values()).size).toBe(3);
    // Nothing of a queue outside its hash tag, and no eu queue key on the main cluster (nor the reverse).
    expect(mainKeys.filter(({ key }) => /^flowline:[a-z0-9-]+-default:/.test(key) || key.startsWith(`${KEY_PREFIX}:maintenance:`))).toEqual(
      [],
    );
    expect(tagged(mainKeys, 'eu-west-1-default')).toEqual([]);
    expect(tagged(euKeys, 'us-east-1-default')).toEqual([]);
  });
});
