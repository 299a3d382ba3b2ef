import { ConfigurationError } from '../../core/errors/index.js';
import type { Keyring as TwoFactorKeyring } from '../two-factor/keyring.js';
import type { Keyring } from './keyring.js';

/**
 * Encrypts webhook signing secrets at rest, bound to the record they belong
 * to (a ciphertext copied onto another endpoint does not open).
 */
export interface SecretCipher {
  encrypt(plaintext: string, recordId: string): string;
  decrypt(ciphertext: string, recordId: string): string;
}

/** What the two-factor keyring's ciphertexts of webhook secrets are bound to, beside the record id. */
const PURPOSE = 'webhook-signing-secret';
/** Prefix of a secret sealed with the two-factor keyring; the webhooks keyring writes `v1.`. */
const SHARED_FORMAT = 'tf1';

/**
 * The instance's webhook secret encryption: the `webhooks.keyring` option
 * when given, otherwise the two-factor keyring (`twoFactor.keys`), so that
 * an instance with both modules keeps one set of keys. New ciphertexts use
 * the first of those; stored ones open with whichever keyring their format
 * names (`v1.<keyId>...` the webhooks keyring, `tf1.<keyId>...` the
 * two-factor one), so moving from one option to the other needs no
 * migration: each secret moves on its next `rotateSecret`.
 */
export class WebhookSecretCipher implements SecretCipher {
  readonly #own: Keyring | undefined;
  readonly #shared: TwoFactorKeyring | undefined;

  /** Throws `ConfigurationError` when neither keyring is given. */
  constructor(own: Keyring | undefined, shared: TwoFactorKeyring | undefined) {
    if (own === undefined && shared === undefined)
      throw new ConfigurationError(
        'Invalid createTenantry() options: webhooks.keyring is required unless twoFactor.keys is set (webhook secrets then use it).',
      );
    this.#own = own;
    this.#shared = shared;
  }

  encrypt(plaintext: string, recordId: string): string {
    if (this.#own !== undefined) return this.#own.encrypt(plaintext, recordId);
    const sealed = this.#sharedKeyring().seal(Buffer.from(plaintext, 'utf8'), { userId: recordId, purpose: PURPOSE });
    // Base64 and key ids never contain a dot.
    return [SHARED_FORMAT, sealed.keyId, sealed.nonce, sealed.ciphertext].join('.');
  }

  decrypt(ciphertext: string, recordId: string): string {
    const [format, keyId, nonce, body, extra] = ciphertext.split('.');
    if (format !== SHARED_FORMAT) {
      if (this.#own === undefined) throw new ConfigurationError('A stored webhook secret needs webhooks.keyring, which is not configured.');
      return this.#own.decrypt(ciphertext, recordId);
    }
    if (keyId === undefined || nonce === undefined || body === undefined || extra !== undefined)
      throw new ConfigurationError('A stored webhook secret is not in keyring format.');
    const opened = this.#sharedKeyring().open({ keyId, nonce, ciphertext: body }, { userId: recordId, purpose: PURPOSE });
    return Buffer.from(opened).toString('utf8');
  }

  #sharedKeyring(): TwoFactorKeyring {
    if (this.#shared === undefined) throw new ConfigurationError('A stored webhook secret needs twoFactor.keys, which is not configured.');
    return this.#shared;
  }
}
