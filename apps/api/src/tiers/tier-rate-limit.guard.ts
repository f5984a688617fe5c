import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { effectiveLimits } from '@app/tier-policy';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../common/auth-user';
import { RateLimitError } from './tiers.errors';

export const RATE_WINDOW_MS = 60_000;

type RateRequest = { user?: AuthUser; ip?: string };

/** The caller's requests per minute: the effective tier limit for a user, the anonymous limit per IP otherwise. */
export function requestsPerMinute(request: RateRequest, anonymousLimit: number): number | null {
  if (request.user) return effectiveLimits(request.user.tier, request.user.customLimits).apiRequestsPerMinute;
  return anonymousLimit;
}

/**
 * Runs after authentication, so a user is counted by id (JWT and API key
 * alike, on every api process) and an anonymous caller by IP, which
 * honours X-Forwarded-For only when TRUST_PROXY says so (Fastify's `trustProxy`).
 */
@Injectable()
export class TierRateLimitGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RateRequest>();
    return request.user !== undefined && requestsPerMinute(request, 0) === null;
  }

  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const user = (request as RateRequest).user;
    return user ? `user:${user.id}` : `ip:${(request as RateRequest).ip ?? 'unknown'}`;
  }

  protected override generateKey(_context: ExecutionContext, tracker: string): string {
    return tracker;
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    context
      .switchToHttp()
      .getResponse<FastifyReply>()
      .headers({
        'X-RateLimit-Limit': String(detail.limit),
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': String(detail.timeToExpire),
      });
    throw new RateLimitError(detail.limit, detail.totalHits, detail.timeToBlockExpire);
  }
}
