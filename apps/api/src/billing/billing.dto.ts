import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { BillingProviderName, DeactivatedWorkflow, SubscriptionStatus, Tier } from '@app/database';
import type { TierDefinition, TierLimits } from '@app/tier-policy';

const TIERS = ['free', 'pro', 'enterprise'];

export class PlanLimitsView {
  @ApiProperty({ nullable: true, type: Number, description: 'Queued + running executions; null = unlimited', example: 2 })
  maxConcurrentJobs: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 5 })
  maxWorkflows: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Per UTC day, all triggers', example: 100 })
  dailyExecutions: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 7 })
  retentionDays: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 120 })
  apiRequestsPerMinute: number | null;

  static from(limits: TierLimits): PlanLimitsView {
    return { ...limits };
  }
}

export class PlanResponse {
  @ApiProperty({ enum: TIERS })
  tier: Tier;
  @ApiProperty({ example: 'Pro' })
  name: string;
  @ApiProperty({ example: 29 })
  priceMonthlyUsd: number;
  @ApiProperty({ example: 'Priority' })
  support: string;
  @ApiProperty({ type: PlanLimitsView })
  limits: PlanLimitsView;
  @ApiProperty({ description: 'Fair share in a region queue: while runs wait, owners get starts in proportion to it', example: 2 })
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
  @ApiProperty({ description: 'Workflows you have (active or not)' })
  workflows: number;
  @ApiProperty({ description: 'Executions queued or running now' })
  activeJobs: number;
  @ApiProperty({ description: 'Executions accepted since the last UTC midnight' })
  executionsToday: number;
  @ApiProperty({ description: 'Runs accepted and not started yet: queued in a region queue, or waiting for one of your slots' })
  queued: number;
  @ApiProperty({ description: 'Milliseconds the oldest of those has waited; 0 when none', example: 0 })
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
  @ApiPropertyOptional({ format: 'date-time', description: 'End of the paid period (Stripe subscriptions)' })
  currentPeriodEnd?: string;
  @ApiProperty({ description: 'The subscription ends (back to free) when the current period ends' })
  cancelAtPeriodEnd: boolean;
}

export class DeactivatedWorkflowView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
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
  @ApiProperty({ type: [DeactivatedWorkflowView], description: 'Workflows deactivated because the new plan allows fewer, newest first' })
  deactivatedWorkflows: DeactivatedWorkflowView[];
  @ApiPropertyOptional({
    enum: TIERS,
    description: 'Stripe: the tier requested, which applies when Stripe confirms it (a paid invoice, or the end of the period)',
  })
  pendingTier?: Tier;
}

export class CheckoutResponse {
  @ApiProperty({
    example: 'https://checkout.stripe.com/c/pay/cs_test_...',
    description: 'Send the customer here to pay; the tier changes when Stripe confirms the payment',
  })
  checkoutUrl: string;
}

export class UpgradeQuery {
  @ApiProperty({ enum: TIERS, description: 'The tier you want' })
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
