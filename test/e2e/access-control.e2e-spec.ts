import { TEST_ADMIN } from '../support/admin';
import { sql } from '../support/database';
import { HttpClient, HttpResult } from '../support/http-client';
import { startStack, TestStack } from '../support/test-api';
import { loginAs, registerUser, TestUser } from '../support/users';

describe('access control: IDOR, mass assignment, admin rules (real api, PostgreSQL)', () => {
  let stack: TestStack;
  let http: HttpClient;

  beforeAll(async () => {
    // No worker: A's run stays queued, so B's cancel attempt would have something to cancel.
    stack = await startStack();
    http = stack.api.http;
  });
  afterAll(() => stack?.close());

  describe("user B and user A's resources", () => {
    let alice: TestUser;
    let bob: TestUser;
    const ids = { workflow: '', credential: '', execution: '', apiKey: '' };
    let aliceKey = '';

    beforeAll(async () => {
      alice = await registerUser(http, 'alice');
      bob = await registerUser(http, 'bob');
      ids.credential = (
        await http.post('/credentials', { name: 'a', type: 'bearer', data: { token: 'alice-token-value' } }, { token: alice.token })
      ).body.id;
      const workflow = await http.post(
        '/workflows',
        {
          name: 'alice flow',
          trigger: { type: 'webhook' },
          steps: [{ id: 'call', type: 'http', params: { method: 'GET', url: 'https://example.com/', credentialId: ids.credential } }],
        },
        { token: alice.token },
      );
      ids.workflow = workflow.body.id;
      ids.execution = (await http.post('/run/async', { workflowId: ids.workflow }, { token: alice.token })).body.executionId;
      const key = await http.post('/api-keys', { name: 'alice key' }, { token: alice.token });
      ids.apiKey = key.body.id;
      aliceKey = key.body.key;
      expect(Object.values(ids).every((id) => /^[0-9a-f-]{36}$/.test(id))).toBe(true);
    });

    const attempts: [string, () => Promise<HttpResult>][] = [
      ['GET /workflows/:id', () => http.get(`/workflows/${ids.workflow}`, { token: bob.token })],
      ['PATCH /workflows/:id', () => http.patch(`/workflows/${ids.workflow}`, { name: 'mine now', active: false }, { token: bob.token })],
      ['DELETE /workflows/:id', () => http.delete(`/workflows/${ids.workflow}`, { token: bob.token })],
      ['POST /workflows/:id/webhook-token', () => http.post(`/workflows/${ids.workflow}/webhook-token`, undefined, { token: bob.token })],
      ['POST /run/async', () => http.post('/run/async', { workflowId: ids.workflow }, { token: bob.token })],
      ['POST /run', () => http.post('/run', { workflowId: ids.workflow, waitMs: 100 }, { token: bob.token })],
      ['GET /credentials/:id', () => http.get(`/credentials/${ids.credential}`, { token: bob.token })],
      ['PATCH /credentials/:id (name)', () => http.patch(`/credentials/${ids.credential}`, { name: 'mine now' }, { token: bob.token })],
      [
        'PATCH /credentials/:id (data)',
        () => http.patch(`/credentials/${ids.credential}`, { data: { token: 'bobs-token' } }, { token: bob.token }),
      ],
      ['DELETE /credentials/:id', () => http.delete(`/credentials/${ids.credential}`, { token: bob.token })],
      ['GET /executions/:id', () => http.get(`/executions/${ids.execution}`, { token: bob.token })],
      ['POST /executions/:id/cancel', () => http.post(`/executions/${ids.execution}/cancel`, undefined, { token: bob.token })],
      ['DELETE /api-keys/:id', () => http.delete(`/api-keys/${ids.apiKey}`, { token: bob.token })],
    ];

    it.each(attempts)('%s → 404 with nothing of A in the body', async (_route, attempt) => {
      const response = await attempt();
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
      expect(response.text).not.toMatch(/alice|example\.com/);
    });

    it("B's lists never show A's rows, even filtered by A's ids", async () => {
      for (const path of ['/workflows', '/credentials', '/executions', '/api-keys', `/executions?workflowId=${ids.workflow}`]) {
        const response = await http.get(path, { token: bob.token });
        expect({ path, status: response.status, total: response.body.total, items: response.body.items }).toEqual({
          path,
          status: 200,
          total: 0,
          items: [],
        });
      }
    });

    it("after all that, A's resources are exactly as they were", async () => {
      const workflow = await http.get(`/workflows/${ids.workflow}`, { token: alice.token });
      expect(workflow.body).toMatchObject({ name: 'alice flow', active: true });
      expect((await http.get(`/credentials/${ids.credential}`, { token: alice.token })).body.name).toBe('a');
      expect((await http.get(`/executions/${ids.execution}`, { token: alice.token })).body.status).toBe('queued');
      expect((await http.get('/users/me', { apiKey: aliceKey })).body.id).toBe(alice.id);
      const [credential] = await sql<{ owner_id: string }>(stack.database.url, 'SELECT owner_id FROM credentials WHERE id = $1', [
        ids.credential,
      ]);
      expect(credential.owner_id).toBe(alice.id);
    });
  });

  describe('mass assignment', () => {
    it.each([
      ['PATCH /users/me', { role: 'admin' }],
      ['PATCH /users/me', { tier: 'enterprise' }],
      ['PATCH /users/me', { customLimits: { maxWorkflows: 1000 } }],
      ['PATCH /users/me', { disabled: false, name: 'x' }],
    ])('%s %j → 400 and the account is unchanged', async (_route, body) => {
      const user = await registerUser(http, 'mass');
      const response = await http.patch('/users/me', body, { token: user.token });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      const [row] = await sql(stack.database.url, 'SELECT role, tier, custom_limits, disabled, name FROM users WHERE id = $1', [user.id]);
      expect(row).toEqual({ role: 'user', tier: 'free', custom_limits: null, disabled: false, name: 'mass' });
    });

    it('an owner id in a create body is refused, not honoured', async () => {
      const victim = await registerUser(http, 'victim');
      const user = await registerUser(http, 'creator');
      const workflow = await http.post(
        '/workflows',
        { name: 'w', ownerId: victim.id, steps: [{ id: 'a', type: 'transform', params: { expression: '1' } }] },
        { token: user.token },
      );
      const credential = await http.post(
        '/credentials',
        { name: 'c', ownerId: victim.id, type: 'bearer', data: { token: 'abc' } },
        { token: user.token },
      );
      expect([workflow.status, credential.status]).toEqual([400, 400]);
      expect(
        await sql(
          stack.database.url,
          'SELECT 1 FROM workflows WHERE owner_id = ANY($1) UNION ALL SELECT 1 FROM credentials WHERE owner_id = ANY($1)',
          [[victim.id, user.id]],
        ),
      ).toHaveLength(0);
    });
  });

  describe('admin', () => {
    let adminToken: string;
    let adminId: string;

    beforeAll(async () => {
      adminToken = await loginAs(http, TEST_ADMIN.email, TEST_ADMIN.password);
      adminId = (await http.get('/users/me', { token: adminToken })).body.id;
    });

    it('a user gets 403 on every admin route', async () => {
      const user = await registerUser(http, 'plain');
      for (const response of [
        await http.get('/admin/users', { token: user.token }),
        await http.patch(`/admin/users/${user.id}`, { tier: 'enterprise' }, { token: user.token }),
        await http.get('/admin/audit-logs', { token: user.token }),
      ]) {
        expect(response.status).toBe(403);
      }
      expect((await http.get('/users/me', { token: user.token })).body.tier).toBe('free');
    });

    it('lists users with pagination and an email search', async () => {
      const marker = `find-me-${Date.now()}`;
      const found = await registerUser(http, marker);
      const page = await http.get(`/admin/users?email=${marker}&limit=5`, { token: adminToken });
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ total: 1, page: 1, limit: 5, items: [{ id: found.id, email: found.email, disabled: false }] });
      expect(page.text).not.toMatch(/password/i);
      const paged = await http.get('/admin/users?limit=1&page=2', { token: adminToken });
      expect(paged.body.items).toHaveLength(1);
      // LIKE wildcards are matched literally.
      expect((await http.get('/admin/users?email=%25', { token: adminToken })).body.total).toBe(0);
      expect((await http.get('/admin/users?limit=101', { token: adminToken })).status).toBe(400);
    });

    it('changes tier, role, limits, region and disabled of another user', async () => {
      const user = await registerUser(http, 'managed');
      const change = {
        tier: 'pro',
        customLimits: { maxWorkflows: 7, dailyExecutions: null },
        preferredRegion: 'eu-west-1',
        disabled: false,
        role: 'user',
      };
      const response = await http.patch(`/admin/users/${user.id}`, change, { token: adminToken });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        id: user.id,
        tier: 'pro',
        customLimits: { maxWorkflows: 7, dailyExecutions: null },
        preferredRegion: 'eu-west-1',
        disabled: false,
      });
    });

    it.each([
      [{ tier: 'platinum' }, 'tier'],
      [{ role: 'root' }, 'role'],
      [{ customLimits: [] }, 'customLimits'],
      [{ customLimits: { maxWorkflows: -1 } }, 'customLimits.maxWorkflows'],
      [{ customLimits: { maxWorkflows: 1.5 } }, 'customLimits.maxWorkflows'],
      [{ customLimits: { unlimitedEverything: true } }, 'unlimitedEverything'],
      [{ preferredRegion: 'mars-north-1' }, 'mars-north-1'],
      [{ preferredRegion: '' }, 'region'],
      [{ disabled: 'yes' }, 'disabled'],
      [{ email: 'new@example.com' }, 'email'],
      [{ passwordHash: 'x' }, 'passwordHash'],
    ])('PATCH /admin/users/:id %j → 400 naming %s, nothing changed', async (body, mention) => {
      const user = await registerUser(http, 'badpatch');
      const response = await http.patch(`/admin/users/${user.id}`, body, { token: adminToken });
      expect(response.status).toBe(400);
      expect(response.text).toContain(mention);
      const [row] = await sql(
        stack.database.url,
        'SELECT role, tier, custom_limits, preferred_region, disabled, email FROM users WHERE id = $1',
        [user.id],
      );
      expect(row).toEqual({ role: 'user', tier: 'free', custom_limits: null, preferred_region: null, disabled: false, email: user.email });
    });

    it('an unknown user id is 404, a malformed one 400', async () => {
      expect((await http.patch('/admin/users/00000000-0000-4000-8000-000000000000', { tier: 'pro' }, { token: adminToken })).status).toBe(
        404,
      );
      expect((await http.patch('/admin/users/not-a-uuid', { tier: 'pro' }, { token: adminToken })).status).toBe(400);
    });

    it.each([
      [{ role: 'user' }],
      [{ tier: 'enterprise' }],
      [{ customLimits: { apiRequestsPerMinute: 100000 } }],
      [{ customLimits: null }],
      [{ disabled: true }],
    ])('an admin cannot change their own account: %j → 403, nothing changed', async (body) => {
      const before = await sql(stack.database.url, 'SELECT role, tier, custom_limits, disabled FROM users WHERE id = $1', [adminId]);
      const response = await http.patch(`/admin/users/${adminId}`, body, { token: adminToken });
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('SELF_CHANGE_FORBIDDEN');
      expect(await sql(stack.database.url, 'SELECT role, tier, custom_limits, disabled FROM users WHERE id = $1', [adminId])).toEqual(
        before,
      );
    });

    it('an admin may still set their own preferred region', async () => {
      const response = await http.patch(`/admin/users/${adminId}`, { preferredRegion: 'eu-west-1' }, { token: adminToken });
      expect(response.status).toBe(200);
      expect(response.body.preferredRegion).toBe('eu-west-1');
    });
  });
});
