import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID, Matches } from 'class-validator';
import type { AuditLogEntity, AuditOutcome } from '@app/database';
import { QueryTimeField, RESPONSE_TIMESTAMP, RESPONSE_UUID } from '../common/dto/fields';
import { PageOf, PaginationQuery } from '../common/dto/pagination.dto';

const ACTION_PATTERN = /^[a-z_]{1,40}\.[a-z_]{1,40}$/;
const ACTION = { type: 'string', pattern: ACTION_PATTERN.source, maxLength: 81 } as const;

export class AuditLogQuery extends PaginationQuery {
  @ApiPropertyOptional({ ...RESPONSE_UUID, description: 'Only rows of this actor' })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ ...ACTION, example: 'auth.login_failed', description: 'Exact action name' })
  @IsOptional()
  @Matches(ACTION_PATTERN, { message: 'action must look like auth.login' })
  action?: string;

  @QueryTimeField({ description: 'Rows at or after this time' })
  from?: Date;

  @QueryTimeField({ description: 'Rows before this time' })
  to?: Date;
}

export class AuditLogResponse {
  @ApiProperty(RESPONSE_UUID)
  id: string;
  @ApiProperty(RESPONSE_TIMESTAMP)
  at: string;
  @ApiProperty({ ...RESPONSE_UUID, nullable: true, description: 'null when nobody was signed in (e.g. a failed login)' })
  actorId: string | null;
  @ApiProperty({ ...ACTION, example: 'workflow.create' })
  action: string;
  @ApiProperty({ type: 'string', maxLength: 40, nullable: true, example: 'workflow' })
  targetType: string | null;
  @ApiProperty({
    type: 'string',
    maxLength: 208,
    nullable: true,
    description: 'The id of the target: a UUID, or for a refused admin call its method and path (the path cut at 200 characters)',
  })
  targetId: string | null;
  @ApiProperty({ enum: ['success', 'failure', 'denied'] })
  outcome: AuditOutcome;
  @ApiProperty({
    type: 'string',
    maxLength: 45,
    nullable: true,
    description: 'IPv4 or IPv6 address (TRUST_PROXY decides whether a proxy may name it)',
  })
  ip: string | null;
  @ApiProperty({ type: 'string', maxLength: 512, nullable: true, description: 'The first 512 characters of User-Agent' })
  userAgent: string | null;
  @ApiProperty({ type: 'string', maxLength: 64, nullable: true })
  requestId: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'What changed (names and before/after values); never a secret' })
  metadata: Record<string, unknown>;

  static from(row: AuditLogEntity): AuditLogResponse {
    return {
      id: row.id,
      at: row.at.toISOString(),
      actorId: row.actorId,
      action: row.action,
      targetType: row.targetType,
      targetId: row.targetId,
      outcome: row.outcome,
      ip: row.ip,
      userAgent: row.userAgent,
      requestId: row.requestId,
      metadata: row.metadata,
    };
  }
}

export class AuditLogPage extends PageOf(AuditLogResponse) {}
