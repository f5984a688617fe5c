import { randomBytes, randomUUID } from 'node:crypto';
import { credentialDataProblems, toCredentialSecret } from './credential-data.validator';
import {
  CREDENTIAL_UNDECRYPTABLE,
  CredentialDecryptionError,
  credentialHeaders,
  openCredential,
  resealCredential,
  sealCredential,
} from './credential-secrets';
import { EnvelopeCipher } from './envelope.cipher';

const v1 = { id: 'v1', key: randomBytes(32) };
const v2 = { id: 'v2', key: randomBytes(32) };

describe('credential sealing', () => {
  const cipher = new EnvelopeCipher([v1]);
  const alice = { id: randomUUID(), ownerId: randomUUID() };
  const bob = { id: randomUUID(), ownerId: randomUUID() };

  it('round-trips each type and maps it to request headers', () => {
    const cases = [
      [{ type: 'bearer', data: { token: 'tok-123' } }, { authorization: 'Bearer tok-123' }],
      [
        { type: 'basic', data: { username: 'ada', password: 'p@ss word' } },
        { authorization: `Basic ${Buffer.from('ada:p@ss word').toString('base64')}` },
      ],
      [{ type: 'header', data: { name: 'X-Api-Token', value: 'abc def' } }, { 'X-Api-Token': 'abc def' }],
    ] as const;
    for (const [secret, headers] of cases) {
      const envelope = sealCredential(cipher, alice, secret);
      expect(envelope.ciphertext.toString('utf8')).not.toContain(Object.values(secret.data)[0]);
      expect(credentialHeaders(openCredential(cipher, alice, envelope))).toEqual(headers);
    }
  });

  it('binds the envelope to its row and owner: a row swapped between owners, or moved to another id, fails', () => {
    const aliceEnvelope = sealCredential(cipher, alice, { type: 'bearer', data: { token: 'alice-token' } });
    const bobEnvelope = sealCredential(cipher, bob, { type: 'bearer', data: { token: 'bob-token' } });
    // Swap the ciphertexts between the two rows: each row now holds the other owner's envelope.
    expect(() => openCredential(cipher, alice, bobEnvelope)).toThrow(CredentialDecryptionError);
    expect(() => openCredential(cipher, bob, aliceEnvelope)).toThrow(CredentialDecryptionError);
    // Same row id, other owner; same owner, other row id.
    expect(() => openCredential(cipher, { id: alice.id, ownerId: bob.ownerId }, aliceEnvelope)).toThrow(CREDENTIAL_UNDECRYPTABLE);
    expect(() => openCredential(cipher, { id: randomUUID(), ownerId: alice.ownerId }, aliceEnvelope)).toThrow(CREDENTIAL_UNDECRYPTABLE);
    // The uuid's case does not matter (PostgreSQL returns lower case).
    expect(openCredential(cipher, { id: alice.id.toUpperCase(), ownerId: alice.ownerId.toUpperCase() }, aliceEnvelope).data).toEqual({
      token: 'alice-token',
    });
  });

  it('reseals under the active key for the same row, and says which key is missing without any secret', () => {
    const old = sealCredential(cipher, alice, { type: 'header', data: { name: 'X-Key', value: 'header-secret' } });
    const rotated = resealCredential(new EnvelopeCipher([v1, v2]), alice, old);
    expect(rotated.keyId).toBe('v2');
    expect(openCredential(new EnvelopeCipher([v2]), alice, rotated).data).toEqual({ name: 'X-Key', value: 'header-secret' });
    expect(() => openCredential(new EnvelopeCipher([v2]), alice, old)).toThrow(
      'credential could not be decrypted: key v1 is not in ENCRYPTION_KEYS',
    );
    expect(() => resealCredential(new EnvelopeCipher([v2]), alice, old)).toThrow(CredentialDecryptionError);
  });

  it('a failure message never holds the secret', () => {
    const envelope = sealCredential(cipher, alice, { type: 'bearer', data: { token: 'canary-token-value' } });
    const tampered = { ...envelope, ciphertext: Buffer.from(envelope.ciphertext) };
    tampered.ciphertext[0] ^= 0xff;
    try {
      openCredential(cipher, alice, tampered);
      throw new Error('expected a failure');
    } catch (error) {
      expect((error as Error).message).toBe(CREDENTIAL_UNDECRYPTABLE);
      expect(String((error as Error).stack)).not.toContain('canary-token-value');
    }
  });
});

describe('credentialDataProblems', () => {
  it('accepts well-formed data of each type', () => {
    expect(credentialDataProblems('bearer', { token: 'abc.def-123' })).toEqual([]);
    expect(credentialDataProblems('basic', { username: 'ada', password: 'with spaces ok' })).toEqual([]);
    expect(credentialDataProblems('header', { name: 'X-Api-Key', value: 'v' })).toEqual([]);
    expect(toCredentialSecret('basic', { username: 'ada', password: 'pw' })).toEqual({
      type: 'basic',
      data: { username: 'ada', password: 'pw' },
    });
  });

  it.each([
    ['bearer', undefined, 'data'],
    ['bearer', [], 'data'],
    ['bearer', {}, 'data.token'],
    ['bearer', { token: '' }, 'data.token'],
    ['bearer', { token: 42 }, 'data.token'],
    ['bearer', { token: 'has space' }, 'data.token'],
    ['bearer', { token: 'line\r\nX-Injected: 1' }, 'data.token'],
    ['bearer', { token: 'x'.repeat(8193) }, 'data.token'],
    ['bearer', { token: 'ok', extra: 'x' }, 'data'],
    ['basic', { username: 'a:b', password: 'pw' }, 'data.username'],
    ['basic', { username: 'ada' }, 'data.password'],
    ['basic', { username: 'ada', password: 'tab\there' }, 'data.password'],
    ['header', { name: 'Bad Name', value: 'v' }, 'data.name'],
    ['header', { name: 'Host', value: 'evil.example' }, 'data.name'],
    ['header', { name: 'content-length', value: '1' }, 'data.name'],
    ['header', { name: 'X-Ok', value: 'caf\u00e9' }, 'data.value'],
    ['header', { name: 'X-Ok', value: 'a\nb' }, 'data.value'],
    ['other', { token: 'x' }, 'type'],
  ])('%s %j → a problem at %s', (type, data, field) => {
    const problems = credentialDataProblems(type, data);
    expect(problems.map((problem) => problem.field)).toContain(field);
  });

  it('never echoes a value or an unknown key', () => {
    const problems = credentialDataProblems('bearer', { token: 'bad token with canary-1', 'canary-key-2': 'canary-3' });
    expect(JSON.stringify(problems)).not.toMatch(/canary/);
  });

  it('ignores inherited property names', () => {
    expect(credentialDataProblems('bearer', { token: 'ok', toString: 'x' }).map((problem) => problem.field)).toEqual(['data']);
  });
});
