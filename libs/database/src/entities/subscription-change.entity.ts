import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { SubscriptionStatus } from './subscription.entity';
import type { Tier } from './user.entity';

export type SubscriptionChangeActor = 'user' | 'admin' | 'provider' | 'system';

export interface DeactivatedWorkflow {
  id: string;
  name: string;
}

/** Append-only history of tier and status changes (a trigger refuses updates). */
@Entity({ name: 'subscription_changes' })
@Index('ix_subscription_changes_user_created', ['userId', 'createdAt'])
export class SubscriptionChangeEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_subscription_changes' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'actor_type', type: 'text' })
  actorType: SubscriptionChangeActor;

  /** The user or admin who asked; null for provider events and system sweeps. */
  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ name: 'provider_event_id', type: 'text', nullable: true })
  providerEventId: string | null;

  @Column({ name: 'from_tier', type: 'text' })
  fromTier: Tier;

  @Column({ name: 'to_tier', type: 'text' })
  toTier: Tier;

  @Column({ name: 'from_status', type: 'text' })
  fromStatus: SubscriptionStatus;

  @Column({ name: 'to_status', type: 'text' })
  toStatus: SubscriptionStatus;

  @Column({ name: 'deactivated_workflows', type: 'jsonb', default: () => `'[]'` })
  deactivatedWorkflows: DeactivatedWorkflow[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
