import { randomBytes } from 'node:crypto';
import { adminPatchUser } from '../support/admin';
import { sql } from '../support/database';
import { HttpClient, HttpResult } from '../support/http-client';
import { sleep } from '../support/polling';
import { startStack, TestStack } from '../support/test-api';
import { registerUser } from '../support/users';

const BUDGET = 50;
const QUICK = [{ id: 'quick', type: 'transform', params: { expression: '1 + 1' } }];

/** `count` calls, `concurrency` in flight at a time; the answers in call order. */
async function inParallel(count: number, concurrency: number, call: (index: number) => Promise<HttpResult>): Promise<HttpResult[]> {
  const answers: HttpResult[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        answers[index] = await call(index);
      }
    }),
  );
  return answers;
}

const tally = (answers: HttpResult[]) =>
  answers.reduce<Record<number, number>>((counts, answer) => ({ ...counts, [answer.status]: (counts[answer.status] ?? 0) + 1 }), {});
/** A client behind the api's proxy (TRUST_PROXY=true): this address is the caller's. */
const from = (address: string) => ({ 'x-forwarded-for': address });
/** Shaped like a real key, so the api has to look it up. */
const randomKey = () => `flk_${randomBytes(32).toString('base64url')}`;

function expectRateLimited(answer: HttpResult, limit: number): void {
  expect(answer.status).toBe(429);
  expect(answer.body).toEqual({
    statusCode: 429,
    error: 'Too Many Requests',
    message: expect.any(String),
    code: 'RATE_LIMIT',
    limit,
    current: expect.any(Number),
  });
  expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(Number(answer.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  expect(answer.headers.get('x-ratelimit-limit')).toBe(String(limit));
  expect(answer.headers.get('x-ratelimit-remaining')).toBe('0');
  expect(answer.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);
}

describe('rate limits count who is really calling: the anonymous budget per address before any lookup, webhooks by owner', () => {
  let stack: TestStack;
  let http: HttpClient;

  beforeAll(async () => {
    // Each scenario calls from an address of its own (X-Forwarded-For, trusted here); set-up calls come from 127.0.0.1.
    stack = await startStack({ ANON_REQUESTS_PER_MINUTE: String(BUDGET), TRUST_PROXY: 'true' });
    http = stack.api.http;
  });
  afterAll(() => stack?.close());

  /** API key lookups by hash, as PostgreSQL counts them in this file's database: scans of the hash index (or the table). */
  const keyLookups = async () => {
    const [row] = await sql<{ n: string }>(
      stack.database.url,
      `SELECT (SELECT coalesce(sum(idx_scan), 0) FROM pg_stat_user_indexes WHERE indexrelname = 'uq_api_keys_hash')
            + (SELECT coalesce(sum(seq_scan), 0) FROM pg_stat_user_tables WHERE relname = 'api_keys') AS n`,
    );
    return Number(row.n);
  };

  it('500 random API keys from one address: the budget’s worth are looked up and refused (401), the rest get 429 RATE_LIMIT with no lookup', async () => {
    const address = '203.0.113.10';
    const before = await keyLookups();
    const answers = await inParallel(500, 20, () => http.get('/users/me', { apiKey: randomKey(), headers: from(address) }));
    expect(tally(answers)).toEqual({ 401: BUDGET, 429: 500 - BUDGET });
    for (const answer of answers.filter((one) => one.status === 429)) expectRateLimited(answer, BUDGET);

    // An api connection reports its table statistics once idle for a while (at most 10 s, PostgreSQL 15+).
    await sleep(12_000);
    const lookups = (await keyLookups()) - before;
    expect(lookups).toBeGreaterThan(0); // the count sees the lookups that did happen...
    expect(lookups).toBeLessThanOrEqual(BUDGET); // ...and there were no more than the budget's worth
  }, 120_000);

  it('from an address with its budget used up: a validly signed JWT still answers (its user’s tier counts it), an API key or a bad JWT gets 429; valid keys do not use an address’s budget', async () => {
    const user = await registerUser(http, 'keyholder');
    const created = await http.post('/api-keys', { name: 'ci' }, { token: user.token });
    expect(created.status).toBe(201);
    const key = created.body.key as string;

    const exhausted = '203.0.113.11';
    expect(
      tally(await inParallel(BUDGET + 10, 10, () => http.get('/users/me', { apiKey: randomKey(), headers: from(exhausted) }))),
    ).toEqual({
      401: BUDGET,
      429: 10,
    });
    const withJwt = await http.get('/users/me', { token: user.token, headers: from(exhausted) });
    expect(withJwt.status).toBe(200);
    expect(withJwt.headers.get('x-ratelimit-limit')).toBe('120'); // free tier, per user
    expectRateLimited(await http.get('/users/me', { apiKey: key, headers: from(exhausted) }), BUDGET);
    expectRateLimited(await http.get('/users/me', { token: `${user.token.slice(0, -4)}AAAA`, headers: from(exhausted) }), BUDGET);
    expectRateLimited(await http.get('/users/me', { headers: from(exhausted) }), BUDGET);

    // From another address, more valid-key calls than an address's budget: all answer, counted against the user.
    const fresh = '203.0.113.12';
    const valid = await inParallel(BUDGET + 20, 5, () => http.get('/users/me', { apiKey: key, headers: from(fresh) }));
    expect(tally(valid)).toEqual({ 200: BUDGET + 20 });
    expect(valid[0].headers.get('x-ratelimit-limit')).toBe('120');
    // They gave their address hits back: that address still has its whole budget for bad keys.
    expect(tally(await inParallel(BUDGET + 1, 5, () => http.get('/users/me', { apiKey: randomKey(), headers: from(fresh) })))).toEqual({
      401: BUDGET,
      429: 1,
    });
  }, 120_000);

  it('a signed JWT whose user is disabled fails after its lookup, and the failures count against the address', async () => {
    const user = await registerUser(http, 'disabled');
    await adminPatchUser(http, user.id, { disabled: true });
    const answers = await inParallel(BUDGET + 5, 5, () => http.get('/users/me', { token: user.token, headers: from('203.0.113.40') }));
    expect(tally(answers)).toEqual({ 401: BUDGET, 429: 5 });
  });

  it('an enterprise owner’s webhook takes 2,000 valid calls within a minute from one address; 400 with a wrong token from there get 429 after the address budget', async () => {
    const owner = await registerUser(http, 'partner-owner');
    await adminPatchUser(http, owner.id, { tier: 'enterprise' });
    const created = await http.post('/workflows', { name: 'events', trigger: { type: 'webhook' }, steps: QUICK }, { token: owner.token });
    expect(created.status).toBe(201);
    const { id, webhook } = created.body as { id: string; webhook: { token: string } };
    const partner = '198.51.100.20';
    const hook = (address: string, token: string, input: unknown) =>
      http.post(`/hooks/${id}`, input, { headers: { ...from(address), 'x-webhook-token': token } });

    const started = Date.now();
    const valid = await inParallel(2000, 20, (index) => hook(partner, webhook.token, { event: index }));
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(tally(valid)).toEqual({ 202: 2000 });
    // Counted against the owner's tier (enterprise: 12,000 a minute), in the counter its own API calls use.
    expect(valid[0].headers.get('x-ratelimit-limit')).toBe('12000');
    expect(Math.min(...valid.map((answer) => Number(answer.headers.get('x-ratelimit-remaining'))))).toBeLessThanOrEqual(12_000 - 2000);
    const ownCall = await http.get('/users/me', { token: owner.token });
    expect(Number(ownCall.headers.get('x-ratelimit-remaining'))).toBeLessThanOrEqual(12_000 - 2001);

    const wrong = await inParallel(400, 20, () => hook(partner, 'whk_wrong', { event: 'forged' }));
    expect(tally(wrong)).toEqual({ 404: BUDGET, 429: 400 - BUDGET });
    for (const answer of wrong.filter((one) => one.status === 429)) expectRateLimited(answer, BUDGET);
    // The address used up its budget, so its next call is refused before its token is looked up, even a valid one;
    // the owner's other senders are not affected.
    expectRateLimited(await hook(partner, webhook.token, { event: 'late' }), BUDGET);
    expect((await hook('198.51.100.21', webhook.token, { event: 'elsewhere' })).status).toBe(202);

    const [{ n }] = await sql<{ n: number }>(stack.database.url, 'SELECT count(*)::int AS n FROM executions WHERE workflow_id = $1', [id]);
    expect(n).toBe(2001);
  }, 180_000);

  it('a webhook call with a valid token counts against its owner’s apiRequestsPerMinute, shared with the owner’s own API calls', async () => {
    const owner = await registerUser(http, 'small-owner');
    await adminPatchUser(http, owner.id, { customLimits: { apiRequestsPerMinute: 10, maxConcurrentJobs: null, dailyExecutions: null } });
    const created = await http.post('/workflows', { name: 'hooked', trigger: { type: 'webhook' }, steps: QUICK }, { token: owner.token });
    const { id, webhook } = created.body as { id: string; webhook: { token: string } };
    // Creating the workflow was the owner's 1st request this minute: 9 webhook calls fit, the 10th does not.
    const answers: HttpResult[] = [];
    for (let i = 0; i < 10; i++)
      answers.push(await http.post(`/hooks/${id}`, { i }, { headers: { ...from('198.51.100.30'), 'x-webhook-token': webhook.token } }));
    expect(answers.map((answer) => answer.status)).toEqual([...Array(9).fill(202), 429]);
    expectRateLimited(answers[9], 10);
    expectRateLimited(await http.get('/users/me', { token: owner.token }), 10);
    // The refused calls were the owner's, not the address's: it still has its whole anonymous budget.
    const bad = await inParallel(BUDGET + 1, 5, () =>
      http.post(`/hooks/${id}`, {}, { headers: { ...from('198.51.100.30'), 'x-webhook-token': 'whk_wrong' } }),
    );
    expect(tally(bad)).toEqual({ 404: BUDGET, 429: 1 });
  });
});
