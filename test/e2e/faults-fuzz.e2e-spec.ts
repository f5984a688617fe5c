import fc from 'fast-check';
import { adminPatchUser } from '../support/admin';
import { sql } from '../support/database';
import { FuzzOperation, FuzzPools, FuzzRequest, FuzzResponse, operationsOf, requestFor, send } from '../support/fuzz-requests';
import { HttpClient } from '../support/http-client';
import { OwnServicesStack, startOwnServicesStack } from '../support/own-services';
import { registerUser, TestUser } from '../support/users';
import { createWorkflow } from '../support/workflows';

/** Requests per operation; the whole fuzz stays around a minute or two on the shared 2-core machine. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const QUICK = [{ id: 'quick', type: 'transform', params: { expression: '1 + 1' } }];

// Methods and paths the document does not list: they must get the same headers and a clean 404/405.
const UNLISTED: FuzzOperation[] = [
  { method: 'PUT', path: '/workflows/{id}', pathParams: ['id'], query: [], headers: [], body: { type: 'object' } },
  { method: 'DELETE', path: '/users/me', pathParams: [], query: [], headers: [], body: null },
  { method: 'POST', path: '/admin/users/{id}/../../users/me', pathParams: ['id'], query: [], headers: [], body: { type: 'object' } },
  { method: 'GET', path: '/executions/{id}/steps/{stepId}', pathParams: ['id', 'stepId'], query: [], headers: [], body: null },
];

function securityHeaderProblems(response: FuzzResponse): string[] {
  const header = (name: string) => response.headers[name];
  const problems: string[] = [];
  if (header('strict-transport-security') !== 'max-age=31536000; includeSubDomains')
    problems.push(`Strict-Transport-Security: ${header('strict-transport-security')}`);
  if (header('x-frame-options') !== 'DENY') problems.push(`X-Frame-Options: ${header('x-frame-options')}`);
  if (header('x-content-type-options') !== 'nosniff') problems.push(`X-Content-Type-Options: ${header('x-content-type-options')}`);
  if (!String(header('content-security-policy') ?? '').includes("default-src 'self'"))
    problems.push(`Content-Security-Policy: ${header('content-security-policy')}`);
  if (header('x-xss-protection') !== '1; mode=block') problems.push(`X-XSS-Protection: ${header('x-xss-protection')}`);
  if (header('x-powered-by') !== undefined) problems.push('X-Powered-By present');
  return problems;
}

describe('faults: hostile input on every operation of /docs-json (fast-check)', () => {
  let stack: OwnServicesStack;
  let http: HttpClient;
  let fuzzer: TestUser;
  let victim: TestUser;
  let victimIds: Record<string, string>;

  const create = (owner: TestUser, body: Record<string, unknown>) => createWorkflow(http, owner, { steps: QUICK, ...body });
  const resources = async (owner: TestUser) => {
    const workflow = await create(owner, {});
    const hook = await create(owner, { trigger: { type: 'webhook' } });
    // No worker in this stack: runs stay queued, and no generated http step ever leaves the machine.
    const run = await http.post('/run/async', { workflowId: workflow.id }, { token: owner.token });
    const key = await http.post('/api-keys', { name: 'fuzz' }, { token: owner.token });
    return {
      workflowId: workflow.id as string,
      hookId: hook.id as string,
      hookToken: hook.webhook.token as string,
      executionId: run.body.executionId as string,
      keyId: key.body.id as string,
      key: key.body.key as string,
    };
  };

  /** Everything the victim can see through the api, and their rows as an operator sees them. */
  const victimView = async () => {
    const asVictim = { token: victim.token };
    const paths = [
      '/users/me',
      '/workflows',
      `/workflows/${victimIds.workflowId}`,
      `/workflows/${victimIds.hookId}`,
      '/executions',
      `/executions/${victimIds.executionId}`,
      '/api-keys',
      '/billing/subscription',
    ];
    const api = await Promise.all(paths.map(async (path) => [path, (await http.get(path, asVictim)).body]));
    // How long the victim's queued run has waited grows by itself; that it is still queued is what must not change.
    const usage = (api.find(([path]) => path === '/billing/subscription')?.[1] as { usage?: { oldestWaitMs?: number } }).usage;
    if (usage?.oldestWaitMs !== undefined) usage.oldestWaitMs = usage.oldestWaitMs > 0 ? 1 : 0;
    const rows = async (table: string, column: string) =>
      sql(stack.database.url, `SELECT * FROM ${table} WHERE ${column} = $1 ORDER BY id`, [victim.id]);
    return {
      api: Object.fromEntries(api),
      users: await rows('users', 'id'),
      workflows: await rows('workflows', 'owner_id'),
      executions: await rows('executions', 'owner_id'),
      apiKeys: await rows('api_keys', 'owner_id'),
    };
  };

  beforeAll(async () => {
    stack = await startOwnServicesStack({ ANON_REQUESTS_PER_MINUTE: '1000000' });
    http = stack.api.http;
    fuzzer = await registerUser(http, 'fuzzer');
    victim = await registerUser(http, 'victim');
    await adminPatchUser(http, fuzzer.id, { customLimits: { apiRequestsPerMinute: null, maxWorkflows: null, dailyExecutions: null } });
    victimIds = await resources(victim);
  });
  afterAll(() => stack?.close());

  it(`no 5xx, no crash, the same security headers everywhere, and nothing another user can see changes (seed ${SEED}, ${RUNS} requests per operation)`, async () => {
    const mine = await resources(fuzzer);
    const document = (await http.get('/docs-json')).body;
    const operations = [...operationsOf(document), ...UNLISTED];
    expect(operations.length).toBeGreaterThan(20);
    const pools: FuzzPools = {
      // The victim's ids are in the pool: the fuzzer must get 404 for them, never their data or a change.
      ids: [
        mine.workflowId,
        mine.hookId,
        mine.executionId,
        mine.keyId,
        fuzzer.id,
        victimIds.workflowId,
        victimIds.hookId,
        victimIds.executionId,
        victimIds.keyId,
        victim.id,
      ],
      // Only the fuzzer's own webhook token: the victim's would legitimately start the victim's workflow.
      webhookTokens: [mine.hookToken],
      authorizations: [{ authorization: `Bearer ${fuzzer.token}` }, { 'x-api-key': mine.key }],
    };
    // The victim's key works (using it stamps last_used_at, so before the snapshot).
    expect((await http.get('/users/me', { apiKey: victimIds.key })).status).toBe(200);
    const before = await victimView();

    const failures: { request: string; problem: string }[] = [];
    const seen = new Map<string, number>();
    const check = async (request: FuzzRequest) => {
      // POST /run waits for the result: keep generated waits short (no worker will ever answer).
      if (
        request.method === 'POST' &&
        request.path.split('?')[0] === '/run' &&
        request.body &&
        request.headers['content-type'] === 'application/json'
      ) {
        try {
          const body = JSON.parse(request.body.toString());
          if (
            body &&
            typeof body === 'object' &&
            !Array.isArray(body) &&
            (body.waitMs === undefined || Number.isFinite(Number(body.waitMs)))
          )
            request.body = Buffer.from(JSON.stringify({ ...body, waitMs: 200 }));
        } catch {
          // not JSON: sent as generated
        }
      }
      let response: FuzzResponse;
      try {
        response = await send(http.baseUrl, request);
      } catch (error) {
        // The server may close the connection while a body over the 1 MB limit is still being written.
        if ((request.body?.length ?? 0) > 1_000_000) return;
        failures.push({ request: request.label, problem: `no answer: ${(error as Error).message}` });
        return;
      }
      seen.set(String(response.status), (seen.get(String(response.status)) ?? 0) + 1);
      if (response.status >= 500) failures.push({ request: request.label, problem: `${response.status} ${response.text.slice(0, 300)}` });
      const missing = securityHeaderProblems(response);
      if (missing.length > 0)
        failures.push({ request: request.label, problem: `${response.status} without the security headers: ${missing.join(', ')}` });
    };

    for (const [index, operation] of operations.entries()) {
      await fc.assert(
        fc.asyncProperty(requestFor(operation, pools), async (request) => {
          await check(request);
          return true;
        }),
        { numRuns: RUNS, seed: SEED + index, endOnFailure: true },
      );
      if (!stack.api.process.running)
        throw new Error(`the api exited while fuzzing ${operation.method} ${operation.path}:\n${stack.api.process.logs.slice(-3000)}`);
    }

    // Distinct problems, each with one request that shows it.
    const distinct = new Map(
      failures.map((failure) => [
        `${failure.problem.slice(0, 40)} @ ${failure.request
          .split(/[ ?]/)
          .slice(0, 2)
          .join(' ')
          .replace(/[0-9a-f-]{36}/g, ':id')}`,
        failure,
      ]),
    );
    expect([...distinct.values()]).toEqual([]);
    expect([...seen.keys()].every((status) => Number(status) < 500)).toBe(true);
    expect(seen.get('200') ?? 0).toBeGreaterThan(0);
    expect(seen.get('400') ?? 0).toBeGreaterThan(0);

    expect(stack.api.process.running).toBe(true);
    expect((await http.get('/health')).status).toBe(200);
    expect(await victimView()).toEqual(before);
    expect((await http.get('/users/me', { apiKey: victimIds.key })).status).toBe(200);
  }, 600000);
});
