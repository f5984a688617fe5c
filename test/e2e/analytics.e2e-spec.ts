import { adminPatchUser } from '../support/admin';
import { existingIds, insertExecutions } from '../support/aged-executions';
import { sql } from '../support/database';
import { HttpClient } from '../support/http-client';
import { startStack, TestStack } from '../support/test-api';
import { registerUser, TestUser } from '../support/users';
import { createWorkflowId } from '../support/workflows';

const QUICK = [{ id: 'quick', type: 'transform', params: { expression: '1 + 1' } }];

/** The UTC date `offset` days before the day of `iso`. */
function utcDate(iso: string, offset: number): string {
  const day = new Date(iso);
  return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() - offset)).toISOString().slice(0, 10);
}

describe('analytics inside the retention window (real api, PostgreSQL)', () => {
  let stack: TestStack;
  let http: HttpClient;

  const workflow = (owner: TestUser) => createWorkflowId(http, owner, { steps: QUICK });
  const listIds = async (owner: TestUser, query = '') =>
    ((await http.get(`/executions?limit=100${query}`, { token: owner.token })).body.items as { id: string }[])
      .map((item) => item.id)
      .sort();

  beforeAll(async () => {
    stack = await startStack();
    http = stack.api.http;
  });
  afterAll(() => stack?.close());

  describe('a pro user with a known data set', () => {
    let user: TestUser;
    let a: string;
    let b: string;

    beforeAll(async () => {
      user = await registerUser(http, 'analyst');
      await adminPatchUser(http, user.id, { tier: 'pro' });
      a = await workflow(user);
      b = await workflow(user);
      const other = await registerUser(http, 'bystander');
      const otherWorkflow = await workflow(other);
      await insertExecutions(stack.database.url, [
        { ownerId: user.id, workflowId: a, status: 'succeeded', dayOffset: 1, durationMs: 100 },
        { ownerId: user.id, workflowId: a, status: 'succeeded', dayOffset: 1, durationMs: 200 },
        { ownerId: user.id, workflowId: a, status: 'failed', dayOffset: 1, durationMs: 400 },
        { ownerId: user.id, workflowId: b, status: 'succeeded', dayOffset: 3, durationMs: 1000 },
        // Cancelled before it started: counts as finished, has no duration.
        { ownerId: user.id, workflowId: a, status: 'cancelled', dayOffset: 3, durationMs: null },
        { ownerId: user.id, workflowId: a, status: 'running', dayOffset: 3, durationMs: null },
        { ownerId: user.id, workflowId: a, status: 'succeeded', dayOffset: 6, durationMs: 300 },
        { ownerId: user.id, workflowId: a, status: 'failed', dayOffset: 20, durationMs: 50 },
        // Past the pro window (30 days): in the database, never in an answer.
        { ownerId: user.id, workflowId: a, status: 'succeeded', dayOffset: 40, durationMs: 10 },
        // Another user's runs on the same days count for nobody else.
        { ownerId: other.id, workflowId: otherWorkflow, status: 'failed', dayOffset: 1, durationMs: 9000 },
        { ownerId: other.id, workflowId: otherWorkflow, status: 'succeeded', dayOffset: 3, durationMs: 9000 },
      ]);
    });

    it('summary over 7 days: exact counts, success rate, percentile_cont p50/p95 and a zero-filled UTC series', async () => {
      const response = await http.get('/analytics/summary?days=7', { token: user.token });
      expect(response.status).toBe(200);
      const body = response.body;
      // Finished durations [100, 200, 300, 400, 1000]: p50 = 300; p95 at 0.95 * 4 = 3.8 → 400 + 0.8 * (1000 - 400) = 880.
      expect(body).toMatchObject({
        days: 7,
        retentionDays: 30,
        totals: { total: 7, succeeded: 4, failed: 1, cancelled: 1 },
        successRate: 0.6667,
        durationMs: { p50: 300, p95: 880 },
      });
      expect(body.from).toBe(`${utcDate(body.to, 6)}T00:00:00.000Z`);
      expect(Math.abs(Date.parse(body.to) - Date.now())).toBeLessThan(60_000);
      const expected = [6, 5, 4, 3, 2, 1, 0].map((offset) => ({
        date: utcDate(body.to, offset),
        total: 0,
        succeeded: 0,
        failed: 0,
        cancelled: 0,
      }));
      expected[0] = { ...expected[0], total: 1, succeeded: 1 };
      expected[3] = { ...expected[3], total: 3, succeeded: 1, cancelled: 1 };
      expected[5] = { ...expected[5], total: 3, succeeded: 2, failed: 1 };
      expect(body.series).toEqual(expected);
    });

    it('summary over 30 days takes in the 20-day-old run; days=90 is capped at the pro retention (30) and never shows the 40-day-old one', async () => {
      const thirty = (await http.get('/analytics/summary?days=30', { token: user.token })).body;
      // Durations [50, 100, 200, 300, 400, 1000]: p50 = (200 + 300) / 2 = 250; p95 at 0.95 * 5 = 4.75 → 400 + 0.75 * 600 = 850.
      expect(thirty).toMatchObject({
        days: 30,
        retentionDays: 30,
        totals: { total: 8, succeeded: 4, failed: 2, cancelled: 1 },
        successRate: 0.5714,
        durationMs: { p50: 250, p95: 850 },
      });
      expect(thirty.series).toHaveLength(30);
      expect(thirty.series.find((day: { date: string }) => day.date === utcDate(thirty.to, 20))).toEqual({
        date: utcDate(thirty.to, 20),
        total: 1,
        succeeded: 0,
        failed: 1,
        cancelled: 0,
      });
      const capped = (await http.get('/analytics/summary?days=90', { token: user.token })).body;
      expect({ ...capped, to: undefined }).toEqual({ ...thirty, to: undefined });
    });

    it('per workflow: the same answer for one workflow only', async () => {
      const first = (await http.get(`/analytics/workflows/${a}?days=7`, { token: user.token })).body;
      // A's finished durations [100, 200, 300, 400]: p50 = 250; p95 at 2.85 → 300 + 0.85 * 100 = 385.
      expect(first).toMatchObject({
        days: 7,
        retentionDays: 30,
        totals: { total: 6, succeeded: 3, failed: 1, cancelled: 1 },
        successRate: 0.6,
        durationMs: { p50: 250, p95: 385 },
      });
      expect(first.series).toHaveLength(7);
      const second = (await http.get(`/analytics/workflows/${b}`, { token: user.token })).body;
      expect(second).toMatchObject({
        days: 7,
        totals: { total: 1, succeeded: 1, failed: 0, cancelled: 0 },
        successRate: 1,
        durationMs: { p50: 1000, p95: 1000 },
      });
    });

    it("another user's workflow and an unknown one are 404; bad days are 400", async () => {
      const stranger = await registerUser(http, 'stranger');
      const theirs = await workflow(stranger);
      expect((await http.get(`/analytics/workflows/${a}`, { token: stranger.token })).status).toBe(404);
      expect((await http.get(`/analytics/workflows/${theirs}`, { token: user.token })).body).toMatchObject({
        statusCode: 404,
        code: 'NOT_FOUND',
      });
      expect((await http.get('/analytics/workflows/00000000-0000-4000-8000-000000000000', { token: user.token })).status).toBe(404);
      expect((await http.get('/analytics/workflows/not-a-uuid', { token: user.token })).status).toBe(400);
      for (const days of ['0', '-3', '1.5', 'abc', '']) {
        const response = await http.get(`/analytics/summary?days=${days}`, { token: user.token });
        expect({ days, status: response.status }).toEqual({ days, status: 400 });
      }
      expect((await http.get('/analytics/summary?days=7&owner=x', { token: user.token })).status).toBe(400);
      expect((await http.get('/analytics/summary')).status).toBe(401);
    });
  });

  it('a user without executions gets zeros, no rate and no percentiles, and the default window of 7 days', async () => {
    const user = await registerUser(http, 'newcomer');
    const body = (await http.get('/analytics/summary', { token: user.token })).body;
    expect(body).toMatchObject({
      days: 7,
      retentionDays: 7,
      totals: { total: 0, succeeded: 0, failed: 0, cancelled: 0 },
      successRate: null,
      durationMs: { p50: null, p95: null },
    });
    expect(body.series.map((day: { total: number }) => day.total)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it("cancelling an execution outside the caller's retention window is a 404, as reading it, and changes nothing", async () => {
    const user = await registerUser(http, 'old-cancel');
    const id = await workflow(user);
    const [old, recent] = await insertExecutions(stack.database.url, [
      { ownerId: user.id, workflowId: id, status: 'waiting', ageDays: 10 },
      { ownerId: user.id, workflowId: id, status: 'waiting', ageDays: 1 },
    ]);
    const refused = await http.post(`/executions/${old}/cancel`, undefined, { token: user.token });
    expect(refused.status).toBe(404);
    expect(refused.body).toMatchObject({ code: 'NOT_FOUND' });
    expect((await http.get(`/executions/${old}`, { token: user.token })).status).toBe(404);
    const cancelled = await http.post(`/executions/${recent}/cancel`, undefined, { token: user.token });
    expect(cancelled.body).toMatchObject({ id: recent, status: 'cancelled' });
    const rows = await sql<{ id: string; status: string }>(stack.database.url, 'SELECT id, status FROM executions WHERE id = ANY($1)', [
      [old, recent],
    ]);
    expect(Object.fromEntries(rows.map((row) => [row.id, row.status]))).toEqual({ [old]: 'waiting', [recent]: 'cancelled' });
  });

  it('a free user: days=90 answers with retentionDays 7 and days 7; reads hide older executions; an upgrade shows them at once, a downgrade hides them again', async () => {
    const user = await registerUser(http, 'free');
    const id = await workflow(user);
    const [recent, tenDays, fortyDays] = await insertExecutions(stack.database.url, [
      { ownerId: user.id, workflowId: id, status: 'succeeded', ageDays: 3, durationMs: 20 },
      { ownerId: user.id, workflowId: id, status: 'failed', ageDays: 10, durationMs: 40 },
      { ownerId: user.id, workflowId: id, status: 'succeeded', ageDays: 40, durationMs: 60 },
    ]);

    const free = (await http.get('/analytics/summary?days=90', { token: user.token })).body;
    expect(free).toMatchObject({ days: 7, retentionDays: 7, totals: { total: 1, succeeded: 1, failed: 0 } });
    expect(free.series).toHaveLength(7);
    expect(await listIds(user)).toEqual([recent]);
    expect(await listIds(user, `&from=${new Date(Date.now() - 100 * 86_400_000).toISOString()}`)).toEqual([recent]);
    expect((await http.get(`/executions?status=failed`, { token: user.token })).body).toMatchObject({ items: [], total: 0 });
    expect((await http.get(`/executions/${tenDays}`, { token: user.token })).status).toBe(404);
    expect((await http.get(`/executions/${recent}`, { token: user.token })).status).toBe(200);

    await adminPatchUser(http, user.id, { tier: 'pro' });
    expect(await listIds(user)).toEqual([recent, tenDays].sort());
    expect((await http.get(`/executions/${tenDays}`, { token: user.token })).body).toMatchObject({ id: tenDays, status: 'failed' });
    expect((await http.get(`/executions/${fortyDays}`, { token: user.token })).status).toBe(404);
    expect((await http.get('/analytics/summary?days=90', { token: user.token })).body).toMatchObject({
      days: 30,
      retentionDays: 30,
      totals: { total: 2, succeeded: 1, failed: 1 },
    });

    // A custom retention overrides the tier, here beyond the enterprise default.
    await adminPatchUser(http, user.id, { customLimits: { retentionDays: 400 } });
    expect(await listIds(user)).toEqual([recent, tenDays, fortyDays].sort());

    await adminPatchUser(http, user.id, { tier: 'free', customLimits: null });
    expect(await listIds(user)).toEqual([recent]);
    expect((await http.get(`/executions/${tenDays}`, { token: user.token })).status).toBe(404);
    expect((await http.get('/analytics/summary?days=30', { token: user.token })).body).toMatchObject({
      days: 7,
      retentionDays: 7,
      totals: { total: 1 },
    });
    // Hidden, not yet deleted: the purge removes them (retention.e2e-spec).
    expect(await existingIds(stack.database.url, [recent, tenDays, fortyDays])).toHaveLength(3);
  });

  it('the migration replaced the executions indexes with covering ones (status and duration ride along for index-only scans)', async () => {
    const indexes = await sql<{ indexname: string; indexdef: string }>(
      stack.database.url,
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'executions' ORDER BY indexname`,
    );
    expect(indexes.find((index) => index.indexname === 'ix_executions_owner_created')?.indexdef).toMatch(
      /\(owner_id, created_at\) INCLUDE \(status, duration_ms\)/,
    );
    expect(indexes.find((index) => index.indexname === 'ix_executions_workflow_created')?.indexdef).toMatch(
      /\(workflow_id, created_at\) INCLUDE \(owner_id, status, duration_ms\)/,
    );
    expect(indexes.filter((index) => /_next$/.test(index.indexname))).toEqual([]);
  });
});
