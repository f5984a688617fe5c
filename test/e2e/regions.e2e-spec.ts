import IORedis from 'ioredis';
import { sql } from '../support/database';
import { HttpClient } from '../support/http-client';
import { eventually } from '../support/polling';
import { FlowlineProcess } from '../support/processes';
import { queueView } from '../support/queue-view';
import { startStack, TestStack } from '../support/test-api';
import { TEST_QUEUE_BACKEND, TEST_REDIS_URL } from '../support/test-env';
import { registerUser, TestUser } from '../support/users';

// With Redis, two logical databases of the local Redis stand in for two regional Redis servers; in postgres
// mode both regions' queues live in the deployment's database.
const REDIS_DB = { us: 0, eu: 1 };
const REGIONAL_REDIS = { REDIS_URL: `${TEST_REDIS_URL}/${REDIS_DB.us}`, REDIS_URL_EU_WEST_1: `${TEST_REDIS_URL}/${REDIS_DB.eu}` };
const QUICK = [{ id: 'where', type: 'transform', params: { expression: '"done"' } }];
const onRedis = TEST_QUEUE_BACKEND === 'redis';

describe(`multi-region execution (${onRedis ? 'two regional Redis databases' : 'queues in PostgreSQL'}, one worker per region)`, () => {
  let stack: TestStack;
  let http: HttpClient;
  let usWorker: FlowlineProcess;

  const workflow = async (owner: TestUser, extra: Record<string, unknown> = {}) =>
    (await http.post('/workflows', { name: 'wf', steps: QUICK, ...extra }, { token: owner.token })).body.id as string;
  /** The job as found in `queueName` on a region's store. */
  const jobIn = async (store: keyof typeof REDIS_DB, queueName: string, jobId: string) => {
    const { hostname, port } = new URL(TEST_REDIS_URL);
    const queue = queueView(queueName, {
      redis: { host: hostname, port: Number(port || 6379), db: REDIS_DB[store], prefix: stack.env.REDIS_KEY_PREFIX as string },
      databaseUrl: stack.database.url,
    });
    try {
      return await queue.getJob(jobId);
    } finally {
      await queue.close();
    }
  };
  /** What the queue stores hold that mentions `text` (Redis keys, or queue rows in PostgreSQL). */
  const storedMentionsOf = async (text: string): Promise<string[]> => {
    if (!onRedis) {
      const rows = await sql<{ mention: string }>(
        stack.database.url,
        `SELECT queue || ':' || id AS mention FROM bullmq.job WHERE queue LIKE $1 OR id LIKE $1 OR data::text LIKE $1
         UNION ALL SELECT queue AS mention FROM bullmq.meta WHERE queue LIKE $1`,
        [`%${text}%`],
      );
      return rows.map((row) => row.mention);
    }
    const found: string[] = [];
    for (const db of Object.values(REDIS_DB)) {
      const redis = new IORedis(`${TEST_REDIS_URL}/${db}`, { maxRetriesPerRequest: null });
      try {
        found.push(...(await redis.keys(`*${text}*`)));
      } finally {
        redis.disconnect();
      }
    }
    return found;
  };

  beforeAll(async () => {
    stack = await startStack(onRedis ? REGIONAL_REDIS : {}, { workers: [{ WORKER_REGION: 'us-east-1' }] });
    usWorker = stack.workers[0];
    http = stack.api.http;
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('isolation: with only the us worker an eu run stays queued, /regions shows it; an eu worker then completes it from the eu queue', async () => {
    const user = await registerUser(http, 'eu-fan');
    expect((await http.patch('/users/me', { preferredRegion: 'eu-west-1' }, { token: user.token })).status).toBe(200);
    const accepted = await http.post('/run/async', { workflowId: await workflow(user) }, { token: user.token });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({
      region: 'eu-west-1',
      queue: 'eu-west-1-default',
      status: 'queued',
      warnings: ['no worker is online in eu-west-1'],
    });
    const executionId = accepted.body.executionId;

    // The job is in the eu queue (on the eu Redis), not in the us queue (nor anywhere on the us Redis).
    expect((await jobIn('eu', 'eu-west-1-default', executionId))?.data).toEqual({ executionId, requestId: expect.any(String) });
    expect(await jobIn('us', 'us-east-1-default', executionId)).toBeUndefined();
    if (onRedis) expect(await jobIn('us', 'eu-west-1-default', executionId)).toBeUndefined();

    const regions = await http.get('/regions', { token: user.token });
    expect(regions.status).toBe(200);
    expect(regions.body).toEqual([
      { id: 'us-east-1', queue: 'us-east-1-default', default: true, workers: 1, waiting: 0, active: 0, oldestWaitMs: 0 },
      { id: 'eu-west-1', queue: 'eu-west-1-default', default: false, workers: 0, waiting: 1, active: 0, oldestWaitMs: expect.any(Number) },
    ]);
    expect(regions.body[1].oldestWaitMs).toBeGreaterThanOrEqual(0);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await http.get(`/executions/${executionId}`, { token: user.token })).body.status).toBe('queued');

    const euWorker = await stack.startWorker({ WORKER_REGION: 'eu-west-1' });
    const done = await eventually(
      () => http.get(`/executions/${executionId}`, { token: user.token }).then((r) => r.body),
      (body) => body.status === 'succeeded',
    );
    expect(done).toMatchObject({ region: 'eu-west-1', queue: 'eu-west-1-default', output: 'done' });
    expect(done.workerId).toContain(`:${euWorker.pid}`);
    const afterwards = await http.get('/regions', { token: user.token });
    expect(afterwards.body[1]).toMatchObject({ id: 'eu-west-1', workers: 1, waiting: 0 });
  });

  it('precedence: request region beats workflow pin beats preferred region beats the default', async () => {
    const user = await registerUser(http, 'precedence');
    const unpinned = await workflow(user);
    const run = async (workflowId: string, body: Record<string, unknown> = {}) =>
      (await http.post('/run/async', { workflowId, ...body }, { token: user.token })).body;

    expect(await run(unpinned)).toMatchObject({ region: 'us-east-1', queue: 'us-east-1-default' });
    await http.patch('/users/me', { preferredRegion: 'eu-west-1' }, { token: user.token });
    expect(await run(unpinned)).toMatchObject({ region: 'eu-west-1' });
    const pinnedUs = await workflow(user, { region: 'us-east-1' });
    expect(await run(pinnedUs)).toMatchObject({ region: 'us-east-1' });
    expect(await run(pinnedUs, { region: 'eu-west-1' })).toMatchObject({ region: 'eu-west-1', queue: 'eu-west-1-default' });

    const rows = await sql<{ region: string; queue: string }>(
      stack.database.url,
      'SELECT region, queue FROM executions WHERE owner_id = $1 ORDER BY created_at',
      [user.id],
    );
    expect(rows.map((row) => row.region)).toEqual(['us-east-1', 'eu-west-1', 'us-east-1', 'eu-west-1']);
    expect(rows.every((row) => row.queue === `${row.region}-default`)).toBe(true);
  });

  it('an unknown region is 400 listing the valid ones, everywhere, and nothing in the queue stores mentions it', async () => {
    const user = await registerUser(http, 'mars');
    const patch = await http.patch('/users/me', { preferredRegion: 'us-east-9' }, { token: user.token });
    expect(patch.status).toBe(400);
    expect(patch.body).toMatchObject({ code: 'UNKNOWN_REGION', validRegions: ['us-east-1', 'eu-west-1'] });
    expect(patch.body.message).toContain('us-east-1, eu-west-1');

    expect((await http.post('/workflows', { name: 'x', steps: QUICK, region: 'us-east-9' }, { token: user.token })).status).toBe(400);
    const id = await workflow(user);
    const run = await http.post('/run/async', { workflowId: id, region: 'us-east-9' }, { token: user.token });
    expect(run.status).toBe(400);
    expect(run.body.code).toBe('UNKNOWN_REGION');

    const token = (await http.post('/auth/login', { email: 'admin@flowline.test', password: 'admin-password-for-tests' })).body.accessToken;
    expect((await http.patch(`/admin/users/${user.id}`, { preferredRegion: 'us-east-9' }, { token })).status).toBe(400);

    expect(await storedMentionsOf('us-east-9')).toEqual([]);
    const [{ n }] = await sql<{ n: number }>(stack.database.url, 'SELECT count(*)::int AS n FROM executions WHERE owner_id = $1', [
      user.id,
    ]);
    expect(n).toBe(0);
  });

  it("a worker never takes another region's job", async () => {
    expect(usWorker.running).toBe(true);
    const rows = await sql<{ region: string; worker_id: string }>(
      stack.database.url,
      `SELECT region, worker_id FROM executions WHERE status = 'succeeded'`,
    );
    for (const row of rows.filter((r) => r.region === 'eu-west-1')) expect(row.worker_id).not.toContain(`:${usWorker.pid}`);
    for (const row of rows.filter((r) => r.region === 'us-east-1')) expect(row.worker_id).toContain(`:${usWorker.pid}`);
    expect(rows.length).toBeGreaterThan(2);
  });
});
