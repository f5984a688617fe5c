import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { UserEntity } from '@app/database';
import type { AuthUser } from '../common/auth-user';

/**
 * Reads the caller on every request (one primary-key lookup), so a demoted
 * or disabled user loses access at once rather than when the token expires.
 */
@Injectable()
export class AuthUsersLoader {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  async loadActive(userId: string, via: AuthUser['via']): Promise<AuthUser | null> {
    if (!/^[0-9a-f-]{36}$/i.test(userId)) return null;
    const user = await this.users.findOneBy({ id: userId });
    if (!user || user.disabled) return null;
    return toAuthUser(user, via);
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
