import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { credentialHeaders, EnvelopeCipher, openCredential } from '@app/crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface CredentialRow {
  id: string;
  key_id: string;
  iv: Buffer;
  auth_tag: Buffer;
  ciphertext: Buffer;
}

/**
 * Decrypts a credential at the moment an http step uses it. The row must
 * belong to the execution's owner, and the owner id is bound into the AAD, so
 * neither a definition naming another user's credential nor a ciphertext
 * copied between rows yields a secret. Errors name the credential id only.
 */
@Injectable()
export class CredentialResolver {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cipher: EnvelopeCipher,
  ) {}

  async headersFor(ownerId: string, credentialId: string): Promise<Record<string, string>> {
    if (!UUID.test(credentialId)) throw new Error('credential not found');
    const [row] = (await this.dataSource.query(
      `SELECT id, key_id, iv, auth_tag, ciphertext FROM credentials WHERE id = $1 AND owner_id = $2`,
      [credentialId, ownerId],
    )) as CredentialRow[];
    if (!row) throw new Error(`credential ${credentialId} not found`);
    const secret = openCredential(
      this.cipher,
      { id: row.id, ownerId },
      { keyId: row.key_id, iv: row.iv, authTag: row.auth_tag, ciphertext: row.ciphertext },
    );
    return credentialHeaders(secret);
  }
}
