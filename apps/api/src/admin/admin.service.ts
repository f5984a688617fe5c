import { HttpStatus, Injectable } from '@nestjs/common';
import type { CustomLimits, UserEntity } from '@app/database';
import type { AuthUser } from '../common/auth-user';
import { AppError } from '@app/errors';
import { RegionPolicy } from '../regions/region-policy.service';
import { UsersService } from '../users/users.service';
import { AdminUpdateUserRequest } from './admin.dto';

@Injectable()
export class AdminService {
  constructor(
    private readonly users: UsersService,
    private readonly regions: RegionPolicy,
  ) {}

  listUsers(page: number, limit: number, email?: string): Promise<[UserEntity[], number]> {
    return this.users.list(page, limit, email);
  }

  async updateUser(actor: AuthUser, userId: string, change: AdminUpdateUserRequest): Promise<UserEntity> {
    if (actor.id === userId && (change.role !== undefined || change.disabled !== undefined)) {
      // An admin who demotes or disables themselves could leave nobody able to undo it.
      throw new AppError(HttpStatus.FORBIDDEN, 'SELF_CHANGE_FORBIDDEN', 'Admins cannot change their own role or disable themselves');
    }
    if (change.preferredRegion) this.regions.assertKnown(change.preferredRegion);
    const user = await this.users.getById(userId);
    if (change.tier !== undefined) user.tier = change.tier;
    if (change.role !== undefined) user.role = change.role;
    if (change.disabled !== undefined) user.disabled = change.disabled;
    if (change.preferredRegion !== undefined) user.preferredRegion = change.preferredRegion;
    if (change.customLimits !== undefined) user.customLimits = change.customLimits === null ? null : stripUndefined(change.customLimits);
    return this.users.save(user);
  }
}

function stripUndefined(limits: CustomLimits): CustomLimits {
  return Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined)) as CustomLimits;
}
