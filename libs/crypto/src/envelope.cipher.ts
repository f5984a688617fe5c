import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const ALGORITHM = 'aes-256-gcm';
export const KEY_BYTES = 32;
/** 96-bit IVs: the size GCM is specified for (NIST SP 800-38D), random per encryption. */
export const IV_BYTES = 12;
/** Full 128-bit tags only; a truncated tag is refused rather than checked. */
export const TAG_BYTES = 16;
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,16}$/;

export interface KeyMaterial {
  readonly id: string;
  readonly key: Buffer;
}

/** What is stored: the key id travels with the ciphertext so older rows stay readable after a rotation. */
export interface Envelope {
  keyId: string;
  iv: Buffer;
  authTag: Buffer;
  ciphertext: Buffer;
}

/** Decryption failed. The message never holds key material, plaintext or ciphertext. */
export class DecryptionError extends Error {
  constructor(readonly reason: 'unknown-key' | 'malformed' | 'authentication') {
    super(reason === 'unknown-key' ? 'the key it was encrypted with is not configured' : 'authentication failed');
    this.name = 'DecryptionError';
  }
}

/**
 * AES-256-GCM with versioned keys: the last key encrypts, every key decrypts.
 * The AAD binds each envelope to its context (for credentials: row id and
 * owner), so an envelope copied to another row fails authentication.
 */
export class EnvelopeCipher {
  private readonly keys: ReadonlyMap<string, Buffer>;
  readonly activeKeyId: string;

  constructor(keys: readonly KeyMaterial[]) {
    if (keys.length === 0) throw new Error('at least one encryption key is required');
    const byId = new Map<string, Buffer>();
    for (const { id, key } of keys) {
      if (!KEY_ID_PATTERN.test(id)) throw new Error('encryption key ids are 1-16 letters, digits, _ or -');
      if (key.length !== KEY_BYTES) throw new Error(`encryption key ${id} must be exactly ${KEY_BYTES} bytes`);
      if (byId.has(id)) throw new Error(`encryption key id ${id} appears twice`);
      byId.set(id, Buffer.from(key));
    }
    this.keys = byId;
    this.activeKeyId = keys[keys.length - 1].id;
  }

  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  seal(plaintext: Buffer, aad: Buffer): Envelope {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keys.get(this.activeKeyId) as Buffer, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { keyId: this.activeKeyId, iv, authTag: cipher.getAuthTag(), ciphertext };
  }

  open(envelope: Envelope, aad: Buffer): Buffer {
    const key = this.keys.get(envelope.keyId);
    if (!key) throw new DecryptionError('unknown-key');
    if (envelope.iv.length !== IV_BYTES || envelope.authTag.length !== TAG_BYTES) throw new DecryptionError('malformed');
    try {
      const decipher = createDecipheriv(ALGORITHM, key, envelope.iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad);
      decipher.setAuthTag(envelope.authTag);
      return Buffer.concat([decipher.update(envelope.ciphertext), decipher.final()]);
    } catch {
      throw new DecryptionError('authentication');
    }
  }

  /** Re-encrypts with the active key (a fresh IV); throws DecryptionError like open. */
  reseal(envelope: Envelope, aad: Buffer): Envelope {
    const plaintext = this.open(envelope, aad);
    try {
      return this.seal(plaintext, aad);
    } finally {
      plaintext.fill(0);
    }
  }
}
