import { TIER_NAMES, TIERS } from '../../libs/tier-policy/src';
import { adminPatchUser, TEST_ADMIN } from '../support/admin';
import { sql } from '../support/database';
import { HttpClient } from '../support/http-client';
import { eventually } from '../support/polling';
import { startStack, TestStack } from '../support/test-api';
import { loginAs, registerUser, TestUser } from '../support/users';
import { createWorkflowId } from '../support/workflows';

const DELAY = (ms: number) => [{ id: 'wait', type: 'delay', params: { ms } }];
const QUICK = [{ id: 'quick', type: 'transform', params: { expression: '1 + 1' } }];

describe('billing with the mock provider', () => {
  let stack: TestStack;
  let http: HttpClient;

  const createWorkflow = (owner: TestUser, name: string, steps: unknown[] = QUICK) => createWorkflowId(http, owner, { name, steps });
  const run = (owner: TestUser, workflowId: string) => http.post('/run/async', { workflowId }, { token: owner.token });
  const tiersOf = async (userId: string) =>
    (
      await sql<{ user_tier: string; subscription_tier: string; status: string }>(
        stack.database.url,
        'SELECT u.tier AS user_tier, s.tier AS subscription_tier, s.status FROM users u JOIN subscriptions s ON s.user_id = u.id WHERE u.id = $1',
        [userId],
      )
    )[0];
  const history = (userId: string) =>
    sql<{
      actor_type: string;
      actor_id: string | null;
      from_tier: string;
      to_tier: string;
      deactivated_workflows: { id: string; name: string }[];
      provider_event_id: string | null;
    }>(
      stack.database.url,
      'SELECT actor_type, actor_id, from_tier, to_tier, deactivated_workflows, provider_event_id FROM subscription_changes WHERE user_id = $1 ORDER BY created_at',
      [userId],
    );
  const activeByName = async (owner: TestUser) => {
    const list = await http.get('/workflows?limit=100', { token: owner.token });
    return Object.fromEntries((list.body.items as { name: string; active: boolean }[]).map((workflow) => [workflow.name, workflow.active]));
  };

  beforeAll(async () => {
    stack = await startStack({}, { workers: [{ WORKER_REGION: 'us-east-1', WORKER_CONCURRENCY: '20' }] });
    http = stack.api.http;
  });
  afterAll(() => stack?.close());

  it('GET /billing/plans answers without credentials with the tier table (null = unlimited)', async () => {
    const response = await http.get('/billing/plans');
    expect(response.status).toBe(200);
    expect(response.body).toEqual(
      TIER_NAMES.map((tier) => ({
        tier,
        name: TIERS[tier].name,
        priceMonthlyUsd: TIERS[tier].priceMonthlyUsd,
        support: TIERS[tier].support,
        limits: TIERS[tier].limits,
        queueWeight: TIERS[tier].queueWeight,
      })),
    );
    expect(response.body.map((plan: { queueWeight: number }) => plan.queueWeight)).toEqual([1, 2, 4]);
    expect(response.body[1]).toMatchObject({
      tier: 'pro',
      priceMonthlyUsd: 29,
      support: 'Priority',
      limits: { maxWorkflows: 50, maxConcurrentJobs: 10 },
    });
    expect(response.body[2].limits).toMatchObject({ maxConcurrentJobs: null, maxWorkflows: null, dailyExecutions: null });
  });

  it('GET /billing/subscription: tier, status, effective limits and usage from the live counters; 401 without credentials', async () => {
    expect((await http.get('/billing/subscription')).status).toBe(401);
    const user = await registerUser(http, 'sub-view');
    const slow = await createWorkflow(user, 'slow', DELAY(4000));
    await createWorkflow(user, 'quick');
    expect((await run(user, slow)).status).toBe(202);
    await adminPatchUser(http, user.id, { customLimits: { maxConcurrentJobs: 3, dailyExecutions: null } });

    const response = await http.get('/billing/subscription', { token: user.token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      tier: 'free',
      status: 'active',
      limits: { ...TIERS.free.limits, maxConcurrentJobs: 3, dailyExecutions: null },
      usage: { workflows: 2, activeJobs: 1, executionsToday: 1, queued: expect.any(Number), oldestWaitMs: expect.any(Number) },
      provider: 'mock',
      cancelAtPeriodEnd: false,
    });
  });

  it('POST /billing/upgrade: an unknown or missing tier is 400 listing the valid ones; the current tier is 200 with nothing changed', async () => {
    const user = await registerUser(http, 'upgrade-input');
    for (const query of ['?tier=platinum', '', '?tier=PRO']) {
      const response = await http.post(`/billing/upgrade${query}`, undefined, { token: user.token });
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      expect(response.body).toMatchObject({ statusCode: 400, code: 'UNKNOWN_TIER', validTiers: ['free', 'pro', 'enterprise'] });
      expect(response.body.message).toContain('free, pro, enterprise');
    }
    expect((await http.post('/billing/upgrade?tier=pro&coupon=free', undefined, { token: user.token })).status).toBe(400);

    const same = await http.post('/billing/upgrade?tier=free', undefined, { token: user.token });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ tier: 'free', changed: false, previousTier: 'free', deactivatedWorkflows: [] });
    expect(await history(user.id)).toEqual([]);
    expect((await http.get('/users/me', { token: user.token })).body.tier).toBe('free');
  });

  it('free → pro applies at once: pro limits right away and a third concurrent run is accepted', async () => {
    const user = await registerUser(http, 'upgrader');
    const slow = await createWorkflow(user, 'slow', DELAY(4000));
    expect([(await run(user, slow)).status, (await run(user, slow)).status]).toEqual([202, 202]);
    const refused = await run(user, slow);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'CONCURRENCY_LIMIT', limit: 2 });

    const upgraded = await http.post('/billing/upgrade?tier=pro', undefined, { token: user.token });
    expect(upgraded.status).toBe(200);
    expect(upgraded.body).toMatchObject({
      tier: 'pro',
      status: 'active',
      provider: 'mock',
      changed: true,
      previousTier: 'free',
      deactivatedWorkflows: [],
      limits: TIERS.pro.limits,
    });

    const view = await http.get('/billing/subscription', { token: user.token });
    expect(view.body).toMatchObject({ tier: 'pro', limits: TIERS.pro.limits, usage: { activeJobs: 2 } });
    expect((await run(user, slow)).status).toBe(202);
    expect((await http.get('/users/me', { token: user.token })).body.tier).toBe('pro');
    expect(await tiersOf(user.id)).toEqual({ user_tier: 'pro', subscription_tier: 'pro', status: 'active' });
    expect(await history(user.id)).toEqual([
      { actor_type: 'user', actor_id: user.id, from_tier: 'free', to_tier: 'pro', deactivated_workflows: [], provider_event_id: null },
    ]);
  });

  it('pro with 8 workflows → free: the 5 oldest stay active, the 3 newest are deactivated and listed; runs in flight finish, new runs use the free limits', async () => {
    const user = await registerUser(http, 'downgrader');
    expect((await http.post('/billing/upgrade?tier=pro', undefined, { token: user.token })).status).toBe(200);
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await createWorkflow(user, `w${i}`, DELAY(5000)));
    const inFlight = await Promise.all([run(user, ids[7]), run(user, ids[0]), run(user, ids[1])]);
    expect(inFlight.map((response) => response.status)).toEqual([202, 202, 202]);

    const downgraded = await http.post('/billing/upgrade?tier=free', undefined, { token: user.token });
    expect(downgraded.status).toBe(200);
    expect(downgraded.body).toMatchObject({
      tier: 'free',
      changed: true,
      previousTier: 'pro',
      limits: TIERS.free.limits,
      usage: { workflows: 8, activeJobs: 3 },
    });
    expect(downgraded.body.deactivatedWorkflows).toEqual([
      { id: ids[7], name: 'w7' },
      { id: ids[6], name: 'w6' },
      { id: ids[5], name: 'w5' },
    ]);
    expect(await activeByName(user)).toEqual({ w0: true, w1: true, w2: true, w3: true, w4: true, w5: false, w6: false, w7: false });
    const [change] = await history(user.id).then((rows) => rows.filter((row) => row.to_tier === 'free'));
    expect(change).toMatchObject({
      actor_type: 'user',
      from_tier: 'pro',
      to_tier: 'free',
      deactivated_workflows: downgraded.body.deactivatedWorkflows,
    });

    // New admissions see the free limits at once: three runs hold slots, the free limit is two.
    const overLimit = await run(user, ids[2]);
    expect(overLimit.status).toBe(429);
    expect(overLimit.body).toMatchObject({ code: 'CONCURRENCY_LIMIT', limit: 2, current: 3 });
    const inactive = await run(user, ids[6]);
    expect(inactive.status).toBe(409);
    expect(inactive.body.code).toBe('WORKFLOW_INACTIVE');
    // ...and the runs accepted before the downgrade (one of a now inactive workflow) finish.
    const finished = await eventually(
      () =>
        sql<{ status: string }>(stack.database.url, 'SELECT status FROM executions WHERE id = ANY($1)', [
          inFlight.map((response) => response.body.executionId),
        ]),
      (rows) => rows.every((row) => row.status === 'succeeded'),
      20000,
    );
    expect(finished).toHaveLength(3);

    const reactivate = await http.patch(`/workflows/${ids[5]}`, { active: true }, { token: user.token });
    expect(reactivate.status).toBe(403);
    expect(reactivate.body).toMatchObject({ code: 'WORKFLOW_LIMIT', limit: 5, current: 5 });
    expect((await http.get(`/workflows/${ids[5]}`, { token: user.token })).body.active).toBe(false);
    expect((await http.post('/workflows', { name: 'ninth', steps: QUICK }, { token: user.token })).body.code).toBe('WORKFLOW_LIMIT');

    // The user picks which five are active: room made by deactivating one lets another in.
    expect((await http.patch(`/workflows/${ids[0]}`, { active: false }, { token: user.token })).status).toBe(200);
    expect((await http.patch(`/workflows/${ids[5]}`, { active: true }, { token: user.token })).status).toBe(200);
    expect((await http.patch(`/workflows/${ids[0]}`, { active: true }, { token: user.token })).status).toBe(403);
  }, 60000);

  it('an admin lowering the tier (PATCH /admin/users/:id) runs the same downgrade, and so does a lower custom workflow limit', async () => {
    const user = await registerUser(http, 'admin-down');
    await adminPatchUser(http, user.id, { tier: 'pro' });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await createWorkflow(user, `a${i}`));
    const adminToken = await loginAs(http, TEST_ADMIN.email, TEST_ADMIN.password);
    const adminId = (await http.get('/users/me', { token: adminToken })).body.id;

    const patched = await http.patch(`/admin/users/${user.id}`, { tier: 'free' }, { token: adminToken });
    expect(patched.status).toBe(200);
    expect(patched.body.tier).toBe('free');
    expect(await activeByName(user)).toEqual({ a0: true, a1: true, a2: true, a3: true, a4: true, a5: false, a6: false });
    expect(await tiersOf(user.id)).toEqual({ user_tier: 'free', subscription_tier: 'free', status: 'active' });
    const rows = await history(user.id);
    expect(rows.map((row) => [row.actor_type, row.from_tier, row.to_tier])).toEqual([
      ['admin', 'free', 'pro'],
      ['admin', 'pro', 'free'],
    ]);
    expect(rows[1]).toMatchObject({
      actor_id: adminId,
      deactivated_workflows: [
        { id: ids[6], name: 'a6' },
        { id: ids[5], name: 'a5' },
      ],
    });

    await adminPatchUser(http, user.id, { customLimits: { maxWorkflows: 3 } });
    expect(await activeByName(user)).toEqual({ a0: true, a1: true, a2: true, a3: false, a4: false, a5: false, a6: false });
    expect((await http.get('/billing/subscription', { token: user.token })).body.limits.maxWorkflows).toBe(3);
    // Raising the limit again reactivates nothing by itself; the user chooses.
    await adminPatchUser(http, user.id, { tier: 'enterprise', customLimits: null });
    expect((await http.patch(`/workflows/${ids[6]}`, { active: true }, { token: user.token })).status).toBe(200);
  });

  it('POST /billing/webhook without STRIPE_WEBHOOK_SECRET configured is 400 and changes nothing', async () => {
    const response = await http.post(
      '/billing/webhook',
      { id: 'evt_test_unsigned', type: 'customer.subscription.deleted', created: 1, data: { object: {} } },
      { headers: { 'stripe-signature': 't=1,v1=00' } },
    );
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('WEBHOOK_NOT_CONFIGURED');
    expect(await sql(stack.database.url, 'SELECT 1 FROM billing_events')).toEqual([]);
  });

  it('the subscription history is append-only', async () => {
    const user = await registerUser(http, 'append-only');
    await http.post('/billing/upgrade?tier=enterprise', undefined, { token: user.token });
    await expect(sql(stack.database.url, `UPDATE subscription_changes SET to_tier = 'free' WHERE user_id = $1`, [user.id])).rejects.toThrow(
      /append-only/,
    );
    expect((await history(user.id)).map((row) => row.to_tier)).toEqual(['enterprise']);
  });
});
