import { RateLimitError } from './tiers.errors';
import { RateCounterStore, rateLimitHeaders, RequestBudgets, rateTracker, userRequestsPerMinute } from './request-budgets';

/** The throttler storage's fixed windows in memory: one window per tracker (42 s left), never ending within a test. */
class MemoryStore implements RateCounterStore {
  readonly hits = new Map<string, number>();

  async increment(tracker: string, _windowMs: number, limit: number) {
    const hits = (this.hits.get(tracker) ?? 0) + 1;
    this.hits.set(tracker, hits);
    return { totalHits: hits, timeToExpire: 42, isBlocked: hits > limit, timeToBlockExpire: 42 };
  }
  async release(tracker: string): Promise<void> {
    const hits = this.hits.get(tracker) ?? 0;
    if (hits > 0) this.hits.set(tracker, hits - 1);
  }
}

class Reply {
  readonly sent: Record<string, string> = {};
  headers(values: Record<string, string>): this {
    Object.assign(this.sent, values);
    return this;
  }
}

const ANON = 3;
const free = { id: 'u-free', tier: 'free' as const, customLimits: null };
const enterprise = { id: 'u-ent', tier: 'enterprise' as const, customLimits: null };
const unlimited = { id: 'u-unl', tier: 'free' as const, customLimits: { apiRequestsPerMinute: null } };

describe('RequestBudgets', () => {
  let store: MemoryStore;
  let budgets: RequestBudgets;

  beforeEach(() => {
    store = new MemoryStore();
    budgets = new RequestBudgets(ANON, store);
  });

  const addressHits = (ip: string) => store.hits.get(rateTracker.address(ip)) ?? 0;
  const userHits = (id: string) => store.hits.get(rateTracker.user(id)) ?? 0;

  it("counts an address against ANON_REQUESTS_PER_MINUTE and refuses past it with RATE_LIMIT and the contract's headers", async () => {
    const request = { ip: '203.0.113.9' };
    for (let i = 0; i < ANON; i++) await budgets.chargeAddress(request, new Reply());
    const reply = new Reply();
    const refusal = await budgets.chargeAddress(request, reply).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(RateLimitError);
    expect(refusal).toMatchObject({ code: 'RATE_LIMIT', details: { limit: ANON, current: ANON + 1 }, retryAfterSeconds: 42 });
    expect(reply.sent).toEqual({ 'X-RateLimit-Limit': '3', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '42' });
  });

  it('refuses a held request past the address budget, with the headers', async () => {
    const request = { ip: '198.51.100.3' };
    for (let i = 0; i < ANON; i++) await budgets.holdAddress({ ip: request.ip }, new Reply());
    const reply = new Reply();
    await expect(budgets.holdAddress(request, reply)).rejects.toBeInstanceOf(RateLimitError);
    expect(reply.sent['X-RateLimit-Remaining']).toBe('0');
    expect(budgets.holds(request)).toBe(false);
  });

  it('gives back a held hit once, and only for the request that held it', async () => {
    const held = { ip: '198.51.100.1' };
    const other = { ip: '198.51.100.1' };
    await budgets.holdAddress(held, new Reply());
    await budgets.chargeAddress(other, new Reply());
    expect(budgets.holds(held)).toBe(true);
    expect(budgets.holds(other)).toBe(false);
    expect(addressHits('198.51.100.1')).toBe(2);
    await budgets.releaseHeld(other);
    await budgets.releaseHeld(held);
    await budgets.releaseHeld(held);
    expect(addressHits('198.51.100.1')).toBe(1);
  });

  it("moves a webhook call from the address to the owner's tier budget", async () => {
    const request = { ip: '198.51.100.2' };
    const reply = new Reply();
    await budgets.holdAddress(request, reply);
    expect(reply.sent).toEqual({}); // the answer will carry the owner's budget, not the address's
    await budgets.moveToOwner(request, enterprise, reply);
    expect(addressHits('198.51.100.2')).toBe(0);
    expect(userHits(enterprise.id)).toBe(1);
    expect(reply.sent).toEqual(rateLimitHeaders(12_000, 1, 42));
  });

  it("refuses an owner past its tier's apiRequestsPerMinute, and never counts an unlimited one", async () => {
    for (let i = 0; i < 120; i++) await budgets.chargeUser(free, new Reply());
    await expect(budgets.chargeUser(free, new Reply())).rejects.toMatchObject({ code: 'RATE_LIMIT', details: { limit: 120 } });
    await budgets.chargeUser(unlimited, new Reply());
    expect(store.hits.has(rateTracker.user(unlimited.id))).toBe(false);
  });

  it('reads the per-minute limit from the effective limits (custom limits first, null unlimited)', () => {
    expect(userRequestsPerMinute(free)).toBe(120);
    expect(userRequestsPerMinute({ tier: 'pro', customLimits: { apiRequestsPerMinute: 7 } })).toBe(7);
    expect(userRequestsPerMinute(unlimited)).toBeNull();
  });
});
