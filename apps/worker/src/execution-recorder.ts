import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ExecutionEntity, ExecutionStepEntity } from '@app/database';
import type { StepResult } from '@app/engine';

export interface FinishedExecution {
  ownerId: string;
  region: string;
  tier: string;
  durationMs: number;
}

export interface ClaimedExecution {
  execution: ExecutionEntity;
  /** Fencing token: only the latest claimant may record the final state. */
  delivery: number;
  completed: StepResult[];
}

/** The worker's writes. Each is idempotent, so a redelivered job never duplicates a record. */
@Injectable()
export class ExecutionRecorder {
  constructor(private readonly dataSource: DataSource) {}

  /** queued → running (or a running one taken over after a crash); null when there is nothing to run. */
  async claim(executionId: string, workerId: string): Promise<ClaimedExecution | null> {
    const [rows] = (await this.dataSource.query(
      `UPDATE executions SET status = 'running', worker_id = $2, started_at = COALESCE(started_at, now()), deliveries = deliveries + 1
        WHERE id = $1 AND status IN ('queued', 'running')
        RETURNING id`,
      [executionId, workerId],
    )) as [{ id: string }[], number];
    if (rows.length === 0) return null;
    const execution = await this.dataSource.getRepository(ExecutionEntity).findOneByOrFail({ id: executionId });
    const steps = await this.dataSource.getRepository(ExecutionStepEntity).find({ where: { executionId }, order: { position: 'ASC' } });
    const completed: StepResult[] = [];
    for (const step of steps) {
      if (step.status !== 'succeeded') break;
      completed.push({ id: step.stepId, status: 'succeeded', output: step.output, error: null, startedAt: step.startedAt, durationMs: step.durationMs, attempts: step.attempts });
    }
    return { execution, delivery: execution.deliveries, completed };
  }

  async recordStep(executionId: string, delivery: number, position: number, step: StepResult): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO execution_steps (execution_id, step_id, position, status, output, error, attempts, started_at, duration_ms)
       SELECT $1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9
        WHERE EXISTS (SELECT 1 FROM executions WHERE id = $1 AND deliveries = $10)
       ON CONFLICT (execution_id, step_id) DO UPDATE
         SET position = EXCLUDED.position, status = EXCLUDED.status, output = EXCLUDED.output, error = EXCLUDED.error,
             attempts = EXCLUDED.attempts, started_at = EXCLUDED.started_at, duration_ms = EXCLUDED.duration_ms`,
      [executionId, step.id, position, step.status, JSON.stringify(step.output ?? null), step.error, step.attempts, step.startedAt, step.durationMs, delivery],
    );
  }

  /** running → final, only for the latest claimant; returns who and what when this call made the transition. */
  async finish(executionId: string, delivery: number, status: 'succeeded' | 'failed' | 'cancelled', output: unknown, error: string | null): Promise<FinishedExecution | null> {
    const [rows] = (await this.dataSource.query(
      `UPDATE executions e
          SET status = $2, output = $3::jsonb, error = $4, finished_at = now(),
              duration_ms = (extract(epoch FROM now() - e.started_at) * 1000)::int
         FROM users u
        WHERE e.id = $1 AND e.status = 'running' AND e.deliveries = $5 AND u.id = e.owner_id
        RETURNING e.owner_id, e.region, e.duration_ms, u.tier`,
      [executionId, status, JSON.stringify(output ?? null), error, delivery],
    )) as [{ owner_id: string; region: string; duration_ms: number; tier: string }[], number];
    const row = rows[0];
    return row ? { ownerId: row.owner_id, region: row.region, durationMs: row.duration_ms, tier: row.tier } : null;
  }

  /** For jobs BullMQ gave up on (attempts or stalls exhausted). */
  async failUnfinished(executionId: string, error: string): Promise<string | null> {
    const [rows] = (await this.dataSource.query(
      `UPDATE executions SET status = 'failed', error = $2, finished_at = now(),
              duration_ms = CASE WHEN started_at IS NULL THEN NULL ELSE (extract(epoch FROM now() - started_at) * 1000)::int END
        WHERE id = $1 AND status IN ('queued', 'running')
        RETURNING owner_id`,
      [executionId, error],
    )) as [{ owner_id: string }[], number];
    return rows[0]?.owner_id ?? null;
  }

  async isCancelled(executionId: string): Promise<boolean> {
    const [row] = (await this.dataSource.query(`SELECT status FROM executions WHERE id = $1`, [executionId])) as { status: string }[];
    return row?.status === 'cancelled';
  }
}
