import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CustomLimits, UserEntity } from '@app/database';
import type { AuthUser } from '../common/auth-user';
import { AppError, NotFoundError } from '@app/errors';
import { SubscriptionChangesService } from '../billing/subscription-changes.service';
import { RegionPolicy } from '../regions/region-policy.service';
import { UsersService } from '../users/users.service';
import { AdminUpdateUserRequest } from './admin.dto';

@Injectable()
export class AdminService {
  constructor(
    private readonly users: UsersService,
    private readonly regions: RegionPolicy,
    private readonly dataSource: DataSource,
    private readonly subscriptions: SubscriptionChangesService,
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
    return this.dataSource.transaction(async (manager) => {
      // Tier and limits go through billing, as every tier change does: subscription, workflow limit, history, audit.
      if (change.tier !== undefined || change.customLimits !== undefined) {
        const customLimits = change.customLimits === undefined ? undefined : change.customLimits === null ? null : stripUndefined(change.customLimits);
        await this.subscriptions.change(userId, { tier: change.tier, customLimits }, { type: 'admin', id: actor.id }, manager);
      }
      const user = await manager.findOneBy(UserEntity, { id: userId });
      if (!user) throw new NotFoundError('User');
      if (change.role !== undefined) user.role = change.role;
      if (change.disabled !== undefined) user.disabled = change.disabled;
      if (change.preferredRegion !== undefined) user.preferredRegion = change.preferredRegion;
      return manager.save(user);
    });
  }
}

function stripUndefined(limits: CustomLimits): CustomLimits {
  return Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined)) as CustomLimits;
}
