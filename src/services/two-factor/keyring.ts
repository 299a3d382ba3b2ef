import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigurationError, StorageIntegrityError } from '../../core/errors/index.js';
import type { SealedSecret } from '../../store/two-factor-records.js';

/** AES-256 key length in bytes. */
const KEY_BYTES = 32;
/** GCM's recommended 96-bit nonce: random per encryption. */
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The keyring option: `current` names the key every new encryption uses;
 * every other entry is a key id with its 32-byte key. Old keys stay listed
 * until `twoFactor.rotate()` has re-encrypted everything sealed with them.
 *
 * @example
 * ```ts fragment
 * const keys = { current: 'k2', k2: Buffer.from(process.env.TWO_FACTOR_K2!, 'base64'), k1: Buffer.from(process.env.TWO_FACTOR_K1!, 'base64') };
 * ```
 */
export type TwoFactorKeys = { readonly current: string } & { readonly [keyId: string]: Uint8Array | string };

/** What a ciphertext is bound to: it opens only for the same user and purpose. */
export interface SealContext {
  readonly userId: string;
  /** What the plaintext is, e.g. `totp-secret`. */
  readonly purpose: string;
}

/** The associated data: a versioned, unambiguous encoding of the context (NUL never occurs in a valid user id). */
function associatedData({ userId, purpose }: SealContext): Buffer {
  return Buffer.from(`tenantry.two-factor.v1\u0000${purpose}\u0000${userId}`, 'utf8');
}

function parseKeys(keys: unknown): { current: string; keys: Map<string, Buffer> } {
  const where = 'Invalid createTenantry() options: twoFactor.keys';
  if (typeof keys !== 'object' || keys === null) throw new ConfigurationError(`${where}: expected { current: '<key id>', '<key id>': <32-byte key>, ... }.`);
  const { current, ...rest } = keys as Record<string, unknown>;
  if (typeof current !== 'string' || !KEY_ID.test(current))
    throw new ConfigurationError(`${where}.current: expected the id of one of the keys (letters, digits, _ and -, at most 64).`);
  const parsed = new Map<string, Buffer>();
  for (const [id, key] of Object.entries(rest)) {
    if (!KEY_ID.test(id)) throw new ConfigurationError(`${where}: key ids are letters, digits, _ and - (at most 64 characters).`);
    // The key's bytes are never part of a message: only its id and its length.
    if (!(key instanceof Uint8Array)) throw new ConfigurationError(`${where}.${id}: expected a Uint8Array (a Buffer) of ${String(KEY_BYTES)} bytes.`);
    if (key.length !== KEY_BYTES) throw new ConfigurationError(`${where}.${id}: expected ${String(KEY_BYTES)} bytes, got ${String(key.length)}.`);
    parsed.set(id, Buffer.from(key));
  }
  if (!parsed.has(current)) throw new ConfigurationError(`${where}.current: no key with the id "${current}".`);
  return { current, keys: parsed };
}

/**
 * AES-256-GCM sealing of secrets at rest, with a keyring: a random 96-bit
 * nonce per encryption, the key id stored beside the ciphertext, and the
 * user id and purpose as associated data, so a ciphertext copied to another
 * user's row (or reused for another purpose) fails authentication. Sealing
 * always uses the current key; opening uses the key the record names.
 *
 * The keys are copied at construction and held in a private field; no
 * method, error or `toString` ever exposes them.
 */
export class Keyring {
  /** The id of the key new encryptions use. */
  readonly currentKeyId: string;
  readonly #keys: ReadonlyMap<string, Buffer>;

  /** Throws `ConfigurationError` for a missing current key, a malformed id or a key that is not 32 bytes. */
  constructor(keys: TwoFactorKeys) {
    const parsed = parseKeys(keys);
    this.currentKeyId = parsed.current;
    this.#keys = parsed.keys;
  }

  /** Encrypts `plaintext` with the current key, bound to `context`. */
  seal(plaintext: Uint8Array, context: SealContext): SealedSecret {
    const key = this.#keys.get(this.currentKeyId) as Buffer;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return Object.freeze({ ciphertext: ciphertext.toString('base64'), nonce: nonce.toString('base64'), keyId: this.currentKeyId });
  }

  /**
   * Decrypts `sealed`, which must have been sealed for `context`. Throws
   * `StorageIntegrityError` when its key id is not in the keyring, when the
   * nonce or ciphertext is malformed, or when authentication fails
   * (tampering, another user's or purpose's ciphertext). The error names
   * the key id at most, never key material or plaintext.
   */
  open(sealed: SealedSecret, context: SealContext): Uint8Array {
    const key = this.#keys.get(sealed.keyId);
    if (key === undefined) throw new StorageIntegrityError('A stored two-factor secret names a key id that is not in the keyring.');
    const nonce = Buffer.from(sealed.nonce, 'base64');
    const data = Buffer.from(sealed.ciphertext, 'base64');
    if (nonce.length !== NONCE_BYTES || data.length <= TAG_BYTES) throw new StorageIntegrityError('A stored two-factor secret is malformed.');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
      decipher.setAAD(associatedData(context));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      return new Uint8Array(Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]));
    } catch {
      // OpenSSL's message says nothing useful and nothing secret; ours says what it means.
      throw new StorageIntegrityError();
    }
  }

  /** True when `sealed` was sealed with the current key. */
  isCurrent(sealed: SealedSecret): boolean {
    return sealed.keyId === this.currentKeyId;
  }

  /** Never the keys. */
  toJSON(): { readonly currentKeyId: string } {
    return { currentKeyId: this.currentKeyId };
  }
}
