import { Injectable } from '@nestjs/common';
import { CustomLimits, namedStatement, SqlPool, Tier, UserRole } from '@app/database';
import type { AuthUser } from '../common/auth-user';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The caller's columns (users aliased `u`), read the same way whether a JWT or an API key authenticated. */
export const AUTH_USER_COLUMNS = 'u.id, u.email, u.role, u.tier, u.preferred_region, u.custom_limits';

export interface AuthUserRow {
  id: string;
  email: string;
  role: UserRole;
  tier: Tier;
  preferred_region: string | null;
  custom_limits: CustomLimits | null;
}

export function authUserOf(row: AuthUserRow, via: AuthUser['via']): AuthUser {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    tier: row.tier,
    preferredRegion: row.preferred_region,
    customLimits: row.custom_limits,
    via,
  };
}

const ACTIVE_USER = namedStatement('auth_active_user', `SELECT ${AUTH_USER_COLUMNS} FROM users u WHERE u.id = $1 AND NOT u.disabled`);

/**
 * Reads the caller on every request (one prepared primary-key lookup), so a
 * demoted or disabled user loses access at once rather than when the token expires.
 */
@Injectable()
export class AuthUsersLoader {
  constructor(private readonly sql: SqlPool) {}

  async loadActive(userId: string, via: AuthUser['via']): Promise<AuthUser | null> {
    if (!UUID.test(userId)) return null;
    const row = await this.sql.one<AuthUserRow>(ACTIVE_USER, [userId]);
    return row ? authUserOf(row, via) : null;
  }
}
