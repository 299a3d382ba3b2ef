import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { formatRecoveryCode, RECOVERY_ALPHABET, RECOVERY_CODE_CHARS } from '../../core/two-factor/code-format.js';

/**
 * argon2id parameters for recovery codes: OWASP's Password Storage Cheat
 * Sheet first recommendation, m = 19 MiB (19456 KiB), t = 2, p = 1. The
 * codes carry 60 random bits, so the hash is defence in depth against an
 * offline attack on a stolen table, not the only barrier; the measured cost
 * is in `docs/benchmarks.md`.
 */
export const RECOVERY_CODE_ARGON2 = Object.freeze({
  // Algorithm.Argon2id: the package's const enum cannot be imported under isolatedModules.
  algorithm: 2,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const);

/** One new recovery code in its canonical form (12 Crockford base32 characters, 60 bits) and as shown (`xxxx-xxxx-xxxx`). */
export function newRecoveryCode(): { readonly canonical: string; readonly display: string } {
  // 60 bits from 8 random bytes: five bits per character, the rest discarded.
  const bytes = randomBytes(8);
  let bits = bytes.readBigUInt64BE();
  let canonical = '';
  for (let i = 0; i < RECOVERY_CODE_CHARS; i += 1) {
    canonical += RECOVERY_ALPHABET[Number(bits & 31n)] as string;
    bits >>= 5n;
  }
  return { canonical, display: formatRecoveryCode(canonical) };
}

/** The argon2id PHC string of a canonical code (random salt per code). */
export function hashRecoveryCode(canonical: string): Promise<string> {
  return hash(canonical, RECOVERY_CODE_ARGON2);
}

/** True when `canonical` is the code `hashed` was made from. A malformed hash is no match. */
export async function recoveryCodeMatches(hashed: string, canonical: string): Promise<boolean> {
  try {
    return await verify(hashed, canonical);
  } catch {
    return false;
  }
}
