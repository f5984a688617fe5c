import { adminPatchUser } from '../support/admin';
import { sql } from '../support/database';
import { HttpClient } from '../support/http-client';
import { metricValue } from '../support/metrics-text';
import { eventually } from '../support/polling';
import { FlowlineProcess } from '../support/processes';
import { queueView } from '../support/queue-view';
import { TEST_REDIS_URL } from '../support/test-env';
import { startStack, TestStack } from '../support/test-api';
import { registerUser, TestUser } from '../support/users';
import { createWorkflowId } from '../support/workflows';

/**
 * Fair share in a region queue (README "Fair share between tenants"): backlogs are accepted into eu-west-1 while
 * no worker serves it, then one worker (concurrency 10) starts, and the order of the runs' started_at is read.
 */
const REGION = 'eu-west-1';
const CONCURRENCY = 10;
const QUICK = [{ id: 'quick', type: 'transform', params: { expression: '1 + 1' } }];
const UNLIMITED = { maxConcurrentJobs: null, dailyExecutions: null, apiRequestsPerMinute: null };

const PRO_HERE = { region: REGION, tier: 'pro' };

interface Started {
  id: string;
  owner_id: string;
  created_at: Date;
  started_at: Date;
}

// Each case accepts and drains up to 1,010 runs: minutes on a loaded machine, not seconds.
jest.setTimeout(180_000);

describe('fair share between tenants in a region queue', () => {
  let stack: TestStack;
  let http: HttpClient;

  beforeAll(async () => {
    stack = await startStack({ RECONCILE_INTERVAL_MS: '1000' }, { workers: [] });
    http = stack.api.http;
  });
  afterAll(() => stack?.close());

  const tenant = async (prefix: string, change: Record<string, unknown>) => {
    const user = await registerUser(http, prefix);
    await adminPatchUser(http, user.id, change);
    return { ...user, workflowId: await createWorkflowId(http, user, { name: 'fair', steps: QUICK, region: REGION }) };
  };

  /** Accepts `count` runs, `parallel` requests at a time; returns their execution ids. */
  const accept = async (owner: TestUser & { workflowId: string }, count: number, body: Record<string, unknown> = {}, parallel = 25) => {
    const ids: string[] = [];
    for (let sent = 0; sent < count; sent += parallel) {
      const responses = await Promise.all(
        Array.from({ length: Math.min(parallel, count - sent) }, () =>
          http.post('/run/async', { workflowId: owner.workflowId, ...body }, { token: owner.token }),
        ),
      );
      for (const response of responses) {
        if (response.status !== 202) throw new Error(`run refused: ${response.status} ${response.text}`);
        ids.push(response.body.executionId as string);
      }
    }
    return ids;
  };

  /** Starts the region's worker, waits until every given run finished, stops the worker; the runs in start order. */
  const drain = async (owners: TestUser[], total: number, beforeStop?: (workerMetricsUrl: string) => Promise<void>): Promise<Started[]> => {
    const worker: FlowlineProcess = await stack.startWorker({ WORKER_REGION: REGION, WORKER_CONCURRENCY: String(CONCURRENCY) });
    const metricsUrl = `http://127.0.0.1:${stack.workerPorts[stack.workerPorts.length - 1]}/metrics`;
    try {
      const ownerIds = owners.map((owner) => owner.id);
      await eventually(
        () =>
          sql<{ n: number }>(
            stack.database.url,
            `SELECT count(*)::int AS n FROM executions WHERE owner_id = ANY($1) AND status = 'succeeded'`,
            [ownerIds],
          ),
        ([row]) => row.n === total,
        120_000,
      );
      await beforeStop?.(metricsUrl);
      return await sql<Started>(
        stack.database.url,
        `SELECT id, owner_id, created_at, started_at FROM executions WHERE owner_id = ANY($1) ORDER BY started_at, id`,
        [ownerIds],
      );
    } finally {
      await worker.stop();
    }
  };

  /** Each owner's runs start in acceptance order, give or take one worker's concurrency window. */
  const expectAcceptanceOrderPerOwner = (started: Started[]) => {
    for (const ownerId of new Set(started.map((run) => run.owner_id))) {
      const own = started.filter((run) => run.owner_id === ownerId);
      const acceptanceRank = new Map(
        [...own].sort((a, b) => a.created_at.getTime() - b.created_at.getTime()).map((run, rank) => [run.id, rank]),
      );
      let latest = -1;
      const overtaken = own.flatMap((run) => {
        const rank = acceptanceRank.get(run.id) as number;
        latest = Math.max(latest, rank);
        return latest - rank > CONCURRENCY ? [`${run.id} (accepted #${rank}) started after #${latest}`] : [];
      });
      expect(overtaken).toEqual([]);
    }
  };

  it("a free user's one run, accepted behind an enterprise backlog of 1,000, starts before 50 more of that backlog", async () => {
    const flooder = await tenant('flood-ent', { tier: 'enterprise' });
    const small = await tenant('one-free', {});
    await accept(flooder, 1000);
    const [single] = await accept(small, 1);
    const started = await drain([flooder, small], 1001);
    const position = started.findIndex((run) => run.id === single);
    expect(position).toBeGreaterThanOrEqual(0);
    expect(position).toBeLessThan(50);
    expectAcceptanceOrderPerOwner(started);
  });

  it("two enterprise tenants: the small tenant's 10 runs, accepted after the other's 1,000, are all among the first 40 starts", async () => {
    const big = await tenant('big-ent', { tier: 'enterprise' });
    const small = await tenant('small-ent', { tier: 'enterprise' });
    await accept(big, 1000);
    const smallRuns = new Set(await accept(small, 10));
    const started = await drain([big, small], 1010);
    const firstForty = started.slice(0, 40).filter((run) => smallRuns.has(run.id));
    expect(firstForty).toHaveLength(10);
    expectAcceptanceOrderPerOwner(started);
  });

  it('weights hold: pro and free tenants with equal backlogs get starts 2:1 (± 20 %) over the first 300', async () => {
    const pro = await tenant('weight-pro', { tier: 'pro', customLimits: UNLIMITED });
    const free = await tenant('weight-free', { customLimits: UNLIMITED });
    await accept(pro, 400);
    await accept(free, 400);
    const started = await drain([pro, free], 800);
    const first = started.slice(0, 300);
    const proStarts = first.filter((run) => run.owner_id === pro.id).length;
    const ratio = proStarts / (300 - proStarts);
    expect(ratio).toBeGreaterThanOrEqual(1.6);
    expect(ratio).toBeLessThanOrEqual(2.4);
    expectAcceptanceOrderPerOwner(started);
  });

  it('a custom queue weight overrides the tier: a free user weighted 4 gets as many starts as an enterprise tenant', async () => {
    const enterprise = await tenant('custom-ent', { tier: 'enterprise' });
    const weighted = await tenant('custom-free', { customLimits: { ...UNLIMITED, queueWeight: 4 } });
    await accept(enterprise, 200);
    await accept(weighted, 200);
    const first = (await drain([enterprise, weighted], 400)).slice(0, 200);
    const weightedStarts = first.filter((run) => run.owner_id === weighted.id).length;
    expect(weightedStarts).toBeGreaterThanOrEqual(80);
    expect(weightedStarts).toBeLessThanOrEqual(120);
  });

  it('runs waiting for a slot (whenBusy: queue) take their place in the fair order when promoted, not behind the backlog', async () => {
    const flooder = await tenant('wait-ent', { tier: 'enterprise' });
    const free = await tenant('wait-free', {});
    await accept(flooder, 600);
    // A free user has 2 slots: 2 runs are queued, 3 wait and are promoted as the first ones finish.
    const freeRuns = await accept(free, 5, { whenBusy: 'queue' }, 1);
    const statuses = await sql<{ status: string }>(
      stack.database.url,
      `SELECT status FROM executions WHERE id = ANY($1) ORDER BY created_at`,
      [freeRuns],
    );
    expect(statuses.map((row) => row.status)).toEqual(['queued', 'queued', 'waiting', 'waiting', 'waiting']);
    const started = await drain([flooder, free], 605);
    const lastFree = Math.max(...freeRuns.map((id) => started.findIndex((run) => run.id === id)));
    // Each promoted run joins one round behind the head: the five start within a few rounds of 4 enterprise runs.
    expect(lastFree).toBeLessThan(150);
    expectAcceptanceOrderPerOwner(started);
  });

  it('a region whose tags outgrew the priority range is rebased by maintenance: the order is fair again', async () => {
    const head = await tenant('rebase-head', { tier: 'enterprise' });
    const flooder = await tenant('rebase-ent', { tier: 'enterprise' });
    const small = await tenant('rebase-free', {});
    // A region that never drained: its head's tag is far above the base, so new priorities hit BullMQ's limit.
    const [headRun] = await accept(head, 1);
    await sql(stack.database.url, `UPDATE executions SET queue_tag = 5000000 WHERE id = $1`, [headRun]);
    await sql(
      stack.database.url,
      `INSERT INTO queue_fair_share (region, base) VALUES ($1, 0) ON CONFLICT (region) DO UPDATE SET base = 0`,
      [REGION],
    );
    await accept(flooder, 100);
    const [single] = await accept(small, 1);
    const { hostname, port } = new URL(TEST_REDIS_URL);
    const queue = queueView(`${REGION}-default`, {
      redis: { host: hostname, port: Number(port || 6379), prefix: stack.env.REDIS_KEY_PREFIX as string },
      databaseUrl: stack.database.url,
    });
    try {
      expect((await queue.getJob(single))?.priority).toBe(2 ** 21 - 1);
      // Maintenance runs in any worker: one of the other region moves eu-west-1's base.
      const maintenance = await stack.startWorker({ WORKER_REGION: 'us-east-1' });
      try {
        await eventually(
          async () => (await queue.getJob(single))?.priority ?? 0,
          (priority) => priority > 0 && priority < 100,
          30_000,
        );
      } finally {
        await maintenance.stop();
      }
    } finally {
      await queue.close();
    }
    const started = await drain([head, flooder, small], 102);
    expect(started.findIndex((run) => run.id === single)).toBeLessThan(20);
    expectAcceptanceOrderPerOwner(started);
    const [{ base }] = await sql<{ base: string }>(stack.database.url, `SELECT base FROM queue_fair_share WHERE region = $1`, [REGION]);
    expect(Number(base)).toBe(5000000 - 1);
  });

  it('shows the wait: /regions oldestWaitMs, /billing/subscription usage.queued and usage.oldestWaitMs, and the queue metrics', async () => {
    const owner = await tenant('visible', { tier: 'pro' });
    const idle = await tenant('idle', {});
    await accept(owner, 3);
    await eventually(
      async () => (await http.get('/regions', { token: owner.token })).body as { id: string; oldestWaitMs: number }[],
      (regions) => (regions.find((region) => region.id === REGION)?.oldestWaitMs ?? 0) >= 300,
    );
    const regions = (await http.get('/regions', { token: owner.token })).body as { id: string; oldestWaitMs: number | null }[];
    expect(regions.find((region) => region.id === 'us-east-1')?.oldestWaitMs).toBe(0);
    const mine = await http.get('/billing/subscription', { token: owner.token });
    expect(mine.body.usage).toMatchObject({ queued: 3 });
    expect(mine.body.usage.oldestWaitMs).toBeGreaterThanOrEqual(300);
    const theirs = await http.get('/billing/subscription', { token: idle.token });
    expect(theirs.body.usage).toMatchObject({ queued: 0, oldestWaitMs: 0 });

    const oldestWait = async () => metricValue((await http.get('/metrics')).text, 'flowline_queue_oldest_wait_seconds', PRO_HERE);
    expect(await oldestWait()).toBeGreaterThanOrEqual(0.3);

    let workerMetrics = '';
    await drain([owner], 3, async (url) => void (workerMetrics = await (await fetch(url)).text()));
    expect(metricValue(workerMetrics, 'flowline_run_start_delay_seconds_count', PRO_HERE)).toBe(3);
    // Each waited at least 300 ms before the worker started.
    expect(metricValue(workerMetrics, 'flowline_run_start_delay_seconds_sum', PRO_HERE)).toBeGreaterThanOrEqual(0.9);
    expect(await oldestWait()).toBeUndefined();
  });
});
