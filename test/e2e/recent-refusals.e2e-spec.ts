import { Client } from 'pg';
import { REFUSAL_TTL_MS } from '../../libs/admission/src/recent-refusals';
import { HttpResult } from '../support/http-client';
import { sleep } from '../support/polling';
import { startStack, TestStack } from '../support/test-api';
import { registerUser, TestUser } from '../support/users';

const HOLD = [{ id: 'hold', type: 'delay', params: { ms: 300000 } }];

/** Resolves with the answer, or with null when none came within `ms`. */
async function within<T>(ms: number, pending: Promise<T>): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  try {
    return await Promise.race([pending, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('a flood of runs from an owner at its limit is refused without a database round trip for 100 ms', () => {
  let stack: TestStack;
  let user: TestUser;
  let workflowId: string;
  let locker: Client;

  const run = () => stack.api.http.post('/run/async', { workflowId }, { token: user.token });

  beforeAll(async () => {
    // No worker: accepted runs stay queued and hold the free tier's two slots.
    stack = await startStack();
    user = await registerUser(stack.api.http, 'flood');
    workflowId = (await stack.api.http.post('/workflows', { name: 'hold', steps: HOLD }, { token: user.token })).body.id;
    for (let i = 0; i < 2; i++) expect((await run()).status).toBe(202);
    locker = new Client({ connectionString: stack.database.url });
    await locker.connect();
  });
  afterAll(async () => {
    await locker?.end();
    await stack?.close();
  });

  it('answers 429 from the last refusal while the database cannot answer, and asks the database again once it is 100 ms old', async () => {
    // The admission statement reads the workflow first: with that table locked, only an answer that did not ask
    // PostgreSQL can arrive. The first attempt whose request lands inside the 100 ms window proves it.
    let fromRefusal: HttpResult | null = null;
    for (let attempt = 0; attempt < 5 && !fromRefusal; attempt++) {
      expect((await run()).body).toMatchObject({ code: 'CONCURRENCY_LIMIT', limit: 2, current: 2 });
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE workflows IN ACCESS EXCLUSIVE MODE');
      const pending = run();
      fromRefusal = await within(REFUSAL_TTL_MS, pending);
      await locker.query('ROLLBACK');
      await pending;
    }
    expect(fromRefusal?.status).toBe(429);
    expect(fromRefusal?.body).toMatchObject({ statusCode: 429, code: 'CONCURRENCY_LIMIT', limit: 2, current: 2 });
    expect(Number(fromRefusal?.headers.get('retry-after'))).toBeGreaterThan(0);

    // Older than the window: the request waits for PostgreSQL, and gets its answer once the table is free.
    expect((await run()).status).toBe(429);
    await sleep(REFUSAL_TTL_MS + 50);
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE workflows IN ACCESS EXCLUSIVE MODE');
    const pending = run();
    expect(await within(300, pending)).toBeNull();
    await locker.query('ROLLBACK');
    expect((await pending).status).toBe(429);
  });

  it('never answers 202 from memory: a slot freed is used by the first request after the refusal window', async () => {
    const [queued] = (await stack.api.http.get(`/executions?workflowId=${workflowId}&status=queued`, { token: user.token })).body.items;
    expect((await run()).status).toBe(429);
    expect((await stack.api.http.post(`/executions/${queued.id}/cancel`, undefined, { token: user.token })).status).toBe(200);
    await sleep(REFUSAL_TTL_MS + 50);
    expect((await run()).status).toBe(202);
    expect((await run()).status).toBe(429);
  });
});
