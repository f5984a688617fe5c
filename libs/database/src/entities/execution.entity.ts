import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { StoredStep } from './workflow.entity';

export type ExecutionStatus = 'waiting' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type ExecutionTrigger = 'manual' | 'webhook' | 'schedule';
export const FINAL_STATUSES: readonly ExecutionStatus[] = ['succeeded', 'failed', 'cancelled'];
/** Statuses that hold one of the owner's concurrency slots. */
export const ACTIVE_STATUSES: readonly ExecutionStatus[] = ['queued', 'running'];

@Entity({ name: 'executions' })
@Index('ix_executions_owner_created', ['ownerId', 'createdAt'])
@Index('ix_executions_workflow_created', ['workflowId', 'createdAt'])
export class ExecutionEntity {
  /** Also the BullMQ job id. */
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'pk_executions' })
  id: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Column({ name: 'workflow_id', type: 'uuid' })
  workflowId: string;

  @Column({ type: 'text' })
  status: ExecutionStatus;

  @Column({ type: 'text' })
  trigger: ExecutionTrigger;

  @Column({ type: 'text' })
  region: string;

  @Column({ type: 'text' })
  queue: string;

  /** BullMQ priority when its job was added: the queue tag's distance from the region's fair-share base. */
  @Column({ type: 'integer', default: 0 })
  priority: number;

  /** Its place in the region's fair order while queued (flowline_queue_tag.sql); null while waiting. */
  @Column({ name: 'queue_tag', type: 'bigint', nullable: true, select: false })
  queueTag?: string | null;

  /** The workflow's steps when the run was accepted: later edits do not change a run. */
  @Column({ type: 'jsonb' })
  definition: StoredStep[];

  @Column({ type: 'jsonb', nullable: true })
  input: unknown;

  @Column({ type: 'jsonb', nullable: true })
  output: unknown;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'worker_id', type: 'text', nullable: true })
  workerId: string | null;

  /** How many times a worker picked it up (more than 1 after a crash). */
  @Column({ type: 'integer', default: 0 })
  deliveries: number;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;

  /** A POST /run request waits for this run's end: the worker announces it on Redis. */
  @Column({ name: 'result_awaited', type: 'boolean', default: false })
  resultAwaited: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs: number | null;
}
