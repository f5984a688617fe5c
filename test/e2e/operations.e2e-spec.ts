import SwaggerParser from '@apidevtools/swagger-parser';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { OpenAPIV3 } from 'openapi-types';
import { HttpClient } from '../support/http-client';
import { metricValue } from '../support/metrics-text';
import { eventually } from '../support/polling';
import { PUBLIC_ROUTES } from '../support/public-routes';
import { startStack, TestStack } from '../support/test-api';
import { loginAs, registerUser } from '../support/users';
import { TEST_ADMIN } from '../support/admin';

describe('operations: OpenAPI document, metrics, queue dashboard, graceful shutdown, containers', () => {
  let stack: TestStack;
  let http: HttpClient;
  let workerMetricsUrl: string;

  beforeAll(async () => {
    stack = await startStack({}, { workers: [{ WORKER_REGION: 'us-east-1' }] });
    http = stack.api.http;
    workerMetricsUrl = `http://127.0.0.1:${stack.workerPorts[0]}/metrics`;
  });
  afterAll(() => stack?.close());

  it('/docs-json is a valid OpenAPI 3 document; every operation declares its security (or is public) and its error responses', async () => {
    const document = (await http.get('/docs-json')).body as OpenAPIV3.Document;
    expect(document.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
    const tags = new Set<string>();
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item as Record<string, OpenAPIV3.OperationObject>)) {
        const route = `${method.toUpperCase()} ${path}`;
        const responses = Object.keys(operation.responses ?? {});
        expect({ route, summary: Boolean(operation.summary) }).toEqual({ route, summary: true });
        expect({ route, hasError: responses.some((status) => /^[45]\d\d$/.test(status)) }).toEqual({ route, hasError: true });
        if (!PUBLIC_ROUTES.has(route)) {
          expect({ route, security: operation.security }).toEqual({
            route,
            security: expect.arrayContaining([{ bearer: [] }, { 'api-key': [] }]),
          });
          expect({ route, declares401: responses.includes('401') }).toEqual({ route, declares401: true });
        }
        expect({ route, declares500: responses.includes('500') }).toEqual({ route, declares500: true });
        const limited = (operation.responses?.['429'] as OpenAPIV3.ResponseObject | undefined)?.headers ?? {};
        if (responses.includes('429'))
          expect({ route, headers: Object.keys(limited) }).toEqual({
            route,
            headers: expect.arrayContaining(['Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset']),
          });
        for (const status of responses.filter((code) => /^[24]/.test(code))) {
          const headers = Object.keys((operation.responses[status] as OpenAPIV3.ResponseObject).headers ?? {});
          expect({ route, status, headers }).toEqual({
            route,
            status,
            headers: expect.arrayContaining(['X-RateLimit-Limit', 'X-Request-Id']),
          });
        }
        for (const tag of operation.tags ?? []) tags.add(tag);
      }
    }
    expect([...tags].sort()).toEqual(
      expect.arrayContaining(['admin', 'api-keys', 'auth', 'executions', 'health', 'regions', 'runs', 'users', 'workflows']),
    );
    expect(Object.keys(document.components?.securitySchemes ?? {})).toEqual(expect.arrayContaining(['bearer', 'api-key']));
  });

  it('/metrics counts accepted and finished runs by region and rejected runs by limit code', async () => {
    const user = await registerUser(http, 'metrics');
    const workflow = (
      await http.post('/workflows', { name: 'm', steps: [{ id: 'wait', type: 'delay', params: { ms: 800 } }] }, { token: user.token })
    ).body;
    const accepted = [
      await http.post('/run/async', { workflowId: workflow.id }, { token: user.token }),
      await http.post('/run/async', { workflowId: workflow.id }, { token: user.token }),
    ];
    expect(accepted.map((response) => response.status)).toEqual([202, 202]);
    const rejected = await http.post('/run/async', { workflowId: workflow.id }, { token: user.token });
    expect(rejected.body.code).toBe('CONCURRENCY_LIMIT');

    const apiMetrics = await http.get('/metrics');
    expect(apiMetrics.status).toBe(200);
    expect(apiMetrics.headers.get('content-type')).toContain('text/plain');
    expect(
      metricValue(apiMetrics.text, 'flowline_executions_accepted_total', { region: 'us-east-1', tier: 'free', trigger: 'manual' }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      metricValue(apiMetrics.text, 'flowline_limit_rejections_total', { code: 'CONCURRENCY_LIMIT', region: 'us-east-1', tier: 'free' }),
    ).toBeGreaterThanOrEqual(1);
    expect(metricValue(apiMetrics.text, 'flowline_region_workers', { region: 'us-east-1' })).toBe(1);
    expect(apiMetrics.text).toMatch(/^flowline_queue_jobs\{region="eu-west-1",state="waiting"/m);
    const runAsyncLine = apiMetrics.text
      .split('\n')
      .find((line) => line.startsWith('http_request_duration_seconds_count{') && line.includes('status="202"'));
    expect(runAsyncLine).toContain('route="/run/async"');

    const finished = await eventually(
      () => fetch(workerMetricsUrl).then((response) => response.text()),
      (text) => (metricValue(text, 'flowline_executions_total', { status: 'succeeded', region: 'us-east-1', tier: 'free' }) ?? 0) >= 2,
    );
    expect(
      metricValue(finished, 'flowline_execution_duration_seconds_count', { status: 'succeeded', region: 'us-east-1' }),
    ).toBeGreaterThanOrEqual(2);
  });

  it('METRICS_TOKEN, when set, must be presented as a bearer token (api and worker)', async () => {
    const guarded = await stack.startApi({ METRICS_TOKEN: 'metrics-token-for-tests' });
    expect((await guarded.http.get('/metrics')).status).toBe(401);
    expect((await guarded.http.get('/metrics', { token: 'wrong' })).status).toBe(401);
    expect((await guarded.http.get('/metrics', { token: 'metrics-token-for-tests' })).status).toBe(200);
    const worker = await stack.startWorker({ WORKER_REGION: 'eu-west-1', METRICS_TOKEN: 'metrics-token-for-tests' });
    const port = stack.workerPorts[stack.workers.indexOf(worker)];
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: 'Bearer metrics-token-for-tests' } })).status).toBe(
      200,
    );
    expect((await fetch(`http://127.0.0.1:${port}/anything-else`)).status).toBe(404);
    await worker.stop();
    await guarded.close();
  });

  it('/admin/queues is 401 for anonymous, 403 for a user, and works for an admin (bearer or dashboard cookie)', async () => {
    const user = await registerUser(http, 'board-user');
    const adminToken = await loginAs(http, TEST_ADMIN.email, TEST_ADMIN.password);
    expect((await http.get('/admin/queues')).status).toBe(401);
    expect((await http.get('/admin/queues/api/queues')).status).toBe(401);
    const asUser = await http.get('/admin/queues', { token: user.token });
    expect(asUser.status).toBe(403);
    expect(asUser.body.code).toBe('FORBIDDEN');
    expect((await http.post('/admin/queues-session', undefined, { token: user.token })).status).toBe(403);

    const page = await http.get('/admin/queues', { token: adminToken });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<div id="root">');
    const api = await http.get('/admin/queues/api/queues', { token: adminToken });
    expect(api.body.queues.map((queue: { name: string }) => queue.name).sort()).toEqual(['eu-west-1-default', 'us-east-1-default']);

    const session = await http.post('/admin/queues-session', undefined, { token: adminToken });
    expect(session.status).toBe(204);
    const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0];
    expect(session.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    expect((await http.get('/admin/queues/api/queues', { headers: { cookie } })).status).toBe(200);
    // The dashboard cookie is not an API token.
    expect((await http.get('/users/me', { token: cookie.split('=')[1] })).status).toBe(401);
  });

  it('SIGTERM: the api finishes an in-flight request, then exits', async () => {
    const api = await stack.startApi();
    const user = await registerUser(api.http, 'shutdown');
    const workflow = (
      await api.http.post('/workflows', { name: 's', steps: [{ id: 'wait', type: 'delay', params: { ms: 1500 } }] }, { token: user.token })
    ).body;
    const inFlight = api.http.post('/run', { workflowId: workflow.id, waitMs: 10000 }, { token: user.token });
    await new Promise((resolve) => setTimeout(resolve, 300));
    api.process.child.kill('SIGTERM');
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('succeeded');
    await api.process.exited;
    // Nest re-raises the signal once shutdown is complete.
    expect(String(api.process.child.signalCode ?? api.process.child.exitCode)).toMatch(/SIGTERM|0/);
  });

  it('docker/compose.yml is a valid compose file with one worker per region and Redis set up for queues', () => {
    const output = execFileSync('docker-compose', ['-f', join(__dirname, '..', '..', 'docker', 'compose.yml'), 'config'], {
      env: {
        PATH: process.env.PATH,
        JWT_SECRET: 'x'.repeat(40),
        ENCRYPTION_KEYS: 'v1:placeholder',
        ADMIN_EMAIL: 'admin@example.com',
        ADMIN_PASSWORD: 'placeholder-password',
      },
      encoding: 'utf8',
    });
    for (const service of ['postgres:', 'redis:', 'api:', 'worker-us-east-1:', 'worker-eu-west-1:'])
      expect(output).toContain(`  ${service}`);
    expect(output).toMatch(/--appendonly\n\s+- "?yes"?\n/);
    expect(output).toMatch(/--maxmemory-policy\n\s+- noeviction\n/);
    expect(output).toMatch(/WORKER_REGION: eu-west-1/);
  });
});
