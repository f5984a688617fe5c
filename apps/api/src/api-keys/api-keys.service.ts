import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { Repository } from 'typeorm';
import { ApiKeyEntity } from '@app/database';
import type { AuthUser } from '../common/auth-user';
import { NotFoundError } from '@app/errors';
import { toAuthUser } from '../auth/auth-users.loader';

const KEY_PREFIX = 'flk_';
const LAST_USED_RESOLUTION_MS = 60_000;

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

@Injectable()
export class ApiKeysService {
  constructor(@InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>) {}

  async create(ownerId: string, name: string): Promise<{ entity: ApiKeyEntity; key: string }> {
    const key = KEY_PREFIX + randomBytes(32).toString('base64url');
    const entity = await this.keys.save(this.keys.create({ ownerId, name, prefix: key.slice(0, 8), keyHash: hashKey(key) }));
    return { entity, key };
  }

  list(ownerId: string, page: number, limit: number): Promise<[ApiKeyEntity[], number]> {
    return this.keys.findAndCount({ where: { ownerId }, order: { createdAt: 'DESC', id: 'ASC' }, skip: (page - 1) * limit, take: limit });
  }

  async delete(ownerId: string, id: string): Promise<ApiKeyEntity> {
    const key = await this.keys.findOneBy({ id, ownerId });
    if (!key) throw new NotFoundError('API key');
    await this.keys.delete({ id, ownerId });
    return key;
  }

  /** The key's owner, if the key exists and the owner is not disabled. */
  async authenticate(key: string): Promise<AuthUser | null> {
    if (!key.startsWith(KEY_PREFIX) || key.length > 100) return null;
    const found = await this.keys.findOne({ where: { keyHash: hashKey(key) }, relations: { owner: true } });
    if (!found?.owner || found.owner.disabled) return null;
    if (!found.lastUsedAt || Date.now() - found.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      // Best effort: the timestamp is informative, never worth failing or slowing a request.
      void this.keys.update({ id: found.id }, { lastUsedAt: new Date() }).catch(() => undefined);
    }
    return toAuthUser(found.owner, 'api-key');
  }
}
