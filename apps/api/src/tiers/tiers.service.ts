import { Injectable } from '@nestjs/common';
import { effectiveLimits, Limit, TIER_NAMES, TierDefinition, TierLimits, TIERS, withinLimit } from '@app/tier-policy';
import type { AuthUser } from '../common/auth-user';
import { WorkflowLimitError } from './tiers.errors';

type TierHolder = Pick<AuthUser, 'tier' | 'customLimits'>;

/** What a user's tier allows, for every api domain: libs/tier-policy decides, this applies it to a caller. */
@Injectable()
export class TiersService {
  /** The plan catalogue, cheapest first. */
  plans(): TierDefinition[] {
    return TIER_NAMES.map((tier) => TIERS[tier]);
  }

  /** Tier defaults merged with the user's custom limits (null = unlimited). */
  limitsOf(user: TierHolder): TierLimits {
    return effectiveLimits(user.tier, user.customLimits);
  }

  retentionDaysOf(user: TierHolder): Limit {
    return this.limitsOf(user).retentionDays;
  }

  /** Throws WORKFLOW_LIMIT unless `current` workflows may become one more. */
  assertWorkflowRoom(limit: Limit, current: number): void {
    if (!withinLimit(limit, current)) throw new WorkflowLimitError(limit as number, current);
  }
}
