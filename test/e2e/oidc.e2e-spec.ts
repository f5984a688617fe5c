import type { AuditRow } from '../support/audit-rows';
import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { sql } from '../support/database';
import { HttpResult } from '../support/http-client';
import { authorizeAtProvider, ProviderAccount, Tamper, TestOidcProvider } from '../support/oidc-provider';
import { freePort } from '../support/processes';
import { startStack, TestApi, TestStack } from '../support/test-api';

// The public address of the api's callback (a proxy in production; the browser opens /auth/oidc/login there too). The
// test plays browser and proxy: it delivers the provider's redirect, with the flow cookie, to the api's real port.
const REDIRECT_URI = 'http://app.flowline.test/auth/oidc/callback';
const ENFORCED_DOMAIN = 'sso-only.example.com';
const RUN = randomBytes(4).toString('hex');
const CLIENT = { id: 'flowline-e2e', secret: `client-secret-${randomBytes(16).toString('hex')}`, redirectUri: REDIRECT_URI };

// One account per case, so "no user was created" is a question about one email.
const ACCOUNTS: Record<string, ProviderAccount> = {
  ...Object.fromEntries(
    ['ada', 'state', 'replay', 'nonce', 'issuer', 'audience', 'signature', 'disabled'].map((id) => [
      id,
      { email: `${id}-${RUN}@sso.example.com`, emailVerified: true, name: id },
    ]),
  ),
  unverified: { email: `unverified-${RUN}@sso.example.com`, emailVerified: false },
  corp: { email: `Corp-${RUN}@${ENFORCED_DOMAIN.toUpperCase()}`, emailVerified: true },
};

interface Flow {
  response: Response;
  location: URL;
  /** `flowline_oidc=…`, as the browser sends it back. */
  cookie: string;
}

describe('single sign-on with a real OpenID provider (oidc-provider on loopback)', () => {
  let stack: TestStack;
  let api: TestApi;
  let provider: TestOidcProvider;
  let providerPort: number;
  let answerWhileDown: HttpResult;
  /** Every code and token seen, to look for in the api's output at the end. */
  const secrets: string[] = [CLIENT.secret];

  beforeAll(async () => {
    providerPort = await freePort();
    stack = await startStack({
      OIDC_ISSUER: `http://127.0.0.1:${providerPort}`,
      OIDC_CLIENT_ID: CLIENT.id,
      OIDC_CLIENT_SECRET: CLIENT.secret,
      OIDC_REDIRECT_URL: REDIRECT_URI,
      SSO_ENFORCED_DOMAINS: ENFORCED_DOMAIN,
      LOG_LEVEL: 'info',
    });
    api = stack.api;
    // The api booted with the provider down; ask before it is up.
    answerWhileDown = await api.http.get('/auth/oidc/login');
    provider = await TestOidcProvider.start({ port: providerPort, client: CLIENT, accounts: ACCOUNTS });
  });
  afterAll(async () => {
    await provider?.stop();
    await stack?.close();
  });

  const startLogin = async (): Promise<Flow> => {
    const response = await fetch(`${api.url}/auth/oidc/login`, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? 'about:blank');
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
    return { response, location, cookie };
  };
  const callback = async (url: URL, cookie: string, requestId = `sso-${randomBytes(8).toString('hex')}`) => {
    const code = url.searchParams.get('code');
    if (code) secrets.push(code);
    const response = await api.http.get(`${new URL(url).pathname}${url.search}`, { headers: { cookie, 'x-request-id': requestId } });
    if (typeof response.body?.accessToken === 'string') secrets.push(response.body.accessToken);
    return { response, requestId };
  };
  const signIn = async (account: string, tamper?: Tamper) => {
    const flow = await startLogin();
    const callbackUrl = await authorizeAtProvider(flow.location.href, account, REDIRECT_URI);
    if (tamper) await provider.tamperNextToken(tamper);
    return { flow, callbackUrl, ...(await callback(callbackUrl, flow.cookie)) };
  };
  const usersWith = async (email: string) =>
    Number((await sql<{ n: string }>(api.database.url, 'SELECT count(*) AS n FROM users WHERE email = $1', [email.toLowerCase()]))[0].n);
  const auditOf = (action: string, requestId: string) =>
    sql<AuditRow>(api.database.url, 'SELECT * FROM audit_logs WHERE action = $1 AND request_id = $2', [action, requestId]);

  /** A 4xx with the contract body, no user, and one auth.sso_login_failed row naming the reason (and no secret). */
  const expectRefused = async (account: string, result: { response: HttpResult; requestId: string }, reason: string) => {
    expect({ account, status: result.response.status }).toEqual({ account, status: 401 });
    expect(result.response.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', code: 'UNAUTHORIZED' });
    expect(await usersWith(ACCOUNTS[account].email)).toBe(0);
    const rows = await auditOf('auth.sso_login_failed', result.requestId);
    expect(rows).toEqual([
      expect.objectContaining({
        actor_id: null,
        outcome: 'failure',
        metadata: expect.objectContaining({ reason, issuer: provider.issuer }),
      }),
    ]);
    for (const secret of secrets) {
      expect(JSON.stringify(rows)).not.toContain(secret);
      expect(result.response.text).not.toContain(secret);
    }
    return rows[0];
  };

  it('boots while the provider is down, answers 503 SERVICE_UNAVAILABLE, and redirects once the provider is up', async () => {
    expect(answerWhileDown.status).toBe(503);
    expect(answerWhileDown.body).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(answerWhileDown.headers.get('retry-after')).toBe('5');
    // A failed discovery is not cached: the next sign-in discovers the provider.
    expect((await startLogin()).response.status).toBe(302);
  });

  it('the login redirect carries PKCE (S256), state and nonce, and a sealed HttpOnly SameSite cookie', async () => {
    const flow = await startLogin();
    expect(flow.response.status).toBe(302);
    expect(`${flow.location.origin}${flow.location.pathname}`).toBe(`${provider.issuer}/auth`);
    const params = Object.fromEntries(flow.location.searchParams);
    expect(params).toMatchObject({
      response_type: 'code',
      client_id: CLIENT.id,
      redirect_uri: REDIRECT_URI,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
    });
    for (const name of ['code_challenge', 'state', 'nonce'])
      expect({ name, value: params[name] }).toEqual({ name, value: expect.stringMatching(/^[\w-]{43}$/) });
    expect(flow.location.href).not.toContain(CLIENT.secret);

    const setCookie = flow.response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^flowline_oidc=v1\.[\w.-]+; Path=\/auth\/oidc; Max-Age=600; HttpOnly; SameSite=Lax$/);
    // Sealed: what the provider will echo back cannot be read from the cookie.
    expect(setCookie).not.toContain(params.state);
    expect(setCookie).not.toContain(params.nonce);

    const other = Object.fromEntries((await startLogin()).location.searchParams);
    expect([other.state, other.nonce, other.code_challenge]).not.toContain(params.state);
    expect(other.code_challenge).not.toBe(params.code_challenge);
  });

  it('the callback answers the same bearer token as a password login; it works on /users/me; a second sign-in finds the same user', async () => {
    const first = await signIn('ada');
    expect(first.response.status).toBe(200);
    expect(first.response.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 3600 });
    expect(first.response.headers.get('set-cookie')).toMatch(/^flowline_oidc=; Path=\/auth\/oidc; Max-Age=0; HttpOnly; SameSite=Lax$/);
    expect(first.response.headers.get('cache-control')).toContain('no-store');

    const me = await api.http.get('/users/me', { token: first.response.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: ACCOUNTS.ada.email, name: 'ada', role: 'user', tier: 'free', customLimits: null });
    expect(jwt.decode(first.response.body.accessToken)).toMatchObject({
      sub: me.body.id,
      role: 'user',
      iss: 'flowline',
      aud: 'flowline-api',
    });

    const second = await signIn('ada');
    expect(second.response.status).toBe(200);
    expect((await api.http.get('/users/me', { token: second.response.body.accessToken })).body.id).toBe(me.body.id);
    expect(await usersWith(ACCOUNTS.ada.email)).toBe(1);

    const audited = [...(await auditOf('auth.sso_login', first.requestId)), ...(await auditOf('auth.sso_login', second.requestId))];
    expect(audited).toEqual([
      expect.objectContaining({
        actor_id: me.body.id,
        target_id: me.body.id,
        outcome: 'success',
        metadata: expect.objectContaining({ created: true }),
      }),
      expect.objectContaining({
        actor_id: me.body.id,
        target_id: me.body.id,
        outcome: 'success',
        metadata: expect.objectContaining({ created: false }),
      }),
    ]);
    expect(audited[0].metadata).toMatchObject({ email: ACCOUNTS.ada.email, issuer: provider.issuer, subject: 'ada' });

    // The password is random and unknown: the account exists for single sign-on only.
    const [stored] = await sql<{ password_hash: string }>(api.database.url, 'SELECT password_hash FROM users WHERE id = $1', [me.body.id]);
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);
    expect((await api.http.post('/auth/login', { email: ACCOUNTS.ada.email, password: 'any-password-at-all' })).status).toBe(401);
  });

  it('a forged state is refused', async () => {
    const flow = await startLogin();
    const callbackUrl = await authorizeAtProvider(flow.location.href, 'state', REDIRECT_URI);
    callbackUrl.searchParams.set('state', randomBytes(32).toString('base64url'));
    await expectRefused('state', await callback(callbackUrl, flow.cookie), 'state_mismatch');
    // Without the cookie that started it, even the right state is refused.
    callbackUrl.searchParams.set('state', flow.location.searchParams.get('state')!);
    await expectRefused('state', await callback(callbackUrl, ''), 'missing_flow');
  });

  it('a replayed code is refused: again with its flow, and in a fresh flow (the provider refuses it)', async () => {
    const first = await signIn('replay');
    expect(first.response.status).toBe(200);
    expect(await usersWith(ACCOUNTS.replay.email)).toBe(1);
    const countBefore = await usersWith(ACCOUNTS.replay.email);

    const again = await callback(first.callbackUrl, first.flow.cookie);
    expect(again.response.status).toBe(401);
    expect((await auditOf('auth.sso_login_failed', again.requestId))[0].metadata).toMatchObject({ reason: 'flow_replayed' });

    const fresh = await startLogin();
    const reused = new URL(first.callbackUrl);
    reused.searchParams.set('state', fresh.location.searchParams.get('state')!);
    const refused = await callback(reused, fresh.cookie);
    expect(refused.response.status).toBe(401);
    expect((await auditOf('auth.sso_login_failed', refused.requestId))[0].metadata).toMatchObject({
      reason: 'token_rejected',
      providerError: 'invalid_grant',
    });
    expect(await usersWith(ACCOUNTS.replay.email)).toBe(countBefore);
  });

  it.each([
    ['a wrong nonce', 'nonce', { claims: { nonce: 'not-the-nonce-this-browser-sent' } }, 'id_token_nonce_mismatch'],
    ['an ID token from another issuer', 'issuer', { claims: { iss: 'http://127.0.0.1:9/another-issuer' } }, 'id_token_iss_mismatch'],
    ['an ID token for another audience', 'audience', { claims: { aud: 'another-client' } }, 'id_token_aud_mismatch'],
    ['an ID token signed with a key not in the JWKS', 'signature', { foreignKey: true }, 'id_token_signature_invalid'],
  ] as [string, string, Tamper, string][])('%s is refused by the ID token checks', async (_case, account, tamper, reason) => {
    await expectRefused(account, await signIn(account, tamper), reason);
  });

  it('an unverified email is refused', async () => {
    const row = await expectRefused('unverified', await signIn('unverified'), 'email_unverified');
    expect(row.metadata.email).toBe(ACCOUNTS.unverified.email);
  });

  it("the provider's refusal (?error=access_denied) is refused, with the provider's error code in the audit row", async () => {
    const flow = await startLogin();
    const callbackUrl = new URL(REDIRECT_URI);
    callbackUrl.searchParams.set('error', 'access_denied');
    callbackUrl.searchParams.set('state', flow.location.searchParams.get('state')!);
    callbackUrl.searchParams.set('iss', provider.issuer);
    const result = await callback(callbackUrl, flow.cookie);
    expect(result.response.body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
    expect((await auditOf('auth.sso_login_failed', result.requestId))[0].metadata).toMatchObject({
      reason: 'provider_error',
      providerError: 'access_denied',
    });
  });

  it('a disabled user is refused, audited as denied', async () => {
    expect((await signIn('disabled')).response.status).toBe(200);
    await sql(api.database.url, 'UPDATE users SET disabled = true WHERE email = $1', [ACCOUNTS.disabled.email]);
    const refused = await signIn('disabled');
    expect(refused.response.status).toBe(401);
    const [row] = await auditOf('auth.sso_login_failed', refused.requestId);
    expect(row).toMatchObject({ actor_id: null, target_id: expect.any(String), outcome: 'denied', metadata: { reason: 'disabled' } });
  });

  it('an enforced domain gets 403 SSO_REQUIRED on password login and registration, and signs in with SSO', async () => {
    const email = `someone-${RUN}@${ENFORCED_DOMAIN}`;
    const register = await api.http.post('/auth/register', { email, password: 'long-enough-password' });
    expect(register.status).toBe(403);
    expect(register.body).toMatchObject({ statusCode: 403, error: 'Forbidden', code: 'SSO_REQUIRED' });
    expect(await usersWith(email)).toBe(0);
    const login = await api.http.post('/auth/login', { email: email.toUpperCase(), password: 'long-enough-password' });
    expect(login.status).toBe(403);
    expect(login.body).toMatchObject({ statusCode: 403, code: 'SSO_REQUIRED' });

    const corp = await signIn('corp');
    expect(corp.response.status).toBe(200);
    expect((await api.http.get('/users/me', { token: corp.response.body.accessToken })).body.email).toBe(ACCOUNTS.corp.email.toLowerCase());
    const password = await api.http.post('/auth/login', { email: ACCOUNTS.corp.email, password: 'long-enough-password' });
    expect(password.body).toMatchObject({ statusCode: 403, code: 'SSO_REQUIRED' });

    // Other domains are not affected.
    expect((await api.http.post('/auth/register', { email: `other-${RUN}@example.org`, password: 'long-enough-password' })).status).toBe(
      201,
    );
  });

  it('the API document shows both routes as public, with their answers', async () => {
    const document = (await api.http.get('/docs-json')).body as {
      paths: Record<string, { get?: { summary?: string; security?: unknown[]; responses: Record<string, unknown> } }>;
    };
    const login = document.paths['/auth/oidc/login']?.get;
    const callbackOperation = document.paths['/auth/oidc/callback']?.get;
    expect(login).toMatchObject({
      summary: expect.any(String),
      responses: { 302: expect.anything(), 404: expect.anything(), 503: expect.anything() },
    });
    expect(callbackOperation).toMatchObject({
      summary: expect.any(String),
      responses: { 200: expect.anything(), 401: expect.anything(), 404: expect.anything(), 503: expect.anything() },
    });
    for (const operation of [login, callbackOperation]) expect(operation?.security ?? []).toEqual([]);
  });

  it('a callback while the provider is down answers 503 SERVICE_UNAVAILABLE, audited, and its code is not logged', async () => {
    const flow = await startLogin();
    await provider.stop();
    const callbackUrl = new URL(REDIRECT_URI);
    callbackUrl.searchParams.set('code', `code-${randomBytes(16).toString('hex')}`);
    callbackUrl.searchParams.set('state', flow.location.searchParams.get('state')!);
    callbackUrl.searchParams.set('iss', provider.issuer);
    const result = await callback(callbackUrl, flow.cookie);
    expect(result.response.status).toBe(503);
    expect(result.response.body).toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE' });
    expect((await auditOf('auth.sso_login_failed', result.requestId))[0].metadata).toMatchObject({ reason: 'provider_unreachable' });
  });

  it('no code, token or client secret appears in the api output', () => {
    expect(secrets.length).toBeGreaterThan(10);
    const output = api.process.logs;
    expect(output).toContain('/auth/oidc/callback');
    for (const secret of secrets) expect(output).not.toContain(secret);
  });
});
