import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import type { Tier, UserRole } from '@app/database';
import { MAX_QUEUE_WEIGHT } from '@app/tier-policy';
import { PageOf, PaginationQuery } from '../common/dto/pagination.dto';
import { AdminUserResponse } from '../users/users.dto';

const nullable = ValidateIf((_object: object, value: unknown) => value !== null);

export class CustomLimitsRequest {
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'null = unlimited' })
  @IsOptional()
  @nullable
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  maxConcurrentJobs?: number | null;

  @ApiPropertyOptional({ nullable: true, type: Number })
  @IsOptional()
  @nullable
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  maxWorkflows?: number | null;

  @ApiPropertyOptional({ nullable: true, type: Number })
  @IsOptional()
  @nullable
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  dailyExecutions?: number | null;

  @ApiPropertyOptional({ nullable: true, type: Number })
  @IsOptional()
  @nullable
  @IsInt()
  @Min(1)
  @Max(3650)
  retentionDays?: number | null;

  @ApiPropertyOptional({ nullable: true, type: Number })
  @IsOptional()
  @nullable
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  apiRequestsPerMinute?: number | null;

  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    minimum: 1,
    maximum: MAX_QUEUE_WEIGHT,
    description: 'Fair share in a region queue (the tier gives 1 / 2 / 4); null = the tier default',
  })
  @IsOptional()
  @nullable
  @IsInt()
  @Min(1)
  @Max(MAX_QUEUE_WEIGHT)
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

  @ApiPropertyOptional({ nullable: true, type: String, example: 'eu-west-1' })
  @IsOptional()
  @nullable
  @IsString()
  @MaxLength(64)
  preferredRegion?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export class AdminUsersQuery extends PaginationQuery {
  @ApiPropertyOptional({ description: 'Part of the email', maxLength: 254 })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  email?: string;
}

export class AdminUserPage extends PageOf(AdminUserResponse) {}
