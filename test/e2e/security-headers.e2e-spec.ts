import { adminPatchUser } from '../support/admin';
import { HttpClient, HttpResult } from '../support/http-client';
import { startStack, TestStack } from '../support/test-api';
import { registerUser, TestUser } from '../support/users';

const STRICT_CSP = "default-src 'self'";
const ALLOWED_ORIGIN = 'https://app.flowline.example';

/** DESIGN.md's header set, value for value. */
function expectSecurityHeaders(response: HttpResult | Response, label: string, csp = STRICT_CSP): void {
  const headers = response.headers;
  expect({
    label,
    hsts: headers.get('strict-transport-security'),
    frame: headers.get('x-frame-options'),
    nosniff: headers.get('x-content-type-options'),
    csp: headers.get('content-security-policy'),
    xss: headers.get('x-xss-protection'),
    poweredBy: headers.get('x-powered-by'),
  }).toEqual({
    label,
    hsts: 'max-age=31536000; includeSubDomains',
    frame: 'DENY',
    nosniff: 'nosniff',
    csp,
    xss: '1; mode=block',
    poweredBy: null,
  });
}

describe('security headers on every response (real api)', () => {
  let stack: TestStack;
  let http: HttpClient;
  let user: TestUser;

  beforeAll(async () => {
    stack = await startStack({ CORS_ORIGINS: `${ALLOWED_ORIGIN},https://admin.flowline.example` });
    http = stack.api.http;
    user = await registerUser(http, 'headers');
  });
  afterAll(() => stack?.close());

  it('success answers: 200, 201, 204, and authenticated JSON is never cached', async () => {
    const ok = await http.get('/users/me', { token: user.token });
    const created = await http.post('/api-keys', { name: 'headers' }, { token: user.token });
    const deleted = await http.delete(`/api-keys/${created.body.id}`, { token: user.token });
    expect([ok.status, created.status, deleted.status]).toEqual([200, 201, 204]);
    for (const [label, response] of [
      ['200', ok],
      ['201', created],
      ['204', deleted],
    ] as const) {
      expectSecurityHeaders(response, label);
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('error answers: 400, 401, 403, 404 (resource and unknown route), 413, 415', async () => {
    const cases: [number, Promise<HttpResult>][] = [
      [400, http.post('/api-keys', { name: '' }, { token: user.token })],
      [401, http.get('/users/me')],
      [403, http.get('/admin/users', { token: user.token })],
      [404, http.get('/workflows/00000000-0000-4000-8000-000000000000', { token: user.token })],
      [404, http.get('/no/such/route')],
      [404, http.request('PROPFIND', '/users/me', undefined, { token: user.token })],
      [413, http.post('/auth/register', { email: 'big@example.com', password: 'x'.repeat(2 * 1024 * 1024) })],
      [415, http.post('/auth/register', undefined, { raw: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } })],
    ];
    for (const [status, pending] of cases) {
      const response = await pending;
      expect(response.status).toBe(status);
      expectSecurityHeaders(response, String(status));
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('429 from the per-user rate limit carries the same headers', async () => {
    const limited = await registerUser(http, 'limited');
    await adminPatchUser(http, limited.id, { customLimits: { apiRequestsPerMinute: 1 } });
    expect((await http.get('/users/me', { token: limited.token })).status).toBe(200);
    const response = await http.get('/users/me', { token: limited.token });
    expect(response.status).toBe(429);
    expectSecurityHeaders(response, '429');
  });

  it('/docs pages get only the CSP additions Swagger UI needs; /docs-json and the rest keep the strict policy', async () => {
    const page = await http.get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const docsCsp = page.headers.get('content-security-policy') ?? '';
    expectSecurityHeaders(page, '/docs', docsCsp);
    const directives = Object.fromEntries(
      docsCsp
        .split(';')
        .map((part) => part.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    );
    // Inline styles and data: images, which Swagger UI needs (swagger-ui.e2e-spec renders it in Chromium
    // with no CSP violation); scripts stay 'self' only.
    expect(directives).toEqual({
      'default-src': ["'self'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:'],
      'frame-ancestors': ["'none'"],
    });

    for (const asset of ['/docs/swagger-ui.css', '/docs/swagger-ui-bundle.js', '/docs/swagger-ui-init.js']) {
      const response = await http.get(asset);
      expect(response.status).toBe(200);
      expectSecurityHeaders(response, asset, docsCsp);
    }
    const json = await http.get('/docs-json');
    expect(json.status).toBe(200);
    expect(json.body.openapi).toMatch(/^3\./);
    expectSecurityHeaders(json, '/docs-json');
    // A path that merely starts with "docs" is not the docs.
    expectSecurityHeaders(await http.get('/docsx'), '/docsx');
  });

  describe('CORS from the allow-list only', () => {
    it('echoes an allowed origin with credentials, never *', async () => {
      const response = await http.get('/health', { headers: { origin: ALLOWED_ORIGIN } });
      expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(response.headers.get('access-control-allow-credentials')).toBe('true');
      expect(response.headers.get('vary')).toMatch(/origin/i);
      expectSecurityHeaders(response, 'cors');
    });

    it('gives another origin nothing, on simple requests and preflights alike', async () => {
      const simple = await http.get('/health', { headers: { origin: 'https://evil.example' } });
      expect(simple.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await http.request('OPTIONS', '/workflows', undefined, {
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      expectSecurityHeaders(preflight, 'preflight (refused)');
    });

    it('answers a preflight from an allowed origin', async () => {
      const preflight = await http.request('OPTIONS', '/workflows', undefined, {
        headers: {
          origin: ALLOWED_ORIGIN,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
      expectSecurityHeaders(preflight, 'preflight');
    });
  });

  it("the worker's /health, /metrics and unknown paths carry the same headers (and no-store)", async () => {
    await stack.startWorker({ WORKER_REGION: 'us-east-1' });
    const port = stack.workerPorts[stack.workerPorts.length - 1];
    for (const path of ['/health', '/metrics', '/nothing-here']) {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      expectSecurityHeaders(response, `worker ${path}`);
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });
});
