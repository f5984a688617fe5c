import type { CustomLimits, Tier, UserRole } from '@app/database';

/** The caller, loaded fresh from the database on every request. */
export interface AuthUser {
  id: string;
  email: string;
  role: UserRole;
  tier: Tier;
  preferredRegion: string | null;
  customLimits: CustomLimits | null;
  /** How the request authenticated. */
  via: 'jwt' | 'api-key';
}
