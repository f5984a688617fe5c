import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ExecutionTrigger, namedStatement, SqlPool, statementWasUndone, UserEntity } from '@app/database';
import { GroupCommit, positionsInOrderOf } from '@app/group-commit';
import { FlowlineMetrics } from '@app/metrics';
import { effectiveLimits, queueWeight } from '@app/tier-policy';
import { AdmissionDecision, AdmissionLimits, LiveUsage, promotableRuns, RegionChoice } from './admission-rules';

/** An audit row written with an accepted run, in the same statement; its metadata gains the run's region and status. */
export interface AdmissionAuditRow {
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  metadata: Record<string, unknown>;
}

/** The one argument of flowline_admit_execution (sql/flowline_admit_execution.sql), as JSON. */
export interface AdmitArgument {
  id: string;
  ownerId: string;
  workflowId: string;
  trigger: ExecutionTrigger;
  /** The owner's fair-share weight (queueWeight in @app/tier-policy). */
  queueWeight: number;
  input: unknown;
  requestId: string | null;
  resultAwaited: boolean;
  /** The workflow's pin is read in the statement. */
  region: Omit<RegionChoice, 'workflowPin'>;
  /** The configured regions and their queues. */
  queues: Record<string, string>;
  limits: AdmissionLimits;
  audit: AdmissionAuditRow | null;
}

export type AdmitDecision = AdmissionDecision | 'workflow_not_found' | 'workflow_inactive' | 'unknown_region';

export interface AdmitOutcome {
  decision: AdmitDecision;
  region: string | null;
  queue: string | null;
  createdAt: Date | null;
  /** A queued run's BullMQ priority: its place in the region's fair order (0 for a waiting run). */
  priority: number;
  /** The usage the decision saw (null when no limit applied). */
  usage: LiveUsage | null;
}

/** A waiting run that was just made queued: it needs its job. */
export interface PromotedRun {
  id: string;
  region: string;
  priority: number;
  requestId: string | null;
  createdAt: Date;
}

/** Admissions that arrive while these many statements run are admitted together by the next one. */
const ADMIT_IN_FLIGHT = 2;
const ADMIT_BATCH_MAX = 100;

// One statement (one transaction, one commit) for a batch: the function once per argument, in the array's order.
const ADMIT_BATCH = namedStatement(
  'admit_executions',
  `SELECT r.decision, r.admitted_region, r.admitted_queue, r.admitted_at, r.usage_active, r.usage_waiting, r.usage_today,
          r.admitted_priority
     FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS a(admission, n)
     CROSS JOIN LATERAL flowline_admit_execution(a.admission) AS r
    ORDER BY a.n`,
);

interface AdmitRow {
  decision: AdmitDecision;
  admitted_region: string | null;
  admitted_queue: string | null;
  admitted_at: Date | null;
  usage_active: number | null;
  usage_waiting: number | null;
  usage_today: number | null;
  admitted_priority: number | null;
}
const WITHDRAW = namedStatement('withdraw_execution', `DELETE FROM executions WHERE id = $1 AND status = 'queued'`);
const LIVE_USAGE = `SELECT active, waiting, today FROM flowline_live_usage($1)`;
const PROMOTE = `SELECT id, region, priority, request_id, created_at FROM flowline_promote_waiting($1, $2, $3)`;

/**
 * Serialises admissions of one user: a transaction-scoped advisory lock keyed by the owner id
 * (sql/flowline_lock_owner.sql). Every path that creates or promotes an execution, or changes an owner's
 * limits, takes it first, so two transactions can never both see "one slot free" and both insert.
 */
export async function lockOwner(manager: EntityManager, ownerId: string): Promise<void> {
  await manager.query(`SELECT flowline_lock_owner($1)`, [ownerId]);
}

/** Admission's SQL: the admitting statement, its undo, promotion of waiting runs, live usage. */
@Injectable()
export class ExecutionAdmissionRepository {
  /** Group commit: one statement and one commit for the admissions that arrive within a round trip. */
  private readonly admissions = new GroupCommit<AdmitArgument, AdmitOutcome>((batch) => this.admitBatch(batch), {
    maxInFlight: ADMIT_IN_FLIGHT,
    maxBatch: ADMIT_BATCH_MAX,
    // A batch PostgreSQL refused was rolled back whole: each argument again alone gets its own answer.
    retryAlone: statementWasUndone,
    traceName: 'admit executions',
    onBatch: (size) => this.metrics.batchSize.observe({ operation: 'admit' }, size),
  });

  constructor(
    private readonly sql: SqlPool,
    private readonly dataSource: DataSource,
    private readonly metrics: FlowlineMetrics,
  ) {}

  /** Admits (or refuses) one run; shares its statement with the admissions arriving at the same time. */
  admit(argument: AdmitArgument): Promise<AdmitOutcome> {
    return this.admissions.submit(argument);
  }

  private async admitBatch(batch: AdmitArgument[]): Promise<AdmitOutcome[]> {
    // Owner locks are taken in the statement's order and held to its commit: taken in owner order, two
    // concurrent batches never wait for each other in a cycle. One owner's admissions keep their arrival order.
    const order = positionsInOrderOf(batch, (argument) => argument.ownerId);
    // JSON is sent as text: pg would turn a JS array into a PostgreSQL array.
    const text = JSON.stringify(order.map((i) => ({ ...batch[i], input: batch[i].input ?? null })));
    const rows = await this.sql.rows<AdmitRow>(ADMIT_BATCH, [text]);
    if (rows.length !== batch.length) throw new Error(`admission of ${batch.length} runs returned ${rows.length} rows`);
    const outcomes: AdmitOutcome[] = new Array(batch.length);
    order.forEach((i, position) => (outcomes[i] = outcomeOf(rows[position])));
    return outcomes;
  }

  /** Takes back a queued run whose job could not be added: frees its slot and its daily quota. */
  async withdraw(executionId: string): Promise<void> {
    await this.sql.rows(WITHDRAW, [executionId]);
  }

  /**
   * Under the owner lock: as many of the owner's waiting runs as slots are free become queued, oldest first,
   * each taking its place in its region's fair order (sql/flowline_promote_waiting.sql).
   */
  promoteWaiting(ownerId: string): Promise<PromotedRun[]> {
    return this.dataSource.transaction(async (manager) => {
      await lockOwner(manager, ownerId);
      const owner = await manager.findOne(UserEntity, { where: { id: ownerId } });
      if (!owner) return [];
      const free = promotableRuns(
        await this.liveUsage(ownerId, manager),
        effectiveLimits(owner.tier, owner.customLimits).maxConcurrentJobs,
      );
      if (free === 0) return [];
      const rows = (await manager.query(PROMOTE, [ownerId, free, queueWeight(owner.tier, owner.customLimits)])) as {
        id: string;
        region: string;
        priority: number;
        request_id: string | null;
        created_at: Date;
      }[];
      return rows
        .map((row) => ({ id: row.id, region: row.region, priority: row.priority, requestId: row.request_id, createdAt: row.created_at }))
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    });
  }

  /** The usage admission counts (sql/flowline_live_usage.sql); inside `manager`'s transaction when given. */
  async liveUsage(ownerId: string, manager: EntityManager = this.dataSource.manager): Promise<LiveUsage> {
    const [row] = (await manager.query(LIVE_USAGE, [ownerId])) as LiveUsage[];
    return row;
  }
}

function outcomeOf(row: AdmitRow): AdmitOutcome {
  return {
    decision: row.decision,
    region: row.admitted_region,
    queue: row.admitted_queue,
    createdAt: row.admitted_at,
    priority: row.admitted_priority ?? 0,
    usage: row.usage_active === null ? null : { active: row.usage_active, waiting: row.usage_waiting ?? 0, today: row.usage_today ?? 0 },
  };
}
