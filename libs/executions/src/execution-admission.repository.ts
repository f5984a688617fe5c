import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ExecutionTrigger, namedStatement, SqlPool, UserEntity } from '@app/database';
import { effectiveLimits } from '@app/tier-policy';
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
  priority: number;
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

// One statement: a later batch admission is the same function over jsonb_array_elements of many arguments.
const ADMIT = namedStatement(
  'admit_execution',
  `SELECT decision, admitted_region, admitted_queue, admitted_at, usage_active, usage_waiting, usage_today
     FROM flowline_admit_execution($1::jsonb)`,
);
const WITHDRAW = namedStatement('withdraw_execution', `DELETE FROM executions WHERE id = $1 AND status = 'queued'`);
const LIVE_USAGE = `SELECT active, waiting, today FROM flowline_live_usage($1)`;
const PROMOTE = `UPDATE executions SET status = 'queued'
  WHERE id IN (SELECT id FROM executions WHERE owner_id = $1 AND status = 'waiting' ORDER BY created_at, id LIMIT $2 FOR UPDATE)
  RETURNING id, region, priority, request_id, created_at`;

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
  constructor(
    private readonly sql: SqlPool,
    private readonly dataSource: DataSource,
  ) {}

  async admit(argument: AdmitArgument): Promise<AdmitOutcome> {
    // JSON is sent as text: pg would turn a JS array into a PostgreSQL array.
    const row = await this.sql.one<{
      decision: AdmitDecision;
      admitted_region: string | null;
      admitted_queue: string | null;
      admitted_at: Date | null;
      usage_active: number | null;
      usage_waiting: number | null;
      usage_today: number | null;
    }>(ADMIT, [JSON.stringify({ ...argument, input: argument.input ?? null })]);
    if (!row) throw new Error('admission returned no row');
    return {
      decision: row.decision,
      region: row.admitted_region,
      queue: row.admitted_queue,
      createdAt: row.admitted_at,
      usage: row.usage_active === null ? null : { active: row.usage_active, waiting: row.usage_waiting ?? 0, today: row.usage_today ?? 0 },
    };
  }

  /** Takes back a queued run whose job could not be added: frees its slot and its daily quota. */
  async withdraw(executionId: string): Promise<void> {
    await this.sql.rows(WITHDRAW, [executionId]);
  }

  /** Under the owner lock: as many of the owner's waiting runs as slots are free become queued, oldest first. */
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
      const [rows] = (await manager.query(PROMOTE, [ownerId, free])) as [
        { id: string; region: string; priority: number; request_id: string | null; created_at: Date }[],
        number,
      ];
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
