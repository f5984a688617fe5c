import { adminPatchUser } from '../support/admin';
import { sql } from '../support/database';
import { HttpClient, HttpResult } from '../support/http-client';
import { OwnServicesStack, startOwnServicesStack } from '../support/own-services';
import { TestApi } from '../support/test-api';
import { REFUSAL_TTL_MS } from '../../libs/admission/src/recent-refusals';
import { sleep } from '../support/polling';
import { registerUser, TestUser } from '../support/users';
import { createWorkflowId } from '../support/workflows';

const QUICK = [{ id: 'quick', type: 'transform', params: { expression: '1 + 1' } }];

describe('faults: admission under load, 200 parallel runs across two api processes (own PostgreSQL and Redis)', () => {
  let stack: OwnServicesStack;
  let second: TestApi;
  let http: HttpClient;

  const count = async (ownerId: string, statuses: string[]) =>
    (
      await sql<{ n: number }>(stack.database.url, 'SELECT count(*)::int AS n FROM executions WHERE owner_id = $1 AND status = ANY($2)', [
        ownerId,
        statuses,
      ])
    )[0].n;
  // No worker serves eu-west-1 in this stack: accepted runs hold their slots for the whole burst, however slow the machine.
  const parkedWorkflow = (owner: TestUser) => createWorkflowId(http, owner, { name: 'burst', steps: QUICK, region: 'eu-west-1' });
  // Each burst starts from the database: a limit refusal answers for REFUSAL_TTL_MS in the api that decided it
  // (a false 429 may come from a snapshot that young, never a false 202), and the previous round just freed its slots.
  const burst = async (owner: TestUser, workflowId: string, size = 200) => {
    await sleep(REFUSAL_TTL_MS);
    return Promise.all(
      Array.from({ length: size }, (_, index) =>
        (index % 2 === 0 ? http : second.http).post('/run/async', { workflowId }, { token: owner.token }),
      ),
    );
  };
  const codes = (responses: HttpResult[]) => {
    const tally: Record<string, number> = {};
    for (const response of responses) {
      const key = response.status === 202 ? 'accepted' : `${response.status} ${response.body?.code}`;
      tally[key] = (tally[key] ?? 0) + 1;
    }
    return tally;
  };

  beforeAll(async () => {
    stack = await startOwnServicesStack();
    second = await stack.startApi();
    http = stack.api.http;
  });
  afterAll(() => stack?.close());

  it('a free user, 20 rounds of 200: never more than 2 active, and the daily quota (39) is reached exactly, never passed', async () => {
    const user = await registerUser(http, 'burst');
    await adminPatchUser(http, user.id, { customLimits: { apiRequestsPerMinute: null, dailyExecutions: 39 } });
    const workflowId = await parkedWorkflow(user);
    for (let round = 1; round <= 20; round++) {
      const responses = await burst(user, workflowId);
      const accepted = responses.filter((response) => response.status === 202);
      const active = await count(user.id, ['queued', 'running']);
      // 19 rounds of 2 use 38 of the 39 runs of the day; the 20th round gets exactly the one left.
      const expected = round < 20 ? { accepted: 2, '429 CONCURRENCY_LIMIT': 198 } : { accepted: 1, '429 DAILY_EXECUTION_LIMIT': 199 };
      expect({ round, active, ...codes(responses) }).toEqual({ round, active: expected.accepted, ...expected });
      expect(
        responses.filter((response) => response.status === 429).every((response) => Number(response.headers.get('retry-after')) > 0),
      ).toBe(true);
      for (const response of accepted)
        expect((await http.post(`/executions/${response.body.executionId}/cancel`, undefined, { token: user.token })).status).toBe(200);
    }
    expect(await count(user.id, ['waiting', 'queued', 'running', 'succeeded', 'failed', 'cancelled'])).toBe(39);
    const usage = (await http.get('/billing/subscription', { token: user.token })).body.usage;
    expect(usage).toMatchObject({ activeJobs: 0, executionsToday: 39 });
    const after = await second.http.post('/run/async', { workflowId }, { token: user.token });
    expect(after.body).toMatchObject({ code: 'DAILY_EXECUTION_LIMIT', limit: 39, current: 39 });
  }, 300000);

  it('no concurrency limit, daily quota 50: of 200 parallel runs exactly 50 are accepted, and of 200 more none', async () => {
    const user = await registerUser(http, 'quota');
    await adminPatchUser(http, user.id, { customLimits: { apiRequestsPerMinute: null, maxConcurrentJobs: null, dailyExecutions: 50 } });
    const workflowId = await parkedWorkflow(user);
    const first = await burst(user, workflowId);
    expect(codes(first)).toEqual({ accepted: 50, '429 DAILY_EXECUTION_LIMIT': 150 });
    expect(codes(await burst(user, workflowId))).toEqual({ '429 DAILY_EXECUTION_LIMIT': 200 });
    expect(await count(user.id, ['waiting', 'queued', 'running', 'succeeded', 'failed', 'cancelled'])).toBe(50);
    // Each accepted run has its job in the region queue, and only those.
    const accepted = first.filter((response) => response.status === 202).map((response) => response.body.executionId as string);
    const jobs = await Promise.all(accepted.map((id) => stack.queue('eu-west-1').getJob(id)));
    expect(jobs.filter(Boolean)).toHaveLength(50);
  }, 120000);
});
