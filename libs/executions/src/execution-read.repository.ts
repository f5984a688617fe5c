import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { And, Between, DataSource, FindOperator, FindOptionsWhere, LessThan, MoreThanOrEqual, Raw, Repository } from 'typeorm';
import { ExecutionEntity, ExecutionStatus, ExecutionStepEntity } from '@app/database';
import type { Limit } from '@app/tier-policy';

export interface ExecutionFilter {
  workflowId?: string;
  status?: ExecutionStatus;
  /** created at or after */
  from?: Date;
  /** created before */
  to?: Date;
  /** from 1 */
  page: number;
  limit: number;
}

/** What a cancel changed: the status it left (waiting, queued or running) and the run's region. */
export interface Cancelled {
  previousStatus: ExecutionStatus;
  region: string;
}

/** Rows inside the owner's retention window (null = unlimited), by the database clock, as the purge sees it. */
function withinRetention(retentionDays: Limit): FindOperator<Date> | undefined {
  if (retentionDays === null) return undefined;
  return Raw((column) => `${column} >= now() - make_interval(days => :retentionDays)`, { retentionDays });
}

// $3: the owner's retention window in days (null = none); an execution outside it is not the owner's to cancel.
const CANCEL = `WITH previous AS (
    SELECT id, status FROM executions
     WHERE id = $1 AND owner_id = $2 AND ($3::int IS NULL OR created_at >= now() - make_interval(days => $3::int))
       FOR UPDATE)
  UPDATE executions e
     SET status = 'cancelled', error = 'Cancelled by the user', finished_at = now(), duration_ms = flowline_duration_ms(e.started_at)
    FROM previous
   WHERE e.id = previous.id AND previous.status IN ('waiting', 'queued', 'running')
  RETURNING previous.status AS previous_status, e.region AS region`;

/** What an owner reads of its executions, and the owner's cancel. Every method takes the owner id. */
@Injectable()
export class ExecutionReadRepository {
  constructor(
    @InjectRepository(ExecutionEntity) private readonly executions: Repository<ExecutionEntity>,
    @InjectRepository(ExecutionStepEntity) private readonly steps: Repository<ExecutionStepEntity>,
    private readonly dataSource: DataSource,
  ) {}

  /** Newest first, inside the retention window; with the total count. */
  list(ownerId: string, filter: ExecutionFilter, retentionDays: Limit): Promise<[ExecutionEntity[], number]> {
    const where: FindOptionsWhere<ExecutionEntity> = { ownerId };
    if (filter.workflowId) where.workflowId = filter.workflowId;
    if (filter.status) where.status = filter.status;
    let range: FindOperator<Date> | undefined;
    if (filter.from && filter.to) range = Between(filter.from, filter.to);
    else if (filter.from) range = MoreThanOrEqual(filter.from);
    else if (filter.to) range = LessThan(filter.to);
    const retained = withinRetention(retentionDays);
    const created = range && retained ? And(range, retained) : (range ?? retained);
    if (created) where.createdAt = created;
    return this.executions.findAndCount({
      where,
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: (filter.page - 1) * filter.limit,
      take: filter.limit,
    });
  }

  /** null when it is not the owner's, or older than `retentionDays` (null = no window). */
  find(ownerId: string, id: string, retentionDays: Limit = null): Promise<ExecutionEntity | null> {
    const where: FindOptionsWhere<ExecutionEntity> = { id, ownerId };
    const retained = withinRetention(retentionDays);
    if (retained) where.createdAt = retained;
    return this.executions.findOneBy(where);
  }

  /** The owner's execution's steps in definition order (none when it is not the owner's). */
  stepsOf(ownerId: string, executionId: string): Promise<ExecutionStepEntity[]> {
    return this.steps
      .createQueryBuilder('step')
      .innerJoin(ExecutionEntity, 'execution', 'execution.id = step.executionId AND execution.ownerId = :ownerId', { ownerId })
      .where('step.executionId = :executionId', { executionId })
      .orderBy('step.position', 'ASC')
      .getMany();
  }

  /** waiting/queued/running → cancelled; null when it is not the owner's, outside `retentionDays`, or already final. */
  async cancel(ownerId: string, id: string, retentionDays: Limit = null): Promise<Cancelled | null> {
    const [rows] = (await this.dataSource.query(CANCEL, [id, ownerId, retentionDays])) as [
      { previous_status: ExecutionStatus; region: string }[],
      number,
    ];
    const row = rows[0];
    return row ? { previousStatus: row.previous_status, region: row.region } : null;
  }
}
