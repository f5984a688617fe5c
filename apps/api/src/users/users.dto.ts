import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';
import type { CustomLimits, Tier, UserEntity, UserRole } from '@app/database';

export class CustomLimitsView {
  @ApiPropertyOptional({ nullable: true, type: Number })
  maxConcurrentJobs?: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number })
  maxWorkflows?: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number })
  dailyExecutions?: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number })
  retentionDays?: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number })
  apiRequestsPerMinute?: number | null;
}

export class UserResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ example: 'ada@example.com' })
  email: string;
  @ApiProperty({ nullable: true, type: String, example: 'Ada' })
  name: string | null;
  @ApiProperty({ enum: ['user', 'admin'] })
  role: UserRole;
  @ApiProperty({ enum: ['free', 'pro', 'enterprise'] })
  tier: Tier;
  @ApiProperty({ nullable: true, type: String, example: 'eu-west-1' })
  preferredRegion: string | null;
  @ApiProperty({ nullable: true, type: CustomLimitsView })
  customLimits: CustomLimits | null;
  @ApiProperty()
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
  @ApiPropertyOptional({ maxLength: 200, nullable: true, type: String })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'eu-west-1',
    description: 'One of the configured regions, or null for the default',
  })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsString()
  preferredRegion?: string | null;
}
