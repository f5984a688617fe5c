import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { createFlowlineClient, FlowlineApiError, type Execution } from '@flowline/client';
import { eventually } from '../support/polling';
import { startStack, TestStack } from '../support/test-api';

const FINAL = ['succeeded', 'failed', 'cancelled'];

/** Everything through @flowline/client, as an outside consumer would use it, against the built api and a worker. */
describe('@flowline/client against the built api (real api, worker, PostgreSQL, Redis)', () => {
  let stack: TestStack;
  const email = `client-${randomBytes(5).toString('hex')}@example.com`;
  const password = `pw-${randomBytes(8).toString('hex')}`;

  beforeAll(async () => {
    stack = await startStack({}, { workers: [{ WORKER_REGION: 'us-east-1' }] });
  });
  afterAll(() => stack?.close());

  it('register → create a workflow → POST /run → read the execution → analytics summary', async () => {
    const flowline = createFlowlineClient({ baseUrl: stack.api.url });
    const registered = await flowline.register({ email, password, name: 'Client' });
    expect(registered.user.email).toBe(email);

    const workflow = await flowline.POST('/workflows', {
      body: {
        name: 'client e2e',
        steps: [
          { id: 'double', type: 'transform', params: { expression: 'input.n * 2' } },
          { id: 'wrap', type: 'transform', params: { expression: '{"result": steps.double.output}' } },
        ],
      },
    });
    expect(workflow).toMatchObject({ name: 'client e2e', active: true });

    const run = await flowline.POST('/run', { body: { workflowId: workflow.id, input: { n: 21 }, waitMs: 20000 } });
    // 200 answers the execution (`id`), 202 only its id: the union says so, and either way we read it back.
    const executionId = 'executionId' in run ? run.executionId : run.id;
    const execution: Execution = await eventually(
      () => flowline.GET('/executions/{id}', { params: { path: { id: executionId } } }),
      (body) => FINAL.includes(body.status),
      20000,
    );
    expect(execution).toMatchObject({ id: executionId, workflowId: workflow.id, status: 'succeeded', output: { result: 42 } });
    expect(execution.steps?.map((step) => [step.id, step.status])).toEqual([
      ['double', 'succeeded'],
      ['wrap', 'succeeded'],
    ]);

    const summary = await flowline.GET('/analytics/summary', { params: { query: { days: 1 } } });
    expect(summary).toMatchObject({ days: 1, totals: { total: 1, succeeded: 1, failed: 0 }, successRate: 1 });
  });

  it('a second register with the same email throws FlowlineApiError 409 with the body code', async () => {
    const flowline = createFlowlineClient({ baseUrl: stack.api.url });
    const error = await flowline.register({ email, password }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FlowlineApiError);
    expect(error).toMatchObject({ status: 409, code: expect.stringMatching(/^[A-Z_]+$/), message: expect.any(String) });
    expect((error as FlowlineApiError).code).not.toBe('HTTP_409');
  });

  it('login() keeps the token, an API key authenticates too, and listAll walks every page', async () => {
    const flowline = createFlowlineClient({ baseUrl: stack.api.url });
    await expect(flowline.GET('/users/me')).rejects.toMatchObject({ status: 401 });
    const login = await flowline.login({ email, password });
    expect(login.tokenType).toBe('Bearer');
    expect((await flowline.GET('/users/me')).email).toBe(email);

    for (const name of ['p1', 'p2']) {
      await flowline.POST('/workflows', { body: { name, steps: [{ id: 'a', type: 'transform', params: { expression: '1' } }] } });
    }
    const pages = [];
    for await (const page of flowline.pages('/workflows', { limit: 2 })) pages.push(page);
    expect(pages.map((page) => [page.page, page.items.length])).toEqual([
      [1, 2],
      [2, 1],
    ]);
    expect((await flowline.listAll('/workflows', { limit: 1 })).map((item) => item.name).sort()).toEqual(['client e2e', 'p1', 'p2']);

    const key = await flowline.POST('/api-keys', { body: { name: 'ci' } });
    const byKey = createFlowlineClient({ baseUrl: stack.api.url, apiKey: key.key });
    expect((await byKey.GET('/users/me')).email).toBe(email);
  });

  it('scripts/openapi-document.mjs builds offline exactly the document the api serves at /docs-json, but for its server', async () => {
    const { servers, ...served } = await fetch(`${stack.api.url}/docs-json`).then((response) => response.json());
    const { stdout } = await promisify(execFile)(process.execPath, [resolve(__dirname, '../../scripts/openapi-document.mjs')], {
      maxBuffer: 64 * 1024 * 1024,
    });
    const { servers: offlineServers, ...offline } = JSON.parse(stdout);
    expect(offline).toEqual(served);
    // Each names its own PUBLIC_URL: the deployment's, and the example the committed client is generated with.
    expect(servers).toEqual([{ url: stack.api.url, description: 'This deployment, test (PUBLIC_URL)', 'x-internal': false }]);
    expect(offlineServers).toEqual([
      { url: 'https://flowline.example.com', description: 'This deployment, test (PUBLIC_URL)', 'x-internal': false },
    ]);
  });
});
