import { effectiveLimits } from '@app/tier-policy';
import type { AuthUser } from '../common/auth-user';
import { RateLimitError } from './tiers.errors';
import { clientNetwork } from '../security/client-network';

export const RATE_WINDOW_MS = 60_000;

/** Whose budget a request is counted in; the tracker names the shared counter (one name per user, one per address). */
export const rateTracker = {
  user: (userId: string): string => `user:${userId}`,
  address: (ip: string | undefined): string => `ip:${ip === undefined ? 'unknown' : clientNetwork(ip)}`,
};

/** A user, a webhook's owner: whoever a request is counted against by tier. */
export type RateHolder = Pick<AuthUser, 'id' | 'tier' | 'customLimits'>;

/** A request as the budgets see it: its client address (Fastify's `request.ip`, which honours TRUST_PROXY). */
export interface BudgetedRequest {
  ip?: string;
}

/** The shared fixed-window counters as the throttler sees them (WindowThrottlerStorage: `rl:` keys, failing open). */
export interface RateCounterStore {
  increment(
    tracker: string,
    windowMs: number,
    limit: number,
  ): Promise<{ totalHits: number; timeToExpire: number; isBlocked: boolean; timeToBlockExpire: number }>;
  release(tracker: string): Promise<void>;
}

/** Where a counted request's headers go: the Fastify reply. */
export interface HeaderSink {
  headers(values: Record<string, string>): unknown;
}

/** The user's requests per minute: the effective tier limit, null when unlimited. */
export function userRequestsPerMinute(user: Pick<RateHolder, 'tier' | 'customLimits'>): number | null {
  return effectiveLimits(user.tier, user.customLimits).apiRequestsPerMinute;
}

/** What a counted request answers with, allowed or refused (the contract's X-RateLimit-* headers). */
export function rateLimitHeaders(limit: number, totalHits: number, resetSeconds: number): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(limit),
    'X-RateLimit-Remaining': String(Math.max(0, limit - totalHits)),
    'X-RateLimit-Reset': String(resetSeconds),
  };
}

/** The 429 RATE_LIMIT of a budget used up: its headers on the reply, the error for the filter (which adds Retry-After). */
export function refuseRate(
  reply: HeaderSink,
  detail: { limit: number; totalHits: number; timeToExpire: number; timeToBlockExpire: number },
): never {
  reply.headers(rateLimitHeaders(detail.limit, Math.max(detail.limit, detail.totalHits), detail.timeToExpire));
  throw new RateLimitError(detail.limit, detail.totalHits, detail.timeToBlockExpire);
}

/**
 * The per-minute request budgets outside the authenticated-user guard: an address's anonymous budget
 * (ANON_REQUESTS_PER_MINUTE) and a webhook owner's tier budget, in the same counters the tier guard uses.
 *
 * A request whose credentials need the database to check (an API key, a webhook token) is counted against
 * its address before the check, so an address that used up its budget costs no lookup; the hit is "held"
 * and given back once the credentials prove valid, when the request counts against its user instead.
 * (No Nest decorator: TiersModule builds it, and unit specs load it without Nest.)
 */
export class RequestBudgets {
  private readonly held = new WeakMap<BudgetedRequest, string>();

  constructor(
    private readonly anonymousRequestsPerMinute: number,
    private readonly storage: RateCounterStore,
  ) {}

  /** Counts the request against its address's anonymous budget: 429 RATE_LIMIT once it is used up. */
  async chargeAddress(request: BudgetedRequest, reply: HeaderSink): Promise<void> {
    await this.charge(rateTracker.address(request.ip), this.anonymousRequestsPerMinute, reply);
  }

  /** As chargeAddress, and remembers the hit so that `releaseHeld` can give it back. */
  async holdAddress(request: BudgetedRequest, reply: HeaderSink): Promise<void> {
    // Headers only on a refusal: a request that proves valid is answered with its user's budget (or none, unlimited).
    await this.charge(rateTracker.address(request.ip), this.anonymousRequestsPerMinute, reply, false);
    this.held.set(request, rateTracker.address(request.ip));
  }

  holds(request: BudgetedRequest): boolean {
    return this.held.has(request);
  }

  /** Gives back the address hit held for this request, if any (its credentials proved valid, or were never at fault). */
  async releaseHeld(request: BudgetedRequest): Promise<void> {
    const tracker = this.held.get(request);
    if (tracker === undefined) return;
    this.held.delete(request);
    await this.storage.release(tracker);
  }

  /** Counts a request against the user's tier budget (the per-user counter); nothing when the user is unlimited. */
  async chargeUser(user: RateHolder, reply: HeaderSink): Promise<void> {
    const limit = userRequestsPerMinute(user);
    if (limit !== null) await this.charge(rateTracker.user(user.id), limit, reply);
  }

  /** A webhook call whose token proved valid: it counts against the workflow owner's tier, not the caller's address. */
  async moveToOwner(request: BudgetedRequest, owner: RateHolder, reply: HeaderSink): Promise<void> {
    await this.releaseHeld(request);
    await this.chargeUser(owner, reply);
  }

  private async charge(tracker: string, limit: number, reply: HeaderSink, headersWhenAllowed = true): Promise<void> {
    const hit = await this.storage.increment(tracker, RATE_WINDOW_MS, limit);
    if (hit.isBlocked) refuseRate(reply, { limit, ...hit });
    if (headersWhenAllowed) reply.headers(rateLimitHeaders(limit, hit.totalHits, hit.timeToExpire));
  }
}
