import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import { credentialDataProblems, CredentialSecret, CredentialType, EnvelopeCipher, sealCredential, toCredentialSecret } from '@app/crypto';
import { CredentialEntity } from '@app/database';
import { NotFoundError, ValidationError } from '@app/errors';
import { AuditService } from '../audit/audit.service';
import { CreateCredentialRequest, UpdateCredentialRequest } from './credentials.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Secrets are encrypted here, on write, and decrypted only by the worker at use. */
@Injectable()
export class CredentialsService {
  constructor(
    @InjectRepository(CredentialEntity) private readonly credentials: Repository<CredentialEntity>,
    private readonly dataSource: DataSource,
    private readonly cipher: EnvelopeCipher,
    private readonly audit: AuditService,
  ) {}

  async create(ownerId: string, request: CreateCredentialRequest): Promise<CredentialEntity> {
    const secret = validSecret(request.type, request.data);
    const id = randomUUID();
    return this.dataSource.transaction(async (manager) => {
      const entity = manager.create(CredentialEntity, {
        id,
        ownerId,
        name: request.name,
        type: secret.type,
        ...this.sealed(id, ownerId, secret),
      });
      const saved = await manager.save(entity);
      await this.recordChange(manager, 'credential.create', ownerId, saved);
      return saved;
    });
  }

  list(ownerId: string, page: number, limit: number): Promise<[CredentialEntity[], number]> {
    return this.credentials.findAndCount({
      where: { ownerId },
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: (page - 1) * limit,
      take: limit,
    });
  }

  async get(ownerId: string, id: string): Promise<CredentialEntity> {
    const credential = await this.credentials.findOneBy({ id, ownerId });
    if (!credential) throw new NotFoundError('Credential');
    return credential;
  }

  async update(ownerId: string, id: string, request: UpdateCredentialRequest): Promise<CredentialEntity> {
    return this.dataSource.transaction(async (manager) => {
      const entity = await this.lockOwned(manager, ownerId, id);
      const changed: string[] = [];
      if (request.type !== undefined && request.type !== entity.type && request.data === undefined) {
        throw new ValidationError('data: changing the type needs data of the new type', [
          { field: 'data', errors: ['is required when type changes'] },
        ]);
      }
      if (request.data !== undefined) {
        const secret = validSecret(request.type ?? entity.type, request.data);
        if (secret.type !== entity.type) changed.push('type');
        Object.assign(entity, { type: secret.type, ...this.sealed(id, ownerId, secret) });
        changed.push('data');
      }
      if (request.name !== undefined && request.name !== entity.name) {
        entity.name = request.name;
        changed.push('name');
      }
      const saved = changed.length > 0 ? await manager.save(entity) : entity;
      await this.recordChange(manager, 'credential.update', ownerId, saved, { changed });
      return saved;
    });
  }

  async delete(ownerId: string, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const entity = await this.lockOwned(manager, ownerId, id);
      await manager.delete(CredentialEntity, { id, ownerId });
      await this.recordChange(manager, 'credential.delete', ownerId, entity);
    });
  }

  /** Which of `ids` are credentials of this owner (lower-case ids); anything else, another user's included, is absent. */
  async ownedIds(ownerId: string, ids: readonly string[]): Promise<Set<string>> {
    const candidates = [...new Set(ids.filter((id) => UUID.test(id)).map((id) => id.toLowerCase()))];
    if (candidates.length === 0) return new Set();
    const rows = await this.credentials.find({ where: { ownerId, id: In(candidates) }, select: { id: true } });
    return new Set(rows.map((row) => row.id.toLowerCase()));
  }

  /** The audit row of a change, in the change's transaction: the credential's name and type, never its data. */
  private recordChange(
    manager: EntityManager,
    action: 'credential.create' | 'credential.update' | 'credential.delete',
    ownerId: string,
    credential: CredentialEntity,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    const metadata = { name: credential.name, type: credential.type, ...extra };
    return this.audit.record({ actorId: ownerId, action, targetType: 'credential', targetId: credential.id, metadata }, manager);
  }

  private sealed(id: string, ownerId: string, secret: CredentialSecret): Pick<CredentialEntity, 'keyId' | 'iv' | 'authTag' | 'ciphertext'> {
    const envelope = sealCredential(this.cipher, { id, ownerId }, secret);
    return { keyId: envelope.keyId, iv: envelope.iv, authTag: envelope.authTag, ciphertext: envelope.ciphertext };
  }

  private async lockOwned(manager: EntityManager, ownerId: string, id: string): Promise<CredentialEntity> {
    const entity = await manager.findOne(CredentialEntity, { where: { id, ownerId }, lock: { mode: 'pessimistic_write' } });
    if (!entity) throw new NotFoundError('Credential');
    return entity;
  }
}

function validSecret(type: CredentialType, data: Record<string, unknown>): CredentialSecret {
  const problems = credentialDataProblems(type, data);
  if (problems.length > 0)
    throw new ValidationError(problems.map((problem) => `${problem.field}: ${problem.errors.join(', ')}`).join('; '), problems);
  return toCredentialSecret(type, data);
}
