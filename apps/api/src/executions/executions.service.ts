import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { And, Between, DataSource, FindOperator, FindOptionsWhere, LessThan, MoreThanOrEqual, Raw, Repository } from 'typeorm';
import { WaitingRunsPromoter } from '@app/admission';
import { AppConfig } from '@app/config';
import { ExecutionEntity, ExecutionStatus, ExecutionStepEntity } from '@app/database';
import { AppError, NotFoundError, RunErrorCode } from '@app/errors';
import { cancelChannel, RegionQueues } from '@app/queue-contracts';
import { MAIN_REDIS } from '@app/redis';
import type { Limit } from '@app/tier-policy';
import { ExecutionListQuery } from './executions.dto';

/** Rows inside the owner's retention window (null = unlimited), by the database clock, as the purge sees it. */
function withinRetention(retentionDays: Limit): FindOperator<Date> | undefined {
  if (retentionDays === null) return undefined;
  return Raw((column) => `${column} >= now() - make_interval(days => :retentionDays)`, { retentionDays });
}

@Injectable()
export class ExecutionsService {
  private readonly logger = new Logger(ExecutionsService.name);

  constructor(
    @InjectRepository(ExecutionEntity) private readonly executions: Repository<ExecutionEntity>,
    @InjectRepository(ExecutionStepEntity) private readonly steps: Repository<ExecutionStepEntity>,
    private readonly dataSource: DataSource,
    private readonly queues: RegionQueues,
    private readonly promoter: WaitingRunsPromoter,
    @Inject(MAIN_REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  list(ownerId: string, query: ExecutionListQuery, retentionDays: Limit): Promise<[ExecutionEntity[], number]> {
    const where: FindOptionsWhere<ExecutionEntity> = { ownerId };
    if (query.workflowId) where.workflowId = query.workflowId;
    if (query.status) where.status = query.status;
    let range: FindOperator<Date> | undefined;
    if (query.from && query.to) range = Between(query.from, query.to);
    else if (query.from) range = MoreThanOrEqual(query.from);
    else if (query.to) range = LessThan(query.to);
    const retained = withinRetention(retentionDays);
    const created = range && retained ? And(range, retained) : (range ?? retained);
    if (created) where.createdAt = created;
    return this.executions.findAndCount({
      where,
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: (query.page - 1) * query.limit,
      take: query.limit,
    });
  }

  /** `retentionDays` hides what the owner's tier no longer keeps (readers pass it; internal callers may not). */
  async get(ownerId: string, id: string, retentionDays: Limit = null): Promise<ExecutionEntity> {
    const where: FindOptionsWhere<ExecutionEntity> = { id, ownerId };
    const retained = withinRetention(retentionDays);
    if (retained) where.createdAt = retained;
    const execution = await this.executions.findOneBy(where);
    if (!execution) throw new NotFoundError('Execution');
    return execution;
  }

  stepsOf(executionId: string): Promise<ExecutionStepEntity[]> {
    return this.steps.find({ where: { executionId }, order: { position: 'ASC' } });
  }

  /**
   * waiting/queued: cancelled at once and taken off the queue. running: marked
   * cancelled here; the worker is told over pub/sub, aborts the step in
   * flight and runs no further step. Final: 409.
   */
  async cancel(ownerId: string, id: string): Promise<ExecutionEntity> {
    const [rows] = (await this.dataSource.query(
      `WITH previous AS (SELECT id, status FROM executions WHERE id = $1 AND owner_id = $2 FOR UPDATE)
       UPDATE executions e
          SET status = 'cancelled', error = 'Cancelled by the user', finished_at = now(),
              duration_ms = CASE WHEN e.started_at IS NULL THEN NULL ELSE (extract(epoch FROM now() - e.started_at) * 1000)::int END
         FROM previous
        WHERE e.id = previous.id AND previous.status IN ('waiting', 'queued', 'running')
    RETURNING previous.status AS previous_status, e.region AS region`,
      [id, ownerId],
    )) as [{ previous_status: ExecutionStatus; region: string }[], number];
    const cancelled = rows[0];
    if (!cancelled) {
      const execution = await this.get(ownerId, id);
      throw new AppError(RunErrorCode.ExecutionFinal, `The execution already ended (${execution.status})`);
    }
    if (cancelled.previous_status === 'queued') {
      await this.queues
        .get(cancelled.region)
        .remove(id)
        .catch(() => undefined);
    }
    if (cancelled.previous_status === 'running') {
      await this.redis
        .publish(cancelChannel(this.config.redisKeyPrefix), id)
        .catch((error: Error) => this.logger.warn(`Cancel signal not sent for ${id}: ${error.message}`));
    }
    if (cancelled.previous_status !== 'waiting') await this.promoter.promote(ownerId).catch(() => undefined);
    return this.get(ownerId, id);
  }
}
