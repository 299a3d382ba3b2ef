import { InvalidCodeError } from '../errors/index.js';

/**
 * A TOTP code as the user typed it, checked strictly: exactly `digits` ASCII
 * digits. Whitespace (inside or around), full-width or other Unicode digits,
 * signs and any other character are `InvalidCodeError('malformed')`, so no
 * two spellings of one code exist. The code is never copied into the error.
 */
export function parseTotpCode(code: unknown, digits: number): string {
  if (typeof code !== 'string' || code.length !== digits || !/^[0-9]+$/.test(code)) throw new InvalidCodeError('malformed');
  return code;
}

/** Crockford's base32 alphabet, lower case: no i, l, o or u, so codes read aloud and typed by hand stay unambiguous. */
export const RECOVERY_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** One or more characters of {@link RECOVERY_ALPHABET}. */
const RECOVERY_PATTERN = /^[0-9a-hjkmnp-tv-z]+$/;

/** Characters of a recovery code: 12 × 5 bits = 60 bits of entropy. */
export const RECOVERY_CODE_CHARS = 12;

/** Formats 12 code characters for humans: `xxxx-xxxx-xxxx`. */
export function formatRecoveryCode(chars: string): string {
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
}

/**
 * The canonical form of a recovery code as typed: case-insensitive, hyphens
 * optional, and Crockford's look-alikes read as what they look like (`i`
 * and `l` as `1`, `o` as `0`). Anything else, whitespace included, is
 * `InvalidCodeError('malformed')`.
 */
export function normalizeRecoveryCode(code: unknown): string {
  if (typeof code !== 'string' || code.length > 32) throw new InvalidCodeError('malformed');
  const chars = code.toLowerCase().replaceAll('-', '').replace(/[il]/g, '1').replaceAll('o', '0');
  if (chars.length !== RECOVERY_CODE_CHARS || !RECOVERY_PATTERN.test(chars)) throw new InvalidCodeError('malformed');
  return chars;
}
