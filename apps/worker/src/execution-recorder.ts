import { Injectable } from '@nestjs/common';
import { namedStatement, SqlPool } from '@app/database';
import type { StepDefinition, StepResult } from '@app/engine';

export interface FinishedExecution {
  ownerId: string;
  region: string;
  tier: string;
  durationMs: number;
  /** The owner has runs waiting for a slot (seen under the owner's admission lock). */
  ownerHasWaiting: boolean;
}

export interface ClaimedExecution {
  id: string;
  ownerId: string;
  definition: StepDefinition[];
  input: unknown;
  /** Fencing token: only the latest claimant may record the final state. */
  delivery: number;
  /** Steps an earlier delivery recorded as succeeded, in order, up to the first that did not succeed. */
  completed: StepResult[];
  /** A POST /run request waits for the end. */
  resultAwaited: boolean;
}

/** A step to record: its result and its position in the definition. */
export interface StepRecord {
  position: number;
  result: StepResult;
}

const CLAIM = namedStatement(
  'claim_execution',
  `UPDATE executions SET status = 'running', worker_id = $2, started_at = COALESCE(started_at, now()), deliveries = deliveries + 1
    WHERE id = $1 AND status IN ('queued', 'running')
    RETURNING id, owner_id, definition, input, deliveries, result_awaited`,
);
const RECORDED_STEPS = namedStatement(
  'recorded_steps',
  `SELECT step_id, status, output, started_at, duration_ms, attempts FROM execution_steps WHERE execution_id = $1 ORDER BY position`,
);
const RECORD_STEP = namedStatement(
  'record_step',
  `INSERT INTO execution_steps (execution_id, step_id, position, status, output, error, attempts, started_at, duration_ms)
   SELECT $1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9
    WHERE EXISTS (SELECT 1 FROM executions WHERE id = $1 AND deliveries = $10)
   ON CONFLICT (execution_id, step_id) DO UPDATE
     SET position = EXCLUDED.position, status = EXCLUDED.status, output = EXCLUDED.output, error = EXCLUDED.error,
         attempts = EXCLUDED.attempts, started_at = EXCLUDED.started_at, duration_ms = EXCLUDED.duration_ms`,
);
// See migration 1764900000000: the last step, the final state and the owner's waiting runs in one round trip.
const FINISH = namedStatement(
  'finish_execution',
  `SELECT finished_owner, finished_region, finished_duration_ms, owner_tier, owner_has_waiting
     FROM flowline_finish_execution($1, $2, $3, $4::jsonb, $5, $6::jsonb)`,
);
const FAIL_UNFINISHED = namedStatement(
  'fail_unfinished_execution',
  `UPDATE executions SET status = 'failed', error = $2, finished_at = now(),
          duration_ms = CASE WHEN started_at IS NULL THEN NULL ELSE (extract(epoch FROM now() - started_at) * 1000)::int END
    WHERE id = $1 AND status IN ('queued', 'running')
    RETURNING owner_id`,
);

/** The worker's writes. Each is idempotent, so a redelivered job never duplicates a record. */
@Injectable()
export class ExecutionRecorder {
  constructor(private readonly sql: SqlPool) {}

  /** queued → running (or a running one taken over after a crash); null when there is nothing to run. */
  async claim(executionId: string, workerId: string): Promise<ClaimedExecution | null> {
    const row = await this.sql.one<{
      id: string;
      owner_id: string;
      definition: StepDefinition[];
      input: unknown;
      deliveries: number;
      result_awaited: boolean;
    }>(CLAIM, [executionId, workerId]);
    if (!row) return null;
    // Only a redelivery can find steps recorded by an earlier attempt.
    const completed = row.deliveries > 1 ? await this.completedSteps(executionId) : [];
    return {
      id: row.id,
      ownerId: row.owner_id,
      definition: row.definition,
      input: row.input,
      delivery: row.deliveries,
      completed,
      resultAwaited: row.result_awaited,
    };
  }

  private async completedSteps(executionId: string): Promise<StepResult[]> {
    const steps = await this.sql.rows<{
      step_id: string;
      status: string;
      output: unknown;
      started_at: Date;
      duration_ms: number;
      attempts: number;
    }>(RECORDED_STEPS, [executionId]);
    const completed: StepResult[] = [];
    for (const step of steps) {
      if (step.status !== 'succeeded') break;
      completed.push({
        id: step.step_id,
        status: 'succeeded',
        output: step.output,
        error: null,
        startedAt: step.started_at,
        durationMs: step.duration_ms,
        attempts: step.attempts,
      });
    }
    return completed;
  }

  async recordStep(executionId: string, delivery: number, { position, result }: StepRecord): Promise<void> {
    await this.sql.rows(RECORD_STEP, [
      executionId,
      result.id,
      position,
      result.status,
      JSON.stringify(result.output ?? null),
      result.error,
      result.attempts,
      result.startedAt,
      result.durationMs,
      delivery,
    ]);
  }

  /**
   * running → final (with the last step's record, if one is still unwritten), only for the latest
   * claimant; returns who and what when this call made the transition.
   */
  async finish(
    executionId: string,
    delivery: number,
    outcome: { status: 'succeeded' | 'failed' | 'cancelled'; output: unknown; error: string | null },
    lastStep: StepRecord | null,
  ): Promise<FinishedExecution | null> {
    const step = lastStep && {
      step_id: lastStep.result.id,
      position: lastStep.position,
      status: lastStep.result.status,
      output: lastStep.result.output ?? null,
      error: lastStep.result.error,
      attempts: lastStep.result.attempts,
      started_at: lastStep.result.startedAt,
      duration_ms: lastStep.result.durationMs,
    };
    const row = await this.sql.one<{
      finished_owner: string | null;
      finished_region: string;
      finished_duration_ms: number;
      owner_tier: string;
      owner_has_waiting: boolean;
    }>(FINISH, [
      executionId,
      delivery,
      outcome.status,
      JSON.stringify(outcome.output ?? null),
      outcome.error,
      step ? JSON.stringify(step) : null,
    ]);
    if (!row?.finished_owner) return null;
    return {
      ownerId: row.finished_owner,
      region: row.finished_region,
      durationMs: row.finished_duration_ms,
      tier: row.owner_tier,
      ownerHasWaiting: row.owner_has_waiting,
    };
  }

  /** For jobs BullMQ gave up on (attempts or stalls exhausted). */
  async failUnfinished(executionId: string, error: string): Promise<string | null> {
    const row = await this.sql.one<{ owner_id: string }>(FAIL_UNFINISHED, [executionId, error]);
    return row?.owner_id ?? null;
  }
}
