import { z } from 'zod';

/**
 * Code points no identifier may contain, in one linear scan:
 *
 * - C0 controls U+0000–U+001F, DEL U+007F and C1 controls U+0080–U+009F.
 *   PostgreSQL rejects U+0000 in text (SQLSTATE 22021), and the rest corrupt
 *   logs, audit trails and header values.
 * - Unpaired UTF-16 surrogates U+D800–U+DFFF. With the `u` flag a well-formed
 *   surrogate pair is one code point above U+FFFF and does not match, so this
 *   is exactly `!String.prototype.isWellFormed()`. Drivers encode ill-formed
 *   strings to UTF-8 with U+FFFD in place of each lone surrogate, so without
 *   this rule `'eve\ud800'`, `'eve\udc00'` and `'eve\ufffd'` would be one
 *   stored identity.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_CODE_POINT = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/u;

/** The issue message for text that breaks {@link isSafeIdentifierText}. It never quotes the text. */
export const UNSAFE_IDENTIFIER_TEXT_MESSAGE = 'Must be well-formed Unicode text without control characters.';

/**
 * The one text rule for every identifier-like string tenantry accepts (tenant
 * ids whatever the host's `tenantIdPattern`, user ids, member cursors,
 * namespaces, idempotency keys, feature and package keys, system actor
 * labels): `value` is well-formed UTF-16 (no unpaired surrogate) and contains
 * no C0 or C1 control character (U+0000–U+001F, U+007F–U+009F).
 *
 * Identifiers are not normalised: they are compared exactly, code unit for
 * code unit, so `'é'` (U+00E9) and `'e\u0301'`, `'Alice'` and `'alice'`, or
 * `'a'` and `'a '` are different identifiers. Every store keeps them apart,
 * because well-formed strings map one-to-one to UTF-8 and every store
 * compares bytes (see the storage docs). Length limits are not part of this
 * predicate; check them first (see {@link identifierTextSchema}).
 *
 * @example
 * ```ts
 * isSafeIdentifierText('user-42');   // true
 * isSafeIdentifierText('eve\ud800'); // false: a lone surrogate
 * isSafeIdentifierText('a\u0000b');  // false: a control character
 * ```
 */
export function isSafeIdentifierText(value: string): boolean {
  return !UNSAFE_CODE_POINT.test(value);
}

/**
 * `value`'s length in code points (a surrogate pair counts as one), exact as
 * far as comparing it with `max` goes: a string of at most `max` code units is
 * within the limit and one of more than `2 * max` beyond it whatever it
 * holds, so only lengths in between are counted, and never by a full scan of
 * a hostile multi-megabyte string.
 */
function codePointLength(value: string, max: number): number {
  if (value.length <= max || value.length > 2 * max) return value.length;
  let length = 0;
  for (let i = 0; i < value.length; i += 1) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1;
    }
    length += 1;
  }
  return length;
}

/**
 * True when `value` is identifier text of 1 to `maxLength` characters (code
 * points) that satisfies {@link isSafeIdentifierText}: the same rule as
 * {@link identifierTextSchema}, as a plain predicate for hot paths (a request
 * scope's tenant and user ids) where building a zod result per call costs
 * more than the check.
 */
export function isIdentifierText(value: unknown, maxLength: number): value is string {
  if (typeof value !== 'string' || value.length === 0) return false;
  const length = codePointLength(value, maxLength);
  return length <= maxLength && isSafeIdentifierText(value);
}

/**
 * A zod schema for identifier text: 1 to `maxLength` characters (Unicode code
 * points; an emoji made of a surrogate pair counts as one, which is how
 * PostgreSQL's `varchar(n)` counts, and at most 4 UTF-8 bytes each, which is
 * how the MySQL/MariaDB `varbinary(4n)` columns are sized) that satisfy
 * {@link isSafeIdentifierText}.
 *
 * The length is measured first, without a scan for strings far over the
 * limit. A failed length or text rule aborts the parse, so checks appended to
 * the result (a host's tenant-id pattern, a format regex) only ever see short,
 * safe text: a hostile multi-megabyte or ill-formed value costs nothing more
 * to reject.
 *
 * @example
 * ```ts
 * const namespace = identifierTextSchema(64).regex(/^[a-z0-9-]+$/, { message: 'Lower-case letters, digits and "-".' });
 * ```
 */
export function identifierTextSchema(maxLength: number) {
  return z.string().check((payload) => {
    const { value } = payload;
    if (value.length === 0) {
      payload.issues.push({ code: 'too_small', origin: 'string', minimum: 1, inclusive: true, input: value });
    } else if (codePointLength(value, maxLength) > maxLength) {
      payload.issues.push({ code: 'too_big', origin: 'string', maximum: maxLength, inclusive: true, input: value });
    } else if (!isSafeIdentifierText(value)) {
      payload.issues.push({ code: 'custom', message: UNSAFE_IDENTIFIER_TEXT_MESSAGE, input: value });
    }
    // Issues pushed without `continue: true` abort: later checks do not run.
  });
}
