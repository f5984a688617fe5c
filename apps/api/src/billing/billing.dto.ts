import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { BillingProviderName, DeactivatedWorkflow, SubscriptionStatus, Tier } from '@app/database';
import { MAX_QUEUE_WEIGHT, type TierDefinition, type TierLimits } from '@app/tier-policy';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { INT32_MAX, RESPONSE_MILLISECONDS, RESPONSE_TIMESTAMP, RESPONSE_UUID, responseCount } from '../common/dto/fields';

const TIERS = ['free', 'pro', 'enterprise'];
/** A limit: null is unlimited. */
const limit = (example: number, description?: string) => responseCount({ nullable: true, example, description });
const count = (description: string) => responseCount({ description });

export class PlanLimitsView {
  @ApiProperty(limit(2, 'Queued + running executions; null = unlimited'))
  maxConcurrentJobs: number | null;
  @ApiProperty(limit(5))
  maxWorkflows: number | null;
  @ApiProperty(limit(100, 'Per UTC day, all triggers'))
  dailyExecutions: number | null;
  @ApiProperty(limit(7))
  retentionDays: number | null;
  @ApiProperty(limit(120))
  apiRequestsPerMinute: number | null;

  static from(limits: TierLimits): PlanLimitsView {
    return { ...limits };
  }
}

export class PlanResponse {
  @ApiProperty({ enum: TIERS })
  tier: Tier;
  @ApiProperty({ type: 'string', maxLength: 40, example: 'Pro' })
  name: string;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 0, maximum: 1_000_000, example: 29 })
  priceMonthlyUsd: number;
  @ApiProperty({ type: 'string', maxLength: 40, example: 'Priority' })
  support: string;
  @ApiProperty({ type: PlanLimitsView })
  limits: PlanLimitsView;
  @ApiProperty({
    type: 'integer',
    format: 'int32',
    minimum: 1,
    maximum: MAX_QUEUE_WEIGHT,
    description: 'Fair share in a region queue: while runs wait, owners get starts in proportion to it',
    example: 2,
  })
  queueWeight: number;

  static from(definition: TierDefinition): PlanResponse {
    return {
      tier: definition.tier,
      name: definition.name,
      priceMonthlyUsd: definition.priceMonthlyUsd,
      support: definition.support,
      limits: PlanLimitsView.from(definition.limits),
      queueWeight: definition.queueWeight,
    };
  }
}

export class UsageView {
  @ApiProperty(count('Workflows you have (active or not)'))
  workflows: number;
  @ApiProperty(count('Executions queued or running now'))
  activeJobs: number;
  @ApiProperty(count('Executions accepted since the last UTC midnight'))
  executionsToday: number;
  @ApiProperty(count('Runs accepted and not started yet: queued in a region queue, or waiting for one of your slots'))
  queued: number;
  @ApiProperty({
    ...RESPONSE_MILLISECONDS,
    description: 'Milliseconds the oldest of those has waited; 0 when none',
    example: 0,
  })
  oldestWaitMs: number;
}

export class SubscriptionResponse {
  @ApiProperty({ enum: TIERS })
  tier: Tier;
  @ApiProperty({ enum: ['active', 'past_due', 'canceled'] })
  status: SubscriptionStatus;
  @ApiProperty({ type: PlanLimitsView, description: 'Effective limits: the tier merged with your custom limits' })
  limits: PlanLimitsView;
  @ApiProperty({ type: UsageView })
  usage: UsageView;
  @ApiProperty({ enum: ['mock', 'stripe'] })
  provider: BillingProviderName;
  @ApiPropertyOptional({ ...RESPONSE_TIMESTAMP, description: 'End of the paid period (Stripe subscriptions)' })
  currentPeriodEnd?: string;
  @ApiProperty({ description: 'The subscription ends (back to free) when the current period ends' })
  cancelAtPeriodEnd: boolean;
}

export class DeactivatedWorkflowView {
  @ApiProperty(RESPONSE_UUID)
  id: string;
  @ApiProperty({ type: 'string', maxLength: 200 })
  name: string;

  static from(workflow: DeactivatedWorkflow): DeactivatedWorkflowView {
    return { id: workflow.id, name: workflow.name };
  }
}

export class SubscriptionChangeResponse extends SubscriptionResponse {
  @ApiProperty({ description: 'Whether this request changed your plan now' })
  changed: boolean;
  @ApiProperty({ enum: TIERS, description: 'Your tier before this request' })
  previousTier: Tier;
  @ApiProperty({
    type: [DeactivatedWorkflowView],
    maxItems: INT32_MAX,
    description: 'Workflows deactivated because the new plan allows fewer, newest first',
  })
  deactivatedWorkflows: DeactivatedWorkflowView[];
  @ApiPropertyOptional({
    enum: TIERS,
    description: 'Stripe: the tier requested, which applies when Stripe confirms it (a paid invoice, or the end of the period)',
  })
  pendingTier?: Tier;
}

export class CheckoutResponse {
  @ApiProperty({
    type: 'string',
    format: 'uri',
    maxLength: 8192,
    example: 'https://checkout.stripe.com/c/pay/cs_test_...',
    description: 'Send the customer here to pay; the tier changes when Stripe confirms the payment',
  })
  checkoutUrl: string;
}

export class UpgradeQuery {
  @ApiProperty({ enum: TIERS, maxLength: 64, description: 'The tier you want (another value is 400 UNKNOWN_TIER)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  tier?: string;
}

export class WebhookReceivedResponse {
  @ApiProperty({ example: true })
  received: boolean;
  @ApiProperty({
    enum: ['applied', 'duplicate', 'stale', 'ignored'],
    description: 'duplicate: this event id was applied before; stale: older than the last event applied',
  })
  outcome: string;
}
