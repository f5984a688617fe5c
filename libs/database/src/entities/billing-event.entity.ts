import { Column, Entity, PrimaryColumn } from 'typeorm';

export type BillingEventOutcome = 'pending' | 'applied' | 'stale' | 'ignored';

/** A provider event seen once; its primary key is what makes a replay change nothing. */
@Entity({ name: 'billing_events' })
export class BillingEventEntity {
  @PrimaryColumn({ name: 'event_id', type: 'text', primaryKeyConstraintName: 'pk_billing_events' })
  eventId: string;

  @Column({ type: 'text' })
  provider: string;

  @Column({ type: 'text' })
  type: string;

  @Column({ name: 'event_created_at', type: 'timestamptz' })
  eventCreatedAt: Date;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @Column({ type: 'text', default: 'pending' })
  outcome: BillingEventOutcome;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt: Date;
}
