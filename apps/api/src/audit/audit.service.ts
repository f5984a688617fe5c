import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, DataSource, EntityManager, FindOptionsWhere, LessThan, MoreThanOrEqual, Repository } from 'typeorm';
import type { AdmissionAuditRow } from '@app/executions';
import { AppConfig } from '@app/config';
import { AuditLogEntity, AuditOutcome } from '@app/database';
import { scrubAuditMetadata } from './audit-metadata';
import { AuditLogQuery } from './audit.dto';
import { currentRequestContext, NO_REQUEST_CONTEXT, RequestContext } from './request-context';

/** The contract's actions, plus `admin.access_denied` for a 403 on an admin route. */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.register',
  'auth.sso_login',
  'auth.sso_login_failed',
  'workflow.create',
  'workflow.update',
  'workflow.delete',
  'run.request',
  'run.rejected',
  'credential.create',
  'credential.update',
  'credential.delete',
  'billing.tier_change',
  'admin.user_update',
  'admin.access_denied',
  'api_key.create',
  'api_key.delete',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEvent {
  /** Who did it; null when nobody is authenticated (a failed login). */
  actorId: string | null;
  action: AuditAction;
  targetType?: string | null;
  targetId?: string | null;
  outcome?: AuditOutcome;
  /** Never a secret: secret-named keys are dropped anyway. */
  metadata?: Record<string, unknown>;
  /** Defaults to the current HTTP request's ip, user agent and request id. */
  context?: RequestContext;
}

/**
 * Writes the audit trail. Pass the transaction's EntityManager when the
 * audited change has one, so the row commits (or rolls back) with the change.
 */
@Injectable()
export class AuditService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuditService.name);

  constructor(
    @InjectRepository(AuditLogEntity) private readonly logs: Repository<AuditLogEntity>,
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async record(event: AuditEvent, manager?: EntityManager): Promise<void> {
    const row = this.rowFor(event);
    await (manager ?? this.dataSource.manager).query(
      `INSERT INTO audit_logs (actor_id, action, target_type, target_id, outcome, ip, user_agent, request_id, metadata)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)`,
      [
        row.actorId,
        row.action,
        row.targetType,
        row.targetId,
        event.outcome ?? 'success',
        row.ip,
        row.userAgent,
        row.requestId,
        JSON.stringify(row.metadata),
      ],
    );
  }

  /** The row of a successful event, for a writer that inserts it in its own statement (run admission). */
  rowFor(event: AuditEvent): AdmissionAuditRow {
    const context = event.context ?? currentRequestContext() ?? NO_REQUEST_CONTEXT;
    return {
      actorId: event.actorId,
      action: event.action,
      targetType: event.targetType ?? null,
      targetId: event.targetId ?? null,
      ip: context.ip,
      userAgent: context.userAgent,
      requestId: context.requestId,
      metadata: scrubAuditMetadata(event.metadata),
    };
  }

  list(query: AuditLogQuery): Promise<[AuditLogEntity[], number]> {
    const where: FindOptionsWhere<AuditLogEntity> = {};
    if (query.actorId) where.actorId = query.actorId;
    if (query.action) where.action = query.action;
    if (query.from && query.to) where.at = Between(query.from, query.to);
    else if (query.from) where.at = MoreThanOrEqual(query.from);
    else if (query.to) where.at = LessThan(query.to);
    return this.logs.findAndCount({ where, order: { at: 'DESC', id: 'DESC' }, skip: (query.page - 1) * query.limit, take: query.limit });
  }

  /** The database trigger reads the retention window from audit_log_settings; keep it equal to AUDIT_RETENTION_DAYS. */
  async onApplicationBootstrap(): Promise<void> {
    await this.dataSource
      .query(`UPDATE audit_log_settings SET retention_days = $1, updated_at = now() WHERE id AND retention_days <> $1`, [
        this.config.auditRetentionDays,
      ])
      .catch((error: Error) => this.logger.warn(`Could not store the audit retention window: ${error.message}`));
  }
}
