import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CustomLimits, UserEntity } from '@app/database';
import { AppError, NotFoundError } from '@app/errors';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../common/auth-user';
import { RegionPolicy } from '../regions/region-policy.service';
import { UsersService } from '../users/users.service';
import { AdminUpdateUserRequest } from './admin.dto';

/** Fields an admin may not change on their own account (their tier changes only through billing). */
const SELF_FORBIDDEN: readonly (keyof AdminUpdateUserRequest)[] = ['role', 'tier', 'customLimits', 'disabled'];

type Change = { from: unknown; to: unknown };

@Injectable()
export class AdminService {
  constructor(
    private readonly users: UsersService,
    private readonly regions: RegionPolicy,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  listUsers(page: number, limit: number, email?: string): Promise<[UserEntity[], number]> {
    return this.users.list(page, limit, email);
  }

  async updateUser(actor: AuthUser, userId: string, change: AdminUpdateUserRequest): Promise<UserEntity> {
    const selfChanged = actor.id === userId ? SELF_FORBIDDEN.filter((field) => change[field] !== undefined) : [];
    if (selfChanged.length > 0) {
      // An admin who demotes, disables or upgrades themselves is exactly what the trail must show.
      await this.audit.record({ actorId: actor.id, action: 'admin.user_update', targetType: 'user', targetId: userId, outcome: 'denied', metadata: { fields: selfChanged } });
      throw new AppError(HttpStatus.FORBIDDEN, 'SELF_CHANGE_FORBIDDEN', `Admins cannot change their own ${selfChanged.join(', ')}`);
    }
    if (change.preferredRegion !== undefined && change.preferredRegion !== null) this.regions.assertKnown(change.preferredRegion);

    return this.dataSource.transaction(async (manager) => {
      const user = await manager.findOne(UserEntity, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw new NotFoundError('User');
      const changes: Record<string, Change> = {};
      const apply = <K extends 'tier' | 'role' | 'disabled' | 'preferredRegion' | 'customLimits'>(field: K, value: UserEntity[K] | undefined): void => {
        if (value === undefined || JSON.stringify(user[field]) === JSON.stringify(value)) return;
        changes[field] = { from: user[field], to: value };
        user[field] = value;
      };
      apply('tier', change.tier);
      apply('role', change.role);
      apply('disabled', change.disabled);
      apply('preferredRegion', change.preferredRegion);
      apply('customLimits', change.customLimits === undefined ? undefined : change.customLimits === null ? null : stripUndefined(change.customLimits));
      const saved = await manager.save(user);
      const target = { targetType: 'user', targetId: userId };
      await this.audit.record({ actorId: actor.id, action: 'admin.user_update', ...target, metadata: { changes } }, manager);
      if (changes.tier) {
        await this.audit.record({ actorId: actor.id, action: 'billing.tier_change', ...target, metadata: { from: changes.tier.from, to: changes.tier.to, via: 'admin' } }, manager);
      }
      return saved;
    });
  }
}

function stripUndefined(limits: CustomLimits): CustomLimits {
  return Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined)) as CustomLimits;
}
