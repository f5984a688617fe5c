import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { DecryptionError, Envelope, EnvelopeCipher, IV_BYTES, TAG_BYTES } from './envelope.cipher';

const v1 = { id: 'v1', key: randomBytes(32) };
const v2 = { id: 'v2', key: randomBytes(32) };

function flipBit(buffer: Buffer, bit: number): Buffer {
  const copy = Buffer.from(buffer);
  copy[bit >> 3] ^= 1 << (bit & 7);
  return copy;
}

function expectAuthFailure(open: () => unknown): void {
  expect(open).toThrow(DecryptionError);
}

describe('EnvelopeCipher (AES-256-GCM)', () => {
  const cipher = new EnvelopeCipher([v1]);

  it('matches the AES-256 GCM known-answer vector (GCM spec, test case 16)', () => {
    const kat = new EnvelopeCipher([
      { id: 'kat', key: Buffer.from('feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308', 'hex') },
    ]);
    const envelope: Envelope = {
      keyId: 'kat',
      iv: Buffer.from('cafebabefacedbaddecaf888', 'hex'),
      ciphertext: Buffer.from(
        '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662',
        'hex',
      ),
      authTag: Buffer.from('76fc6ece0f4e1768cddf8853bb2d551b', 'hex'),
    };
    const plaintext = kat.open(envelope, Buffer.from('feedfacedeadbeeffeedfacedeadbeefabaddad2', 'hex'));
    expect(plaintext.toString('hex')).toBe(
      'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
    );
  });

  it('round-trips any plaintext and AAD, with a 96-bit IV and a 128-bit tag', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.uint8Array({ maxLength: 256 }), (plain, aad) => {
        const envelope = cipher.seal(Buffer.from(plain), Buffer.from(aad));
        expect(envelope.iv).toHaveLength(IV_BYTES);
        expect(envelope.authTag).toHaveLength(TAG_BYTES);
        expect(envelope.ciphertext).toHaveLength(plain.length);
        expect(cipher.open(envelope, Buffer.from(aad)).equals(Buffer.from(plain))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('draws a fresh IV for each of 10,000 encryptions of the same plaintext', () => {
    const plaintext = Buffer.from('same plaintext every time');
    const aad = Buffer.from('same aad');
    const ivs = new Set<string>();
    const ciphertexts = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const envelope = cipher.seal(plaintext, aad);
      ivs.add(envelope.iv.toString('hex'));
      ciphertexts.add(envelope.ciphertext.toString('hex'));
    }
    expect(ivs.size).toBe(10_000);
    expect(ciphertexts.size).toBe(10_000);
  });

  describe('any single flipped bit fails authentication', () => {
    const aad = Buffer.from('row-1:owner-1');
    const envelope = cipher.seal(Buffer.from('{"type":"bearer","data":{"token":"s3cret-value"}}'), aad);

    it('in the IV', () => {
      for (let bit = 0; bit < IV_BYTES * 8; bit++)
        expectAuthFailure(() => cipher.open({ ...envelope, iv: flipBit(envelope.iv, bit) }, aad));
    });

    it('in the tag', () => {
      for (let bit = 0; bit < TAG_BYTES * 8; bit++)
        expectAuthFailure(() => cipher.open({ ...envelope, authTag: flipBit(envelope.authTag, bit) }, aad));
    });

    it('in the ciphertext', () => {
      for (let bit = 0; bit < envelope.ciphertext.length * 8; bit++)
        expectAuthFailure(() => cipher.open({ ...envelope, ciphertext: flipBit(envelope.ciphertext, bit) }, aad));
    });

    it('in the AAD', () => {
      for (let bit = 0; bit < aad.length * 8; bit++) expectAuthFailure(() => cipher.open(envelope, flipBit(aad, bit)));
    });

    it('for random envelopes and positions too', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 1, maxLength: 256 }),
          fc.uint8Array({ minLength: 1, maxLength: 64 }),
          fc.nat(),
          fc.constantFrom('iv', 'authTag', 'ciphertext', 'aad'),
          (plain, rawAad, position, part) => {
            const context = Buffer.from(rawAad);
            const sealed = cipher.seal(Buffer.from(plain), context);
            const target = part === 'aad' ? context : sealed[part];
            const flipped = flipBit(target, position % (target.length * 8));
            const open = () => (part === 'aad' ? cipher.open(sealed, flipped) : cipher.open({ ...sealed, [part]: flipped }, context));
            expectAuthFailure(open);
          },
        ),
        { numRuns: 500 },
      );
    });
  });

  it('refuses a truncated or extended tag instead of checking fewer bits', () => {
    const aad = Buffer.from('aad');
    const envelope = cipher.seal(Buffer.from('secret'), aad);
    for (const length of [4, 8, 12, 15]) {
      expect(() => cipher.open({ ...envelope, authTag: envelope.authTag.subarray(0, length) }, aad)).toThrow(DecryptionError);
    }
    expect(() => cipher.open({ ...envelope, authTag: Buffer.concat([envelope.authTag, Buffer.alloc(1)]) }, aad)).toThrow(DecryptionError);
    expect(() => cipher.open({ ...envelope, iv: envelope.iv.subarray(0, 8) }, aad)).toThrow(DecryptionError);
  });

  it('encrypts with the last key, decrypts with any configured key, and refuses unknown key ids', () => {
    const aad = Buffer.from('aad');
    const old = cipher.seal(Buffer.from('written under v1'), aad);
    expect(old.keyId).toBe('v1');
    const both = new EnvelopeCipher([v1, v2]);
    expect(both.activeKeyId).toBe('v2');
    expect(both.open(old, aad).toString()).toBe('written under v1');
    const moved = both.reseal(old, aad);
    expect(moved.keyId).toBe('v2');
    expect(moved.iv.equals(old.iv)).toBe(false);

    const onlyV2 = new EnvelopeCipher([v2]);
    expect(onlyV2.open(moved, aad).toString()).toBe('written under v1');
    expect(() => onlyV2.open(old, aad)).toThrow(expect.objectContaining({ reason: 'unknown-key' }));
    // Same id, other key material: authentication fails, nothing is returned.
    expect(() => new EnvelopeCipher([{ id: 'v1', key: randomBytes(32) }]).open(old, aad)).toThrow(
      expect.objectContaining({ reason: 'authentication' }),
    );
  });

  it('accepts only 32-byte keys with distinct, well-formed ids', () => {
    expect(() => new EnvelopeCipher([])).toThrow();
    expect(() => new EnvelopeCipher([{ id: 'v1', key: randomBytes(31) }])).toThrow(/32 bytes/);
    expect(() => new EnvelopeCipher([{ id: 'v1', key: randomBytes(16) }])).toThrow(/32 bytes/);
    expect(() => new EnvelopeCipher([v1, { id: 'v1', key: randomBytes(32) }])).toThrow(/twice/);
    expect(() => new EnvelopeCipher([{ id: 'bad id', key: randomBytes(32) }])).toThrow();
  });

  it('error messages carry no key, plaintext or ciphertext', () => {
    const aad = Buffer.from('aad');
    const envelope = cipher.seal(Buffer.from('very-secret-plaintext'), aad);
    try {
      cipher.open({ ...envelope, ciphertext: flipBit(envelope.ciphertext, 0) }, aad);
      throw new Error('expected a failure');
    } catch (error) {
      const text = `${(error as Error).message} ${(error as Error).stack}`;
      for (const secret of [
        v1.key.toString('base64'),
        v1.key.toString('hex'),
        'very-secret-plaintext',
        envelope.ciphertext.toString('hex'),
      ])
        expect(text).not.toContain(secret);
    }
  });
});
