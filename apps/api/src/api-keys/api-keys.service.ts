import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import { ApiKeyEntity, namedStatement, SqlPool } from '@app/database';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../common/auth-user';
import { NotFoundError } from '@app/errors';
import { AUTH_USER_COLUMNS, authUserOf, AuthUserRow } from '../auth/auth-users.loader';

const KEY_PREFIX = 'flk_';
const LAST_USED_RESOLUTION_MS = 60_000;
const KEY_OWNER = namedStatement(
  'api_key_owner',
  `SELECT k.id AS key_id, k.last_used_at, ${AUTH_USER_COLUMNS} FROM api_keys k JOIN users u ON u.id = k.owner_id WHERE k.key_hash = $1 AND NOT u.disabled`,
);

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly sql: SqlPool,
  ) {}

  async create(ownerId: string, name: string): Promise<{ entity: ApiKeyEntity; key: string }> {
    const key = KEY_PREFIX + randomBytes(32).toString('base64url');
    const entity = await this.dataSource.transaction(async (manager) => {
      const saved = await manager.save(manager.create(ApiKeyEntity, { ownerId, name, prefix: key.slice(0, 8), keyHash: hashKey(key) }));
      await this.audit.record(
        { actorId: ownerId, action: 'api_key.create', targetType: 'api_key', targetId: saved.id, metadata: { name } },
        manager,
      );
      return saved;
    });
    return { entity, key };
  }

  list(ownerId: string, page: number, limit: number): Promise<[ApiKeyEntity[], number]> {
    return this.keys.findAndCount({ where: { ownerId }, order: { createdAt: 'DESC', id: 'ASC' }, skip: (page - 1) * limit, take: limit });
  }

  async delete(ownerId: string, id: string): Promise<ApiKeyEntity> {
    return this.dataSource.transaction(async (manager) => {
      const key = await manager.findOne(ApiKeyEntity, { where: { id, ownerId }, lock: { mode: 'pessimistic_write' } });
      if (!key) throw new NotFoundError('API key');
      await manager.delete(ApiKeyEntity, { id, ownerId });
      await this.audit.record(
        { actorId: ownerId, action: 'api_key.delete', targetType: 'api_key', targetId: id, metadata: { name: key.name } },
        manager,
      );
      return key;
    });
  }

  /** The key's owner, if the key exists and the owner is not disabled: one prepared statement, as on every request. */
  async authenticate(key: string): Promise<AuthUser | null> {
    if (!key.startsWith(KEY_PREFIX) || key.length > 100) return null;
    const found = await this.sql.one<AuthUserRow & { key_id: string; last_used_at: Date | null }>(KEY_OWNER, [hashKey(key)]);
    if (!found) return null;
    if (!found.last_used_at || Date.now() - found.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
      // Best effort: the timestamp is informative, never worth failing or slowing a request.
      void this.keys.update({ id: found.key_id }, { lastUsedAt: new Date() }).catch(() => undefined);
    }
    return authUserOf(found, 'api-key');
  }
}
