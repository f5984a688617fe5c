import { Injectable } from '@nestjs/common';
import { namedStatement, SqlPool, statementWasUndone } from '@app/database';
import { GroupCommit, GroupCommitOptions, positionsInOrderOf } from '@app/group-commit';
import { FlowlineMetrics } from '@app/metrics';
import type { StepDefinition, StepResult } from '@app/engine';

export interface ClaimedExecution {
  id: string;
  ownerId: string;
  workflowId: string;
  definition: StepDefinition[];
  input: unknown;
  /** Fencing token: only the latest claimant may record steps and the final state. */
  delivery: number;
  /** Steps an earlier delivery recorded as succeeded, in order, up to the first that did not succeed. */
  completed: StepResult[];
  /** A POST /run request waits for the end. */
  resultAwaited: boolean;
  region: string;
  /** The owner's tier now. */
  tier: string;
  /** From acceptance to the first claim (the run's wait in the region queue). */
  startDelayMs: number;
}

/** A step to record: its result and its position in the definition. */
export interface StepRecord {
  position: number;
  result: StepResult;
}

export interface ExecutionOutcome {
  status: 'succeeded' | 'failed' | 'cancelled';
  output: unknown;
  error: string | null;
}

export interface FinishedExecution {
  ownerId: string;
  region: string;
  tier: string;
  durationMs: number;
  /** The owner has runs waiting for a slot (seen under the owner's admission lock). */
  ownerHasWaiting: boolean;
}

/** A queued or running row the reconciler looks at: its job may be gone. */
export interface StaleExecution {
  id: string;
  region: string;
  priority: number;
  requestId: string | null;
}

/**
 * Claims and finishes of the jobs a worker runs at once share statements (group commit): those that arrive
 * while these many statements run go together in the next one. A batch PostgreSQL refused was undone whole,
 * so each item is tried again alone and gets its own answer.
 */
const BATCHING: Omit<GroupCommitOptions, 'onBatch' | 'traceName'> = { maxInFlight: 2, maxBatch: 100, retryAlone: statementWasUndone };

// started_at is the row's own claim time (clock_timestamp): runs claimed together keep their order.
const CLAIM_BATCH = namedStatement(
  'claim_executions',
  `UPDATE executions x
      SET status = 'running', worker_id = c.worker_id, started_at = COALESCE(x.started_at, clock_timestamp()), deliveries = x.deliveries + 1
     FROM jsonb_to_recordset($1::jsonb) AS c(id uuid, worker_id text)
    WHERE x.id = c.id AND x.status IN ('queued', 'running')
    RETURNING x.id, x.owner_id, x.workflow_id, x.definition, x.input, x.deliveries, x.result_awaited, x.region,
              (SELECT u.tier FROM users u WHERE u.id = x.owner_id) AS tier,
              (extract(epoch FROM x.started_at - x.created_at) * 1000)::int AS start_delay_ms`,
);
const RECORDED_STEPS = namedStatement(
  'recorded_steps',
  `SELECT step_id, status, output, started_at, duration_ms, attempts FROM execution_steps WHERE execution_id = $1 ORDER BY position`,
);
const RECORD_STEP = namedStatement('record_step', `SELECT flowline_record_step($1::jsonb)`);
// The function once per argument, in the array's order, in one transaction.
const FINISH_BATCH = namedStatement(
  'finish_executions',
  `SELECT r.finished_owner, r.finished_region, r.finished_duration_ms, r.owner_tier, r.owner_has_waiting
     FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS a(finish, n)
     CROSS JOIN LATERAL flowline_finish_execution(a.finish) AS r
    ORDER BY a.n`,
);
const FAIL_UNFINISHED = namedStatement(
  'fail_unfinished_execution',
  `UPDATE executions SET status = 'failed', error = $2, finished_at = now(), duration_ms = flowline_duration_ms(started_at)
    WHERE id = $1 AND status IN ('queued', 'running')
    RETURNING owner_id`,
);
const STALE = namedStatement(
  'stale_executions',
  `SELECT id, region, priority, request_id FROM executions
    WHERE (status = 'queued' AND created_at < now() - make_interval(secs => $2))
       OR (status = 'running' AND started_at < now() - make_interval(secs => $1))
    ORDER BY created_at LIMIT $3`,
);
const OWNERS_WITH_WAITING = namedStatement(
  'owners_with_waiting',
  `SELECT DISTINCT owner_id FROM executions WHERE status = 'waiting' LIMIT $1`,
);

interface ClaimRow {
  id: string;
  owner_id: string;
  workflow_id: string;
  definition: StepDefinition[];
  input: unknown;
  deliveries: number;
  result_awaited: boolean;
  region: string;
  tier: string;
  start_delay_ms: number;
}

interface ClaimRequest {
  executionId: string;
  workerId: string;
}

interface FinishRow {
  finished_owner: string | null;
  finished_region: string;
  finished_duration_ms: number;
  owner_tier: string;
  owner_has_waiting: boolean;
}

/** A finish as flowline_finish_execution takes it, with the owner whose lock it takes (for the lock order). */
interface FinishRequest {
  ownerId: string;
  argument: {
    id: string;
    delivery: number;
    status: ExecutionOutcome['status'];
    output: unknown;
    error: string | null;
    lastStep: ReturnType<typeof stepArgument> | null;
  };
}

/** The argument of flowline_record_step (sql/flowline_record_step.sql). */
function stepArgument(executionId: string, delivery: number, { position, result }: StepRecord) {
  return {
    executionId,
    delivery,
    stepId: result.id,
    position,
    status: result.status,
    output: result.output ?? null,
    error: result.error,
    attempts: result.attempts,
    startedAt: result.startedAt,
    durationMs: result.durationMs,
  };
}

/** A run's life in the worker and the reconciler. Each write is idempotent: a redelivered job never duplicates a record. */
@Injectable()
export class ExecutionRunRepository {
  private readonly claims = new GroupCommit<ClaimRequest, ClaimRow | null>((batch) => this.claimBatch(batch), {
    ...BATCHING,
    traceName: 'claim executions',
    onBatch: (size) => this.metrics.batchSize.observe({ operation: 'claim' }, size),
  });
  private readonly finishes = new GroupCommit<FinishRequest, FinishRow | null>((batch) => this.finishBatch(batch), {
    ...BATCHING,
    traceName: 'finish executions',
    onBatch: (size) => this.metrics.batchSize.observe({ operation: 'finish' }, size),
  });

  constructor(
    private readonly sql: SqlPool,
    private readonly metrics: FlowlineMetrics,
  ) {}

  /**
   * Opens `connections` pool connections and prepares the claim on each, before the first job: a claim that had
   * to wait for a new connection would start its run after runs that the queue handed out later.
   */
  async warmUp(connections: number): Promise<void> {
    await Promise.all(Array.from({ length: connections }, () => this.sql.rows(CLAIM_BATCH, ['[]'])));
  }

  /** queued → running (or a running one taken over after a crash); null when there is nothing to run. */
  async claim(executionId: string, workerId: string): Promise<ClaimedExecution | null> {
    const row = await this.claims.submit({ executionId, workerId });
    if (!row) return null;
    // Only a redelivery can find steps recorded by an earlier attempt.
    const completed = row.deliveries > 1 ? await this.completedSteps(executionId) : [];
    return {
      id: row.id,
      ownerId: row.owner_id,
      workflowId: row.workflow_id,
      definition: row.definition,
      input: row.input,
      delivery: row.deliveries,
      completed,
      resultAwaited: row.result_awaited,
      region: row.region,
      tier: row.tier,
      startDelayMs: row.start_delay_ms,
    };
  }

  /** The steps an earlier delivery completed, in order, up to the first that did not succeed. */
  async completedSteps(executionId: string): Promise<StepResult[]> {
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

  async recordStep(executionId: string, delivery: number, step: StepRecord): Promise<void> {
    await this.sql.rows(RECORD_STEP, [JSON.stringify(stepArgument(executionId, delivery, step))]);
  }

  /**
   * running → final (with the last step's record, if one is still unwritten), only for the latest
   * claimant; returns who and what when this call made the transition.
   */
  async finish(
    execution: Pick<ClaimedExecution, 'id' | 'ownerId' | 'delivery'>,
    outcome: ExecutionOutcome,
    lastStep: StepRecord | null,
  ): Promise<FinishedExecution | null> {
    const { id, ownerId, delivery } = execution;
    const row = await this.finishes.submit({
      ownerId,
      argument: {
        id,
        delivery,
        status: outcome.status,
        output: outcome.output ?? null,
        error: outcome.error,
        lastStep: lastStep && stepArgument(id, delivery, lastStep),
      },
    });
    if (!row?.finished_owner) return null;
    return {
      ownerId: row.finished_owner,
      region: row.finished_region,
      durationMs: row.finished_duration_ms,
      tier: row.owner_tier,
      ownerHasWaiting: row.owner_has_waiting,
    };
  }

  /**
   * One UPDATE for the batch. The same execution twice in a batch (a redelivery racing its first delivery)
   * is claimed again after it, so each claim still takes its own delivery number (the fencing token).
   */
  private async claimBatch(batch: ClaimRequest[]): Promise<(ClaimRow | null)[]> {
    const firsts = new Map<string, ClaimRequest>();
    for (const request of batch) if (!firsts.has(request.executionId)) firsts.set(request.executionId, request);
    const text = JSON.stringify([...firsts.values()].map(({ executionId, workerId }) => ({ id: executionId, worker_id: workerId })));
    const claimed = new Map((await this.sql.rows<ClaimRow>(CLAIM_BATCH, [text])).map((row) => [row.id, row]));
    const results: (ClaimRow | null)[] = [];
    for (const request of batch) {
      if (firsts.get(request.executionId) === request) results.push(claimed.get(request.executionId) ?? null);
      else results.push(...(await this.claimBatch([request])));
    }
    return results;
  }

  private async finishBatch(batch: FinishRequest[]): Promise<(FinishRow | null)[]> {
    // Each finish takes its owner's lock until the commit: taken in owner order, batches never wait in a cycle.
    const order = positionsInOrderOf(batch, (request) => request.ownerId);
    const rows = await this.sql.rows<FinishRow>(FINISH_BATCH, [JSON.stringify(order.map((i) => batch[i].argument))]);
    if (rows.length !== batch.length) throw new Error(`finishing ${batch.length} runs returned ${rows.length} rows`);
    const results: (FinishRow | null)[] = new Array(batch.length);
    order.forEach((i, position) => (results[i] = rows[position]));
    return results;
  }

  /** For jobs BullMQ gave up on (attempts or stalls exhausted): the owner id when this call failed the run. */
  async failUnfinished(executionId: string, error: string): Promise<string | null> {
    const row = await this.sql.one<{ owner_id: string }>(FAIL_UNFINISHED, [executionId, error]);
    return row?.owner_id ?? null;
  }

  /** Queued rows older than `queuedAgeSeconds` and running rows started before `runningGraceSeconds`, oldest first. */
  async stale(runningGraceSeconds: number, queuedAgeSeconds: number, limit: number): Promise<StaleExecution[]> {
    const rows = await this.sql.rows<{ id: string; region: string; priority: number; request_id: string | null }>(STALE, [
      runningGraceSeconds,
      queuedAgeSeconds,
      limit,
    ]);
    return rows.map((row) => ({ id: row.id, region: row.region, priority: row.priority, requestId: row.request_id }));
  }

  async ownersWithWaiting(limit: number): Promise<string[]> {
    return (await this.sql.rows<{ owner_id: string }>(OWNERS_WITH_WAITING, [limit])).map((row) => row.owner_id);
  }
}
