import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CustomLimits, UserEntity } from '@app/database';
import { AppError, AuthErrorCode, NotFoundError } from '@app/errors';
import { lockOwner } from '@app/executions';
import { AuditService } from '../audit/audit.service';
import { SubscriptionChangesService } from '../billing/subscription-changes.service';
import type { AuthUser } from '../common/auth-user';
import { RegionPolicy } from '../regions/region-policy.service';
import { UsersService } from '../users/users.service';
import { AdminUpdateUserRequest } from './admin.dto';

/** Fields an admin may not change on their own account (their tier changes only through billing). */
const SELF_FORBIDDEN: readonly (keyof AdminUpdateUserRequest)[] = ['role', 'tier', 'customLimits', 'disabled'];
const AUDITED_FIELDS = ['tier', 'role', 'disabled', 'preferredRegion', 'customLimits'] as const;

@Injectable()
export class AdminService {
  constructor(
    private readonly users: UsersService,
    private readonly regions: RegionPolicy,
    private readonly dataSource: DataSource,
    private readonly subscriptions: SubscriptionChangesService,
    private readonly audit: AuditService,
  ) {}

  listUsers(page: number, limit: number, email?: string): Promise<[UserEntity[], number]> {
    return this.users.list(page, limit, email);
  }

  async updateUser(actor: AuthUser, userId: string, change: AdminUpdateUserRequest): Promise<UserEntity> {
    const selfChanged = actor.id === userId ? SELF_FORBIDDEN.filter((field) => change[field] !== undefined) : [];
    if (selfChanged.length > 0) {
      // An admin who demotes, disables or upgrades themselves is exactly what the trail must show.
      await this.audit.record({
        actorId: actor.id,
        action: 'admin.user_update',
        targetType: 'user',
        targetId: userId,
        outcome: 'denied',
        metadata: { fields: selfChanged },
      });
      throw new AppError(AuthErrorCode.SelfChangeForbidden, `Admins cannot change their own ${selfChanged.join(', ')}`);
    }
    if (change.preferredRegion !== undefined && change.preferredRegion !== null) this.regions.assertKnown(change.preferredRegion);

    return this.dataSource.transaction(async (manager) => {
      // The lock order of every tier change (owner lock, then the row), so `before` is what this change replaces.
      await lockOwner(manager, userId);
      const before = await manager.findOne(UserEntity, { where: { id: userId }, lock: { mode: 'for_no_key_update' } });
      if (!before) throw new NotFoundError('User');
      const previous = { ...before };
      // Tier and limits go through billing, as every tier change does: subscription, workflow limit, history, billing.tier_change.
      if (change.tier !== undefined || change.customLimits !== undefined) {
        const customLimits =
          change.customLimits === undefined ? undefined : change.customLimits === null ? null : stripUndefined(change.customLimits);
        await this.subscriptions.change(userId, { tier: change.tier, customLimits }, { type: 'admin', id: actor.id }, manager);
      }
      const user = await manager.findOneByOrFail(UserEntity, { id: userId });
      if (change.role !== undefined) user.role = change.role;
      if (change.disabled !== undefined) user.disabled = change.disabled;
      if (change.preferredRegion !== undefined) user.preferredRegion = change.preferredRegion;
      const saved = await manager.save(user);
      const changes = Object.fromEntries(
        AUDITED_FIELDS.filter((field) => JSON.stringify(previous[field]) !== JSON.stringify(saved[field])).map((field) => [
          field,
          { from: previous[field], to: saved[field] },
        ]),
      );
      await this.audit.record(
        { actorId: actor.id, action: 'admin.user_update', targetType: 'user', targetId: userId, metadata: { changes } },
        manager,
      );
      return saved;
    });
  }
}

function stripUndefined(limits: CustomLimits): CustomLimits {
  return Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined)) as CustomLimits;
}
