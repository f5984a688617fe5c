import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../common/auth-user';
import { rateTracker, refuseRate, userRequestsPerMinute } from './request-budgets';

type RateRequest = { user?: AuthUser };

/**
 * Runs after authentication and counts an authenticated request against its user's tier budget
 * (by user id: JWT and API key alike, on every api process). Requests without a user were counted
 * before authentication against their address's anonymous budget (AnonymousRateLimitGuard), and a
 * webhook call with a valid token is counted against its workflow's owner (RequestBudgets.moveToOwner).
 */
@Injectable()
export class TierRateLimitGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    const { user } = context.switchToHttp().getRequest<RateRequest>();
    return user === undefined || userRequestsPerMinute(user) === null;
  }

  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    return rateTracker.user((request as RateRequest).user?.id ?? 'unknown');
  }

  protected override generateKey(_context: ExecutionContext, tracker: string): string {
    return tracker;
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    refuseRate(context.switchToHttp().getResponse<FastifyReply>(), detail);
  }
}
