import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REGION_LIMITS, REGION_PATTERN } from '@app/config';
import type { CustomLimits, Tier, UserEntity, UserRole } from '@app/database';
import { RESPONSE_EMAIL, RESPONSE_TIMESTAMP, RESPONSE_UUID, TextField } from '../common/dto/fields';

/** A region id in a request: checked against REGIONS (400 UNKNOWN_REGION listing them), so only its length is a field rule. */
export const REGION_FIELD = {
  maxLength: REGION_LIMITS.maxLength,
  example: 'eu-west-1',
  description: 'One of the regions of GET /regions',
} as const;
/** A region id in a response: one of REGIONS, which config validates against this pattern. */
export const REGION_VIEW = {
  type: 'string',
  maxLength: REGION_LIMITS.maxLength,
  pattern: REGION_PATTERN.source,
  example: 'eu-west-1',
} as const;

/** A limit as stored: null is unlimited. */
const LIMIT_VIEW = { type: 'integer', format: 'int32', minimum: 0, maximum: 100_000_000, nullable: true } as const;

export class CustomLimitsView {
  @ApiPropertyOptional(LIMIT_VIEW)
  maxConcurrentJobs?: number | null;
  @ApiPropertyOptional(LIMIT_VIEW)
  maxWorkflows?: number | null;
  @ApiPropertyOptional(LIMIT_VIEW)
  dailyExecutions?: number | null;
  @ApiPropertyOptional(LIMIT_VIEW)
  retentionDays?: number | null;
  @ApiPropertyOptional(LIMIT_VIEW)
  apiRequestsPerMinute?: number | null;
  @ApiPropertyOptional(LIMIT_VIEW)
  queueWeight?: number | null;
}

export class UserResponse {
  @ApiProperty(RESPONSE_UUID)
  id: string;
  @ApiProperty({ ...RESPONSE_EMAIL, example: 'ada@example.com' })
  email: string;
  @ApiProperty({ type: 'string', maxLength: 200, nullable: true, example: 'Ada' })
  name: string | null;
  @ApiProperty({ enum: ['user', 'admin'] })
  role: UserRole;
  @ApiProperty({ enum: ['free', 'pro', 'enterprise'] })
  tier: Tier;
  @ApiProperty({ ...REGION_VIEW, nullable: true })
  preferredRegion: string | null;
  @ApiProperty({ nullable: true, type: CustomLimitsView })
  customLimits: CustomLimits | null;
  @ApiProperty(RESPONSE_TIMESTAMP)
  createdAt: string;

  static from(user: UserEntity): UserResponse {
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      tier: user.tier,
      preferredRegion: user.preferredRegion,
      customLimits: user.customLimits,
      createdAt: user.createdAt.toISOString(),
    };
  }
}

export class AdminUserResponse extends UserResponse {
  @ApiProperty()
  disabled: boolean;

  static override from(user: UserEntity): AdminUserResponse {
    return { ...UserResponse.from(user), disabled: user.disabled };
  }
}

export class UpdateMeRequest {
  @TextField({ optional: true, nullable: true, minLength: 1, maxLength: 200 })
  name?: string | null;

  @TextField({
    ...REGION_FIELD,
    optional: true,
    nullable: true,
    description: 'One of the regions of GET /regions, or null for the default',
  })
  preferredRegion?: string | null;
}
