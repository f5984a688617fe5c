import { DecryptionError, Envelope, EnvelopeCipher } from './envelope.cipher';

export type CredentialType = 'bearer' | 'basic' | 'header';
export const CREDENTIAL_TYPES: readonly CredentialType[] = ['bearer', 'basic', 'header'];

export interface BearerData {
  token: string;
}
export interface BasicData {
  username: string;
  password: string;
}
export interface HeaderData {
  name: string;
  value: string;
}

/** The decrypted content of a credential row; exists only in memory, at the moment of use. */
export type CredentialSecret =
  { type: 'bearer'; data: BearerData } | { type: 'basic'; data: BasicData } | { type: 'header'; data: HeaderData };

/** The secret fields of each type, in the order responses list them. */
export const CREDENTIAL_FIELDS: Readonly<Record<CredentialType, readonly string[]>> = {
  bearer: ['token'],
  basic: ['username', 'password'],
  header: ['name', 'value'],
};

/** Which row an envelope belongs to; both ids are bound into the AAD. */
export interface CredentialBinding {
  id: string;
  ownerId: string;
}

/** The message every undecryptable credential fails with: it names no key, row content or secret. */
export const CREDENTIAL_UNDECRYPTABLE = 'credential could not be decrypted';

export class CredentialDecryptionError extends Error {
  constructor(detail?: string) {
    super(detail ? `${CREDENTIAL_UNDECRYPTABLE}: ${detail}` : CREDENTIAL_UNDECRYPTABLE);
    this.name = 'CredentialDecryptionError';
  }
}

export function credentialAad({ id, ownerId }: CredentialBinding): Buffer {
  return Buffer.from(`flowline:credential:v1:${id.toLowerCase()}:${ownerId.toLowerCase()}`, 'utf8');
}

export function sealCredential(cipher: EnvelopeCipher, binding: CredentialBinding, secret: CredentialSecret): Envelope {
  const plaintext = Buffer.from(JSON.stringify({ type: secret.type, data: secret.data }), 'utf8');
  try {
    return cipher.seal(plaintext, credentialAad(binding));
  } finally {
    plaintext.fill(0);
  }
}

/** Decrypts and checks the shape; any failure is a CredentialDecryptionError without secret content. */
export function openCredential(cipher: EnvelopeCipher, binding: CredentialBinding, envelope: Envelope): CredentialSecret {
  let plaintext: Buffer;
  try {
    plaintext = cipher.open(envelope, credentialAad(binding));
  } catch (error) {
    const unknownKey = error instanceof DecryptionError && error.reason === 'unknown-key';
    throw new CredentialDecryptionError(unknownKey ? `key ${envelope.keyId} is not in ENCRYPTION_KEYS` : undefined);
  }
  try {
    const parsed = JSON.parse(plaintext.toString('utf8')) as unknown;
    if (!isCredentialSecret(parsed)) throw new Error('shape');
    return parsed;
  } catch {
    throw new CredentialDecryptionError();
  } finally {
    plaintext.fill(0);
  }
}

/** Re-encrypts a row's envelope with the active key, keeping it bound to the same row. */
export function resealCredential(cipher: EnvelopeCipher, binding: CredentialBinding, envelope: Envelope): Envelope {
  try {
    return cipher.reseal(envelope, credentialAad(binding));
  } catch (error) {
    const unknownKey = error instanceof DecryptionError && error.reason === 'unknown-key';
    throw new CredentialDecryptionError(unknownKey ? `key ${envelope.keyId} is not in ENCRYPTION_KEYS` : undefined);
  }
}

/** The request headers an http step gets for the credential. */
export function credentialHeaders(secret: CredentialSecret): Record<string, string> {
  switch (secret.type) {
    case 'bearer':
      return { authorization: `Bearer ${secret.data.token}` };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`${secret.data.username}:${secret.data.password}`, 'utf8').toString('base64')}` };
    case 'header':
      return { [secret.data.name]: secret.data.value };
  }
}

function isCredentialSecret(value: unknown): value is CredentialSecret {
  if (value === null || typeof value !== 'object') return false;
  const { type, data } = value as { type?: unknown; data?: unknown };
  if (typeof type !== 'string' || !(CREDENTIAL_TYPES as readonly string[]).includes(type)) return false;
  if (data === null || typeof data !== 'object') return false;
  return CREDENTIAL_FIELDS[type as CredentialType].every((field) => typeof (data as Record<string, unknown>)[field] === 'string');
}
