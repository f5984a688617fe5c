import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { Tier } from './user.entity';

export type SubscriptionStatus = 'active' | 'past_due' | 'canceled';
export type BillingProviderName = 'mock' | 'stripe';

/** One per user. `tier` mirrors users.tier (which admission reads); both change in one transaction. */
@Entity({ name: 'subscriptions' })
export class SubscriptionEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'pk_subscriptions' })
  userId: string;

  @Column({ type: 'text' })
  tier: Tier;

  @Column({ type: 'text', default: 'active' })
  status: SubscriptionStatus;

  @Column({ type: 'text' })
  provider: BillingProviderName;

  @Column({ name: 'provider_customer_id', type: 'text', nullable: true })
  providerCustomerId: string | null;

  @Column({ name: 'provider_subscription_id', type: 'text', nullable: true })
  providerSubscriptionId: string | null;

  @Column({ name: 'current_period_end', type: 'timestamptz', nullable: true })
  currentPeriodEnd: Date | null;

  @Column({ name: 'cancel_at_period_end', type: 'boolean', default: false })
  cancelAtPeriodEnd: boolean;

  /** `created` of the newest provider event applied; an older event never rolls the subscription back. */
  @Column({ name: 'last_event_at', type: 'timestamptz', nullable: true })
  lastEventAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
