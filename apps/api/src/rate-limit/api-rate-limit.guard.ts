import { ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { AppError } from '@app/errors';
import { effectiveLimits } from '@app/tier-policy';
import type { AuthUser } from '../common/auth-user';

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
 * honours X-Forwarded-For only when TRUST_PROXY says so (express `trust proxy`).
 */
@Injectable()
export class ApiRateLimitGuard extends ThrottlerGuard {
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

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfter = String(detail.timeToBlockExpire);
    throw new AppError(
      HttpStatus.TOO_MANY_REQUESTS,
      'RATE_LIMIT',
      `Too many requests: ${detail.limit} per minute allowed`,
      { limit: detail.limit, current: detail.totalHits },
      { 'Retry-After': retryAfter, 'X-RateLimit-Limit': String(detail.limit), 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(detail.timeToExpire) },
    );
  }
}
