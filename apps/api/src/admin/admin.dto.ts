import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, IsOptional, ValidateIf, ValidateNested } from 'class-validator';
import type { Tier, UserRole } from '@app/database';
import { MAX_QUEUE_WEIGHT } from '@app/tier-policy';
import { IntegerField, TextField } from '../common/dto/fields';
import { PageOf, PaginationQuery } from '../common/dto/pagination.dto';
import { AdminUserResponse, REGION_FIELD } from '../users/users.dto';

const nullable = ValidateIf((_object: object, value: unknown) => value !== null);
const override = { optional: true, nullable: true } as const;

export class CustomLimitsRequest {
  @IntegerField({ ...override, min: 0, max: 1_000_000, description: 'null = unlimited' })
  maxConcurrentJobs?: number | null;

  @IntegerField({ ...override, min: 0, max: 1_000_000 })
  maxWorkflows?: number | null;

  @IntegerField({ ...override, min: 0, max: 100_000_000 })
  dailyExecutions?: number | null;

  @IntegerField({ ...override, min: 1, max: 3650 })
  retentionDays?: number | null;

  @IntegerField({ ...override, min: 1, max: 1_000_000 })
  apiRequestsPerMinute?: number | null;

  @IntegerField({
    ...override,
    min: 1,
    max: MAX_QUEUE_WEIGHT,
    description: 'Fair share in a region queue (the tier gives 1 / 2 / 4); null = the tier default',
  })
  queueWeight?: number | null;
}

export class AdminUpdateUserRequest {
  @ApiPropertyOptional({ enum: ['free', 'pro', 'enterprise'] })
  @IsOptional()
  @IsIn(['free', 'pro', 'enterprise'])
  tier?: Tier;

  @ApiPropertyOptional({ enum: ['user', 'admin'] })
  @IsOptional()
  @IsIn(['user', 'admin'])
  role?: UserRole;

  @ApiPropertyOptional({ type: CustomLimitsRequest, nullable: true, description: 'Replaces the overrides; null removes them all' })
  @IsOptional()
  @nullable
  @IsObject()
  @ValidateNested()
  @Type(() => CustomLimitsRequest)
  customLimits?: CustomLimitsRequest | null;

  @TextField({ ...REGION_FIELD, ...override })
  preferredRegion?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export class AdminUsersQuery extends PaginationQuery {
  @TextField({ optional: true, maxLength: 254, description: 'Part of the email' })
  email?: string;
}

export class AdminUserPage extends PageOf(AdminUserResponse) {}
