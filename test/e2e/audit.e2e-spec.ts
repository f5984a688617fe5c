import type { AuditRow } from '../support/audit-rows';
import { randomBytes } from 'node:crypto';
import { TEST_ADMIN } from '../support/admin';
import { sql } from '../support/database';
import { HttpClient } from '../support/http-client';
import { runCli } from '../support/processes';
import { startStack, TestStack } from '../support/test-api';
import { loginAs, registerUser, TestUser } from '../support/users';

const STEPS = [{ id: 'one', type: 'transform', params: { expression: '1' } }];

describe('audit log (real api, PostgreSQL)', () => {
  let stack: TestStack;
  let http: HttpClient;
  let adminToken: string;
  let adminId: string;

  const rows = (action: string, targetId: string) =>
    sql<AuditRow>(stack.database.url, 'SELECT * FROM audit_logs WHERE action = $1 AND target_id = $2 ORDER BY at', [action, targetId]);
  const only = async (action: string, targetId: string) => {
    const found = await rows(action, targetId);
    expect({ action, count: found.length }).toEqual({ action, count: 1 });
    return found[0];
  };
  const newWorkflow = async (owner: TestUser, body: Record<string, unknown> = {}) => {
    const response = await http.post('/workflows', { name: 'audited', steps: STEPS, ...body }, { token: owner.token });
    expect(response.status).toBe(201);
    return response.body.id as string;
  };

  beforeAll(async () => {
    stack = await startStack({ AUDIT_RETENTION_DAYS: '30' });
    http = stack.api.http;
    adminToken = await loginAs(http, TEST_ADMIN.email, TEST_ADMIN.password);
    adminId = (await http.get('/users/me', { token: adminToken })).body.id;
  });
  afterAll(() => stack?.close());

  it('a login, a failed login, a workflow create, a credential delete, a tier change and an admin update: one row each, right actor and target', async () => {
    const user = await registerUser(http, 'audited');

    const login = await http.post(
      '/auth/login',
      { email: user.email, password: user.password },
      { headers: { 'user-agent': 'audit-test-agent/1.0', 'x-request-id': 'audit-login-0001' } },
    );
    expect(login.status).toBe(200);
    const loginRow = await only('auth.login', user.id);
    expect(loginRow).toMatchObject({
      actor_id: user.id,
      target_type: 'user',
      outcome: 'success',
      user_agent: 'audit-test-agent/1.0',
      request_id: 'audit-login-0001',
    });
    expect(loginRow.ip).toMatch(/127\.0\.0\.1/);

    const wrongPassword = `wrong-${randomBytes(6).toString('hex')}`;
    expect((await http.post('/auth/login', { email: user.email, password: wrongPassword })).status).toBe(401);
    const failed = await only('auth.login_failed', user.id);
    expect(failed).toMatchObject({
      actor_id: null,
      target_type: 'user',
      outcome: 'failure',
      metadata: { email: user.email, reason: 'wrong_password' },
    });
    expect(JSON.stringify(failed)).not.toContain(wrongPassword);

    const workflowId = await newWorkflow(user);
    expect(await only('workflow.create', workflowId)).toMatchObject({
      actor_id: user.id,
      target_type: 'workflow',
      metadata: { name: 'audited' },
    });

    const token = `tok-${randomBytes(8).toString('hex')}`;
    const credential = await http.post('/credentials', { name: 'to delete', type: 'bearer', data: { token } }, { token: user.token });
    expect((await http.delete(`/credentials/${credential.body.id}`, { token: user.token })).status).toBe(204);
    const deleted = await only('credential.delete', credential.body.id);
    expect(deleted).toMatchObject({ actor_id: user.id, target_type: 'credential', metadata: { name: 'to delete', type: 'bearer' } });
    expect(JSON.stringify(deleted)).not.toContain(token);

    expect((await http.patch(`/admin/users/${user.id}`, { tier: 'pro' }, { token: adminToken })).status).toBe(200);
    expect(await only('billing.tier_change', user.id)).toMatchObject({
      actor_id: adminId,
      target_type: 'user',
      metadata: { from: 'free', to: 'pro' },
    });
    expect(await only('admin.user_update', user.id)).toMatchObject({
      actor_id: adminId,
      metadata: { changes: { tier: { from: 'free', to: 'pro' } } },
    });

    const other = await registerUser(http, 'updated');
    expect(
      (
        await http.patch(
          `/admin/users/${other.id}`,
          { preferredRegion: 'eu-west-1', customLimits: { maxWorkflows: 3 } },
          { token: adminToken },
        )
      ).status,
    ).toBe(200);
    expect(await only('admin.user_update', other.id)).toMatchObject({
      actor_id: adminId,
      target_type: 'user',
      metadata: { changes: { preferredRegion: { from: null, to: 'eu-west-1' }, customLimits: { from: null, to: { maxWorkflows: 3 } } } },
    });
    expect(await rows('billing.tier_change', other.id)).toHaveLength(0);
  });

  it('records every other listed event: register, workflow update/delete, runs (accepted and refused), credential create/update, api keys, refused admin calls', async () => {
    const user = await registerUser(http, 'events');
    expect(await only('auth.register', user.id)).toMatchObject({ actor_id: user.id, metadata: { email: user.email } });

    const workflowId = await newWorkflow(user, { trigger: { type: 'webhook' } });
    expect((await http.patch(`/workflows/${workflowId}`, { name: 'renamed' }, { token: user.token })).status).toBe(200);
    const hook = (await http.post(`/workflows/${workflowId}/webhook-token`, undefined, { token: user.token })).body.token as string;
    const updates = await rows('workflow.update', workflowId);
    expect(updates.map((row) => row.metadata.changed)).toEqual([['name'], ['webhookToken']]);
    expect(JSON.stringify(updates)).not.toContain(hook);

    const accepted = await http.post('/run/async', { workflowId }, { token: user.token });
    expect((await http.post(`/hooks/${workflowId}`, { a: 1 }, { headers: { 'x-webhook-token': hook } })).status).toBe(202);
    await http.patch(`/workflows/${workflowId}`, { active: false }, { token: user.token });
    expect((await http.post('/run/async', { workflowId }, { token: user.token })).status).toBe(409);
    const runs = await rows('run.request', workflowId);
    expect(runs.map((row) => [row.actor_id, row.outcome, row.metadata.trigger])).toEqual([
      [user.id, 'success', 'manual'],
      [user.id, 'success', 'webhook'],
      [user.id, 'failure', 'manual'],
    ]);
    expect(runs[0].metadata).toMatchObject({ executionId: accepted.body.executionId, status: 'queued' });
    expect(runs[2].metadata).toMatchObject({ code: 'WORKFLOW_INACTIVE' });

    expect((await http.delete(`/workflows/${workflowId}`, { token: user.token })).status).toBe(204);
    expect(await only('workflow.delete', workflowId)).toMatchObject({ actor_id: user.id, metadata: { name: 'renamed' } });

    const credential = await http.post(
      '/credentials',
      { name: 'c', type: 'basic', data: { username: 'u', password: 'basic-secret-pw' } },
      { token: user.token },
    );
    await http.patch(
      `/credentials/${credential.body.id}`,
      { data: { username: 'u', password: 'basic-secret-pw-2' } },
      { token: user.token },
    );
    expect(await only('credential.create', credential.body.id)).toMatchObject({
      actor_id: user.id,
      metadata: { name: 'c', type: 'basic' },
    });
    expect(await only('credential.update', credential.body.id)).toMatchObject({ actor_id: user.id, metadata: { changed: ['data'] } });

    const key = await http.post('/api-keys', { name: 'ci' }, { token: user.token });
    await http.delete(`/api-keys/${key.body.id}`, { token: user.token });
    expect(await only('api_key.create', key.body.id)).toMatchObject({ actor_id: user.id, metadata: { name: 'ci' } });
    expect(await only('api_key.delete', key.body.id)).toMatchObject({ actor_id: user.id });

    expect((await http.get('/admin/audit-logs', { token: user.token })).status).toBe(403);
    expect((await http.patch(`/admin/users/${user.id}`, { tier: 'enterprise' }, { token: user.token })).status).toBe(403);
    const denied = await sql<AuditRow>(
      stack.database.url,
      `SELECT * FROM audit_logs WHERE action = 'admin.access_denied' AND actor_id = $1 ORDER BY at`,
      [user.id],
    );
    expect(denied.map((row) => [row.outcome, row.target_type, row.target_id])).toEqual([
      ['denied', 'route', 'GET /admin/audit-logs'],
      ['denied', 'route', 'PATCH /admin/users/:id'],
    ]);
    expect(await rows('admin.user_update', user.id)).toHaveLength(0);

    const everything = JSON.stringify(await sql(stack.database.url, 'SELECT * FROM audit_logs'));
    for (const secret of [user.password, hook, key.body.key, 'basic-secret-pw', user.token]) expect(everything).not.toContain(secret);
  });

  it('a login refused by the failed-login lockout is recorded as denied', async () => {
    const user = await registerUser(http, 'locked');
    for (let i = 0; i < 5; i++)
      expect((await http.post('/auth/login', { email: user.email, password: 'wrong-password' })).status).toBe(401);
    expect((await http.post('/auth/login', { email: user.email, password: user.password })).status).toBe(429);
    const failures = await sql<AuditRow>(
      stack.database.url,
      `SELECT * FROM audit_logs WHERE action = 'auth.login_failed' AND metadata->>'email' = $1 ORDER BY at`,
      [user.email],
    );
    expect(failures.map((row) => [row.outcome, row.metadata.reason])).toEqual([
      ...Array(5).fill(['failure', 'wrong_password']),
      ['denied', 'too_many_failures'],
    ]);
    expect(await rows('auth.login', user.id)).toHaveLength(0);
  });

  it('a refused self-change by an admin is recorded as denied', async () => {
    expect((await http.patch(`/admin/users/${adminId}`, { tier: 'enterprise' }, { token: adminToken })).status).toBe(403);
    expect(await only('admin.user_update', adminId)).toMatchObject({
      actor_id: adminId,
      outcome: 'denied',
      metadata: { fields: ['tier'] },
    });
  });

  it('the row is written in the transaction of the change: if it cannot be written, the change does not happen', async () => {
    const user = await registerUser(http, 'atomic');
    await sql(
      stack.database.url,
      `CREATE FUNCTION fail_audit_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN IF NEW.metadata->>'name' = 'audit-must-fail' THEN RAISE EXCEPTION 'audit insert refused by test'; END IF; RETURN NEW; END $$`,
    );
    await sql(
      stack.database.url,
      `CREATE TRIGGER tr_fail_audit_for_test BEFORE INSERT ON audit_logs FOR EACH ROW EXECUTE FUNCTION fail_audit_for_test()`,
    );
    try {
      const response = await http.post('/workflows', { name: 'audit-must-fail', steps: STEPS }, { token: user.token });
      expect(response.status).toBe(500);
      expect(response.text).not.toContain('refused by test');
      expect(await sql(stack.database.url, 'SELECT 1 FROM workflows WHERE owner_id = $1', [user.id])).toHaveLength(0);
    } finally {
      await sql(stack.database.url, 'DROP TRIGGER tr_fail_audit_for_test ON audit_logs');
      await sql(stack.database.url, 'DROP FUNCTION fail_audit_for_test()');
    }
    // And a change that is refused leaves no success row behind.
    for (let i = 0; i < 5; i++) await newWorkflow(user);
    expect((await http.post('/workflows', { name: 'sixth', steps: STEPS }, { token: user.token })).body.code).toBe('WORKFLOW_LIMIT');
    expect(
      await sql(stack.database.url, `SELECT 1 FROM audit_logs WHERE action = 'workflow.create' AND actor_id = $1`, [user.id]),
    ).toHaveLength(5);
  });

  it('GET /admin/audit-logs filters by actor, action and time, and pages', async () => {
    const user = await registerUser(http, 'filtered');
    const before = new Date(Date.now() - 1000).toISOString();
    for (let i = 0; i < 3; i++) await newWorkflow(user);
    await loginAs(http, user.email, user.password);

    const mine = await http.get(`/admin/audit-logs?actorId=${user.id}`, { token: adminToken });
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ total: 5, page: 1, limit: 20 });
    expect(mine.body.items.map((item: { action: string }) => item.action)).toEqual([
      'auth.login',
      'workflow.create',
      'workflow.create',
      'workflow.create',
      'auth.register',
    ]);
    expect(mine.body.items[0]).toEqual({
      id: expect.any(String),
      at: expect.any(String),
      actorId: user.id,
      action: 'auth.login',
      targetType: 'user',
      targetId: user.id,
      outcome: 'success',
      ip: expect.stringMatching(/127\.0\.0\.1/),
      userAgent: expect.any(String),
      requestId: expect.any(String),
      metadata: {},
    });

    const creates = await http.get(`/admin/audit-logs?actorId=${user.id}&action=workflow.create&limit=2&page=2`, { token: adminToken });
    expect(creates.body).toMatchObject({ total: 3, page: 2, limit: 2 });
    expect(creates.body.items).toHaveLength(1);

    const window = await http.get(
      `/admin/audit-logs?actorId=${user.id}&from=${encodeURIComponent(before)}&to=${encodeURIComponent(new Date(Date.now() + 60000).toISOString())}`,
      { token: adminToken },
    );
    expect(window.body.total).toBe(5);
    const future = await http.get(
      `/admin/audit-logs?actorId=${user.id}&from=${encodeURIComponent(new Date(Date.now() + 60000).toISOString())}`,
      { token: adminToken },
    );
    expect(future.body.total).toBe(0);
    const past = await http.get(`/admin/audit-logs?actorId=${user.id}&to=${encodeURIComponent(before)}`, { token: adminToken });
    expect(past.body.total).toBe(0);

    for (const query of ['actorId=nope', 'action=DROP%20TABLE', 'from=yesterday', 'limit=1000', 'sort=at']) {
      expect({ query, status: (await http.get(`/admin/audit-logs?${query}`, { token: adminToken })).status }).toEqual({
        query,
        status: 400,
      });
    }
  });

  describe('append-only in PostgreSQL itself (as the application database user, from DATABASE_URL)', () => {
    const asApp = (text: string, values: unknown[] = []) => sql(stack.env.DATABASE_URL as string, text, values);

    it('UPDATE fails, TRUNCATE fails, DELETE of a recent row fails, and nothing changed', async () => {
      const [{ count }] = await asApp('SELECT count(*)::int AS count FROM audit_logs');
      expect(count).toBeGreaterThan(0);
      await expect(asApp(`UPDATE audit_logs SET action = 'auth.login' WHERE action = 'auth.login_failed'`)).rejects.toThrow(/append-only/);
      await expect(asApp(`UPDATE audit_logs SET metadata = '{}'`)).rejects.toThrow(/append-only/);
      await expect(asApp('TRUNCATE audit_logs')).rejects.toThrow(/append-only/);
      await expect(asApp('DELETE FROM audit_logs')).rejects.toThrow(/retention window \(30 days\)/);
      expect((await asApp('SELECT count(*)::int AS count FROM audit_logs'))[0].count).toBe(count);
    });

    it('DELETE succeeds only for rows older than AUDIT_RETENTION_DAYS, which the api stored at boot (and that change is itself audited)', async () => {
      expect(await asApp('SELECT retention_days FROM audit_log_settings')).toEqual([{ retention_days: 30 }]);
      expect(await asApp(`SELECT metadata FROM audit_logs WHERE action = 'audit.retention_change'`)).toEqual([
        { metadata: { from: 365, to: 30 } },
      ]);

      const [old] = await asApp(`INSERT INTO audit_logs (action, at) VALUES ('auth.login', now() - interval '31 days') RETURNING id`);
      const [young] = await asApp(`INSERT INTO audit_logs (action, at) VALUES ('auth.login', now() - interval '29 days') RETURNING id`);
      await expect(asApp('DELETE FROM audit_logs WHERE id = $1', [young.id])).rejects.toThrow(/retention window/);
      expect(await asApp(`DELETE FROM audit_logs WHERE at < now() - interval '30 days' RETURNING id`)).toEqual([{ id: old.id }]);
      expect(await asApp('SELECT id FROM audit_logs WHERE id = $1', [young.id])).toHaveLength(1);
    });

    it("the retention purge (npm run cli -- purge, and the workers' scheduled job) removes exactly the rows past the window, in batches", async () => {
      const old = await asApp(
        `INSERT INTO audit_logs (action, at) SELECT 'auth.login', now() - interval '40 days' FROM generate_series(1, 3) RETURNING id`,
      );
      const [young] = await asApp(`INSERT INTO audit_logs (action, at) VALUES ('auth.login', now() - interval '10 days') RETURNING id`);
      const before = (await asApp('SELECT count(*)::int AS count FROM audit_logs'))[0].count as number;
      const { code, output } = await runCli({ ...stack.env, RETENTION_BATCH_SIZE: '2' }, ['purge']);
      expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('auditLogs: 3 rows deleted for 0 owners in 2 batches') });
      expect(await asApp('SELECT id FROM audit_logs WHERE id = ANY($1)', [old.map((row) => row.id)])).toEqual([]);
      expect(await asApp('SELECT id FROM audit_logs WHERE id = $1', [young.id])).toHaveLength(1);
      expect((await asApp('SELECT count(*)::int AS count FROM audit_logs'))[0].count).toBe(before - 3);
    });
  });
});
