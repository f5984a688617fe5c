import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsOptional, IsUUID, Matches } from 'class-validator';
import type { AuditLogEntity, AuditOutcome } from '@app/database';
import { PageOf, PaginationQuery } from '../common/dto/pagination.dto';

export class AuditLogQuery extends PaginationQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only rows of this actor' })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ example: 'auth.login_failed', description: 'Exact action name' })
  @IsOptional()
  @Matches(/^[a-z_]{1,40}\.[a-z_]{1,40}$/, { message: 'action must look like auth.login' })
  action?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Rows at or after this time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({ format: 'date-time', description: 'Rows before this time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;
}

export class AuditLogResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'date-time' })
  at: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'null when nobody was signed in (e.g. a failed login)' })
  actorId: string | null;
  @ApiProperty({ example: 'workflow.create' })
  action: string;
  @ApiProperty({ nullable: true, type: String, example: 'workflow' })
  targetType: string | null;
  @ApiProperty({ nullable: true, type: String })
  targetId: string | null;
  @ApiProperty({ enum: ['success', 'failure', 'denied'] })
  outcome: AuditOutcome;
  @ApiProperty({ nullable: true, type: String })
  ip: string | null;
  @ApiProperty({ nullable: true, type: String })
  userAgent: string | null;
  @ApiProperty({ nullable: true, type: String })
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
