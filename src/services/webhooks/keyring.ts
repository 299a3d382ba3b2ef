import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigurationError } from '../../core/errors/index.js';

/**
 * Keys that encrypt webhook signing secrets at rest (AES-256-GCM). `keys`
 * maps a key id to 32 bytes in base64; `current` names the one new
 * ciphertexts use. Keep old ids listed until every secret was rotated or
 * re-encrypted under the current one.
 */
export interface KeyringOptions {
  readonly current: string;
  readonly keys: Readonly<Record<string, string>>;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Encrypts and decrypts secrets with AES-256-GCM, a fresh 96-bit IV each
 * time, and the record id as additional data, so a ciphertext copied onto
 * another endpoint does not decrypt. Format: `v1.<keyId>.<iv>.<ciphertext+tag>` (base64url).
 */
export class Keyring {
  readonly #current: string;
  readonly #keys: ReadonlyMap<string, Buffer>;

  /** Throws `ConfigurationError` naming what is wrong (never a key's value). */
  constructor(options: KeyringOptions) {
    const keys = new Map<string, Buffer>();
    for (const [id, encoded] of Object.entries(options.keys)) {
      if (!KEY_ID.test(id)) throw new ConfigurationError(`webhooks.keyring: key id "${id.slice(0, 32)}" must be 1-32 of [A-Za-z0-9_-].`);
      const key = Buffer.from(encoded, 'base64');
      if (key.length !== 32) throw new ConfigurationError(`webhooks.keyring: key "${id}" must be 32 bytes in base64.`);
      keys.set(id, key);
    }
    if (!keys.has(options.current)) throw new ConfigurationError('webhooks.keyring: "current" must name one of "keys".');
    this.#current = options.current;
    this.#keys = keys;
  }

  encrypt(plaintext: string, recordId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key(this.#current), iv).setAAD(Buffer.from(recordId, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return ['v1', this.#current, iv.toString('base64url'), body.toString('base64url')].join('.');
  }

  decrypt(ciphertext: string, recordId: string): string {
    const [version, keyId, iv, body] = ciphertext.split('.');
    if (version !== 'v1' || keyId === undefined || iv === undefined || body === undefined)
      throw new ConfigurationError('A stored webhook secret is not in keyring format.');
    const bytes = Buffer.from(body, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.#key(keyId), Buffer.from(iv, 'base64url')).setAAD(Buffer.from(recordId, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      throw new ConfigurationError('A stored webhook secret does not decrypt with the keyring (wrong key or tampered).');
    }
  }

  #key(id: string): Buffer {
    const key = this.#keys.get(id);
    if (key === undefined) throw new ConfigurationError(`webhooks.keyring: no key "${id}" (a stored secret needs it).`);
    return key;
  }
}
