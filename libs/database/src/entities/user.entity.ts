import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type UserRole = 'user' | 'admin';
export type Tier = 'free' | 'pro' | 'enterprise';

/** Numeric limits an admin may override per user; null = unlimited. */
export interface CustomLimits {
  maxConcurrentJobs?: number | null;
  maxWorkflows?: number | null;
  dailyExecutions?: number | null;
  retentionDays?: number | null;
  apiRequestsPerMinute?: number | null;
  /** Fair share in a region queue (1..16); absent or null: the tier's weight. */
  queueWeight?: number | null;
}

@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_users' })
  id: string;

  @Index('uq_users_email', { unique: true })
  @Column({ type: 'text' })
  email: string;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash: string;

  @Column({ type: 'text', default: 'user' })
  role: UserRole;

  @Column({ type: 'text', default: 'free' })
  tier: Tier;

  @Column({ name: 'preferred_region', type: 'text', nullable: true })
  preferredRegion: string | null;

  @Column({ name: 'custom_limits', type: 'jsonb', nullable: true })
  customLimits: CustomLimits | null;

  @Column({ type: 'boolean', default: false })
  disabled: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
