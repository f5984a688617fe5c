import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** Stored as given after validation by the engine (libs/engine). */
export interface StoredStep {
  id: string;
  type: string;
  params: Record<string, unknown>;
  retry?: { attempts: number; backoffMs: number };
  timeoutMs?: number;
}

export type WorkflowTrigger = { type: 'manual' } | { type: 'webhook' } | { type: 'schedule'; cron: string; timezone?: string };

@Entity({ name: 'workflows' })
@Index('ix_workflows_owner_created', ['ownerId', 'createdAt'])
export class WorkflowEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_workflows' })
  id: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'jsonb' })
  steps: StoredStep[];

  @Column({ type: 'jsonb', default: () => `'{"type":"manual"}'` })
  trigger: WorkflowTrigger;

  @Column({ type: 'text', nullable: true })
  region: string | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** SHA-256 of the webhook token; the token itself is shown once. */
  @Column({ name: 'webhook_token_hash', type: 'text', nullable: true })
  webhookTokenHash: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
