import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import jwt from 'jsonwebtoken';
import { sql } from '../support/database';
import { startStack, TestApi, TestStack } from '../support/test-api';
import { loginAs, registerUser } from '../support/users';
import { TEST_JWT_SECRET } from '../support/test-env';

describe('auth, users and api keys (real PostgreSQL and Redis)', () => {
  let stack: TestStack;
  let api: TestApi;

  beforeAll(async () => {
    stack = await startStack({ LOGIN_MAX_FAILURES_PER_EMAIL: '3', LOGIN_WINDOW_SECONDS: '2', MIGRATIONS_RUN: 'true' });
    api = stack.api;
  });
  afterAll(() => stack?.close());

  it('registers, logs in and reads /users/me', async () => {
    const user = await registerUser(api.http, 'ada');
    const token = await loginAs(api.http, user.email, user.password);
    const me = await api.http.get('/users/me', { token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: user.id,
      email: user.email,
      role: 'user',
      tier: 'free',
      preferredRegion: null,
      customLimits: null,
    });
    expect(me.body).not.toHaveProperty('passwordHash');
    expect(me.headers.get('cache-control')).toContain('no-store');
  });

  it('without the OIDC settings the single sign-on routes answer 404', async () => {
    for (const path of ['/auth/oidc/login', '/auth/oidc/callback?code=made-up&state=made-up']) {
      const response = await api.http.get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(response.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    }
  });

  it('login answers with a bearer token and its lifetime', async () => {
    const user = await registerUser(api.http);
    const login = await api.http.post('/auth/login', { email: user.email, password: user.password });
    expect(login.status).toBe(200);
    expect(login.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 3600 });
  });

  describe('token attacks all get 401', () => {
    let userId: string;
    const claims = () => ({ sub: userId, role: 'user' });
    const sign = (payload: object, secret: string, options: jwt.SignOptions) => jwt.sign(payload, secret, options);
    const valid = { algorithm: 'HS256' as const, issuer: 'flowline', audience: 'flowline-api', expiresIn: 600 };

    beforeAll(async () => {
      userId = (await registerUser(api.http)).id;
    });

    it('accepts a correctly signed token (the control case)', async () => {
      expect((await api.http.get('/users/me', { token: sign(claims(), TEST_JWT_SECRET, valid) })).status).toBe(200);
    });

    const attacks: [string, () => string | undefined][] = [
      ['no token', () => undefined],
      ['garbage', () => 'not-a-jwt'],
      [
        'alg none',
        () => {
          const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
          const now = Math.floor(Date.now() / 1000);
          const body = Buffer.from(
            JSON.stringify({ ...claims(), iss: 'flowline', aud: 'flowline-api', iat: now, exp: now + 600 }),
          ).toString('base64url');
          return `${header}.${body}.`;
        },
      ],
      ['wrong secret', () => sign(claims(), 'another-secret-another-secret-another-secret', valid)],
      ['HS512 when HS256 is pinned', () => sign(claims(), TEST_JWT_SECRET, { ...valid, algorithm: 'HS512' })],
      [
        'expired',
        () =>
          sign({ ...claims(), iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 }, TEST_JWT_SECRET, {
            algorithm: 'HS256',
            issuer: 'flowline',
            audience: 'flowline-api',
          }),
      ],
      ['wrong issuer', () => sign(claims(), TEST_JWT_SECRET, { ...valid, issuer: 'someone-else' })],
      ['wrong audience', () => sign(claims(), TEST_JWT_SECRET, { ...valid, audience: 'another-api' })],
      [
        'tampered payload',
        () => {
          const [header, , signature] = sign(claims(), TEST_JWT_SECRET, valid).split('.');
          const forged = Buffer.from(
            JSON.stringify({ ...claims(), role: 'admin', iss: 'flowline', aud: 'flowline-api', exp: Math.floor(Date.now() / 1000) + 600 }),
          ).toString('base64url');
          return `${header}.${forged}.${signature}`;
        },
      ],
      ['unknown user id', () => sign({ sub: '00000000-0000-4000-8000-000000000000' }, TEST_JWT_SECRET, valid)],
    ];

    it.each(attacks)('%s → 401 with the contract body', async (_name, makeToken) => {
      const response = await api.http.get('/users/me', { token: makeToken() });
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', code: 'UNAUTHORIZED', message: expect.any(String) });
    });
  });

  it('an api key authenticates as its owner and stops working once deleted', async () => {
    const user = await registerUser(api.http);
    const created = await api.http.post('/api-keys', { name: 'ci' }, { token: user.token });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), name: 'ci', key: expect.stringMatching(/^flk_[A-Za-z0-9_-]{43}$/) });

    const me = await api.http.get('/users/me', { apiKey: created.body.key });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(user.id);

    const list = await api.http.get('/api-keys', { token: user.token });
    expect(list.body).toMatchObject({ total: 1, page: 1, limit: 20 });
    expect(list.text).not.toContain(created.body.key);
    const [stored] = await sql<{ key_hash: string }>(api.database.url, 'SELECT key_hash FROM api_keys WHERE id = $1', [created.body.id]);
    expect(stored.key_hash).not.toContain(created.body.key);

    expect((await api.http.delete(`/api-keys/${created.body.id}`, { token: user.token })).status).toBe(204);
    expect((await api.http.get('/users/me', { apiKey: created.body.key })).status).toBe(401);
    expect((await api.http.get('/users/me', { apiKey: 'flk_made-up' })).status).toBe(401);
  });

  it('a wrong X-API-Key is refused even beside a valid bearer token (the key is what the caller chose)', async () => {
    const user = await registerUser(api.http);
    const refused = await api.http.get('/users/me', { token: user.token, apiKey: 'flk_made-up' });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED', message: 'Invalid API key' });
    expect((await api.http.get('/users/me', { token: user.token })).status).toBe(200);
  });

  it("another user's api key is a 404 and stays usable", async () => {
    const owner = await registerUser(api.http);
    const other = await registerUser(api.http);
    const created = await api.http.post('/api-keys', { name: 'mine' }, { token: owner.token });
    expect((await api.http.delete(`/api-keys/${created.body.id}`, { token: other.token })).status).toBe(404);
    expect((await api.http.get('/api-keys', { token: other.token })).body.total).toBe(0);
    expect((await api.http.get('/users/me', { apiKey: created.body.key })).status).toBe(200);
  });

  describe('bad input gets a clear 4xx and changes nothing', () => {
    it.each([
      ['role', 'admin'],
      ['tier', 'enterprise'],
      ['customLimits', { maxConcurrentJobs: 1000 }],
      ['id', '00000000-0000-4000-8000-000000000000'],
    ])('PATCH /users/me with %s → 400', async (field, value) => {
      const user = await registerUser(api.http);
      const response = await api.http.patch('/users/me', { name: 'New name', [field]: value }, { token: user.token });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.message).toContain(field);
      const me = await api.http.get('/users/me', { token: user.token });
      expect(me.body).toMatchObject({ id: user.id, role: 'user', tier: 'free', customLimits: null, name: 'user' });
    });

    it('PATCH /users/me changes name and preferred region, and refuses an unknown region', async () => {
      const user = await registerUser(api.http);
      const ok = await api.http.patch('/users/me', { name: 'Grace', preferredRegion: 'eu-west-1' }, { token: user.token });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ name: 'Grace', preferredRegion: 'eu-west-1' });
      const bad = await api.http.patch('/users/me', { preferredRegion: 'us-east-9' }, { token: user.token });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toContain('us-east-1, eu-west-1');
      expect((await api.http.get('/users/me', { token: user.token })).body.preferredRegion).toBe('eu-west-1');
    });

    it('duplicate email → 409 (case-insensitive)', async () => {
      const user = await registerUser(api.http);
      const again = await api.http.post('/auth/register', { email: user.email.toUpperCase(), password: 'another-password' });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ statusCode: 409, error: 'Conflict', code: 'EMAIL_TAKEN' });
    });

    it('short password → 400 naming the field', async () => {
      const response = await api.http.post('/auth/register', { email: 'short@example.com', password: 'short' });
      expect(response.status).toBe(400);
      expect(response.body.fields).toEqual([{ field: 'password', errors: [expect.stringContaining('10')] }]);
    });

    it('unknown field → 400', async () => {
      const response = await api.http.post('/auth/register', { email: 'x@example.com', password: 'long-enough-password', isAdmin: true });
      expect(response.status).toBe(400);
      expect(response.body.message).toContain('isAdmin');
      expect((await api.http.post('/auth/login', { email: 'x@example.com', password: 'long-enough-password' })).status).toBe(401);
    });

    it('a 2 MB body → 413', async () => {
      const response = await api.http.post('/auth/register', { email: 'big@example.com', password: 'x'.repeat(2 * 1024 * 1024) });
      expect(response.status).toBe(413);
      expect(response.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
    });

    it('a compressed body (gzip, deflate, br) is read; over 1 MB once inflated → 413; another encoding → 415; corrupt → 400', async () => {
      const json = (email: string) => Buffer.from(JSON.stringify({ email, password: 'long-enough-password' }));
      const send = (raw: Buffer, encoding: string) =>
        api.http.post('/auth/register', undefined, { raw, headers: { 'content-type': 'application/json', 'content-encoding': encoding } });
      expect((await send(gzipSync(json('gz@example.com')), 'gzip')).status).toBe(201);
      expect((await send(deflateSync(json('df@example.com')), 'deflate')).status).toBe(201);
      expect((await send(brotliCompressSync(json('br@example.com')), 'br')).status).toBe(201);
      expect((await api.http.post('/auth/login', { email: 'gz@example.com', password: 'long-enough-password' })).status).toBe(200);

      // 2 MB of JSON that gzip makes about 2 KB: refused by its inflated size, and nothing is created.
      const bomb = gzipSync(Buffer.from(`{"email":"bomb@example.com","password":"${' '.repeat(2 * 1024 * 1024)}"}`));
      expect(bomb.length).toBeLessThan(64 * 1024);
      const tooLarge = await send(bomb, 'gzip');
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
      expect((await send(json('other@example.com'), 'compress')).body).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
      expect((await send(Buffer.from('not gzip at all'), 'gzip')).body).toMatchObject({ statusCode: 400, code: 'INVALID_JSON' });
      expect((await api.http.post('/auth/login', { email: 'other@example.com', password: 'long-enough-password' })).status).toBe(401);
    });

    it('malformed JSON → 400', async () => {
      const response = await api.http.post('/auth/register', undefined, {
        raw: '{"email": "a@b.c", ',
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'INVALID_JSON' });
      expect(response.text).not.toMatch(/SyntaxError|at JSON|position/);
    });

    it('a body that is not JSON → 415', async () => {
      const response = await api.http.post('/auth/register', undefined, {
        raw: 'email=a@b.c',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(response.status).toBe(415);
    });

    it('an unknown route → 404 with the contract body', async () => {
      const response = await api.http.get('/nope');
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ statusCode: 404, error: 'Not Found', code: 'NOT_FOUND' });
    });
  });

  describe('login protection', () => {
    it('unknown email and wrong password get the same status and body', async () => {
      const user = await registerUser(api.http);
      const wrongPassword = await api.http.post('/auth/login', { email: user.email, password: 'wrong-password' });
      const unknownEmail = await api.http.post('/auth/login', { email: `nobody-${user.id}@example.com`, password: 'wrong-password' });
      expect(wrongPassword.status).toBe(401);
      expect(unknownEmail.status).toBe(401);
      expect(wrongPassword.body).toEqual(unknownEmail.body);
    });

    it('too many failures for an email → 429 with Retry-After; the window ends on its own', async () => {
      const user = await registerUser(api.http);
      for (let i = 0; i < 3; i++)
        expect((await api.http.post('/auth/login', { email: user.email, password: 'wrong-password' })).status).toBe(401);
      const blocked = await api.http.post('/auth/login', { email: user.email, password: user.password });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(blocked.headers.get('retry-after'))).toBeLessThanOrEqual(2);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      expect((await api.http.post('/auth/login', { email: user.email, password: user.password })).status).toBe(200);
    });
  });

  describe('roles', () => {
    it('an admin route answers 403 to a user and 200 to the bootstrapped admin; demotion applies on the next request', async () => {
      const user = await registerUser(api.http);
      const asUser = await api.http.get('/admin/users', { token: user.token });
      expect(asUser.status).toBe(403);
      expect(asUser.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });

      const adminToken = await loginAs(api.http, 'admin@flowline.test', 'admin-password-for-tests');
      const asAdmin = await api.http.get('/admin/users?limit=5', { token: adminToken });
      expect(asAdmin.status).toBe(200);
      expect(asAdmin.body).toMatchObject({ page: 1, limit: 5, total: expect.any(Number) });

      await sql(api.database.url, `UPDATE users SET role = 'user' WHERE email = 'admin@flowline.test'`);
      try {
        expect((await api.http.get('/admin/users', { token: adminToken })).status).toBe(403);
      } finally {
        await sql(api.database.url, `UPDATE users SET role = 'admin' WHERE email = 'admin@flowline.test'`);
      }
    });

    it('a disabled user loses access at once', async () => {
      const user = await registerUser(api.http);
      await sql(api.database.url, 'UPDATE users SET disabled = true WHERE id = $1', [user.id]);
      expect((await api.http.get('/users/me', { token: user.token })).status).toBe(401);
      expect((await api.http.post('/auth/login', { email: user.email, password: user.password })).status).toBe(401);
    });
  });
});
