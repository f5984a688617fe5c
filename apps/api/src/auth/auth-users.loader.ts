import { Injectable } from '@nestjs/common';
import { CustomLimits, namedStatement, SqlPool, Tier, UserEntity, UserRole } from '@app/database';
import type { AuthUser } from '../common/auth-user';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ACTIVE_USER = namedStatement(
  'auth_active_user',
  `SELECT id, email, role, tier, preferred_region, custom_limits FROM users WHERE id = $1 AND NOT disabled`,
);

interface ActiveUserRow {
  id: string;
  email: string;
  role: UserRole;
  tier: Tier;
  preferred_region: string | null;
  custom_limits: CustomLimits | null;
}

/**
 * Reads the caller on every request (one prepared primary-key lookup), so a
 * demoted or disabled user loses access at once rather than when the token expires.
 */
@Injectable()
export class AuthUsersLoader {
  constructor(private readonly sql: SqlPool) {}

  async loadActive(userId: string, via: AuthUser['via']): Promise<AuthUser | null> {
    if (!UUID.test(userId)) return null;
    const row = await this.sql.one<ActiveUserRow>(ACTIVE_USER, [userId]);
    if (!row) return null;
    return { id: row.id, email: row.email, role: row.role, tier: row.tier, preferredRegion: row.preferred_region, customLimits: row.custom_limits, via };
  }
}

export function toAuthUser(user: UserEntity, via: AuthUser['via']): AuthUser {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    tier: user.tier,
    preferredRegion: user.preferredRegion,
    customLimits: user.customLimits,
    via,
  };
}
