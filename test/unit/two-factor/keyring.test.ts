import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, StorageIntegrityError, type TwoFactorKeys } from 'tenantry';
import { Keyring } from '../../../src/services/two-factor/keyring.js';

const K1 = randomBytes(32);
const K2 = randomBytes(32);
const secret = new Uint8Array(randomBytes(20));
const ada = { userId: 'ada', purpose: 'totp-secret' };

function flip(base64: string, at: number): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[at] = (bytes[at] as number) ^ 1;
  return bytes.toString('base64');
}

describe('Keyring (AES-256-GCM secrets at rest)', () => {
  it('seals with the current key and a fresh 96-bit nonce each time, and opens what it sealed', () => {
    const keyring = new Keyring({ current: 'k1', k1: K1 });
    const a = keyring.seal(secret, ada);
    const b = keyring.seal(secret, ada);
    expect(a.keyId).toBe('k1');
    expect(Buffer.from(a.nonce, 'base64')).toHaveLength(12);
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(Buffer.from(a.ciphertext, 'base64')).toHaveLength(20 + 16);
    expect(keyring.open(a, ada)).toEqual(secret);
  });

  it('a tampered ciphertext, tag or nonce fails authentication with StorageIntegrityError', () => {
    const keyring = new Keyring({ current: 'k1', k1: K1 });
    const sealed = keyring.seal(secret, ada);
    for (const broken of [
      { ...sealed, ciphertext: flip(sealed.ciphertext, 0) },
      { ...sealed, ciphertext: flip(sealed.ciphertext, 35) },
      { ...sealed, nonce: flip(sealed.nonce, 3) },
      { ...sealed, nonce: Buffer.alloc(8).toString('base64') },
      { ...sealed, ciphertext: '' },
    ]) {
      expect(() => keyring.open(broken, ada)).toThrow(StorageIntegrityError);
    }
  });

  it('the user id and purpose are associated data: a ciphertext moved to another user or purpose does not open', () => {
    const keyring = new Keyring({ current: 'k1', k1: K1 });
    const sealed = keyring.seal(secret, ada);
    expect(() => keyring.open(sealed, { userId: 'eve', purpose: 'totp-secret' })).toThrow(StorageIntegrityError);
    expect(() => keyring.open(sealed, { userId: 'ada', purpose: 'other' })).toThrow(StorageIntegrityError);
    expect(() => keyring.open(sealed, { userId: 'ada\u0000totp-secret', purpose: '' })).toThrow(StorageIntegrityError);
  });

  it('after rotation the old key still opens old secrets, new ones use the current key; a missing key id is an integrity error', () => {
    const old = new Keyring({ current: 'k1', k1: K1 }).seal(secret, ada);
    const rotated = new Keyring({ current: 'k2', k2: K2, k1: K1 });
    expect(rotated.open(old, ada)).toEqual(secret);
    expect(rotated.isCurrent(old)).toBe(false);
    expect(rotated.seal(secret, ada).keyId).toBe('k2');
    const dropped = new Keyring({ current: 'k2', k2: K2 });
    expect(() => dropped.open(old, ada)).toThrow(StorageIntegrityError);
    // The same bytes under another id are another key's record: the id chooses the key, the tag checks it.
    expect(() => new Keyring({ current: 'k1', k1: K2 }).open(old, ada)).toThrow(StorageIntegrityError);
  });

  it.each([
    ['no current', { k1: K1 }],
    ['current names no key', { current: 'k9', k1: K1 }],
    ['a 16-byte key', { current: 'k1', k1: K1.subarray(0, 16) }],
    ['a 33-byte key', { current: 'k1', k1: Buffer.concat([K1, Buffer.from([1])]) }],
    ['a string key', { current: 'k1', k1: K1.toString('base64') }],
    ['a malformed key id', { current: 'k1', k1: K1, 'bad id': K2 }],
  ])('%s is a ConfigurationError that never shows key material', (_, keys) => {
    let caught: unknown;
    try {
      new Keyring(keys as unknown as TwoFactorKeys);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    const text = `${String(caught)} ${JSON.stringify(caught)}`;
    for (const key of [K1, K2]) {
      expect(text).not.toContain(key.toString('base64'));
      expect(text).not.toContain(key.toString('hex'));
      expect(text).not.toContain(key.toString('latin1'));
    }
  });

  it('never exposes the keys through JSON or inspection of its own fields', () => {
    const keyring = new Keyring({ current: 'k1', k1: K1 });
    expect(JSON.stringify(keyring)).toBe('{"currentKeyId":"k1"}');
    expect(Object.values(keyring)).toEqual(['k1']);
  });
});
