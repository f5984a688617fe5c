import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ExecutionStepStatus = 'succeeded' | 'failed' | 'skipped' | 'cancelled';

/** One row per step of an execution; the key makes a redelivered job overwrite, never duplicate. */
@Entity({ name: 'execution_steps' })
export class ExecutionStepEntity {
  @PrimaryColumn({ name: 'execution_id', type: 'uuid', primaryKeyConstraintName: 'pk_execution_steps' })
  executionId: string;

  @PrimaryColumn({ name: 'step_id', type: 'text', primaryKeyConstraintName: 'pk_execution_steps' })
  stepId: string;

  @Column({ type: 'integer' })
  position: number;

  @Column({ type: 'text' })
  status: ExecutionStepStatus;

  @Column({ type: 'jsonb', nullable: true })
  output: unknown;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs: number | null;
}
