import { ValidationError } from '../../core/errors/index.js';

/** The header the entitlement guard reads the idempotency key from unless told otherwise. */
export const DEFAULT_IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/**
 * RFC 8941 sf-string: printable ASCII in double quotes, where only `"` and `\`
 * are escaped. The IETF Idempotency-Key draft sends the key in this form.
 */
const SF_STRING = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/;

/**
 * The client's key: 1 to 128 printable ASCII characters without spaces.
 * The same rule as the entitlement service's own keys, checked here,
 * before any storage access.
 */
const CLIENT_KEY = /^[\x21-\x7e]{1,128}$/;

const INVALID_KEY = 'Idempotency keys are 1 to 128 printable ASCII characters without spaces, sent once, bare or as a quoted string.';

/**
 * Reads an idempotency key from a raw header value (`undefined` when there
 * is none). Both spellings in use are accepted: the bare token most APIs
 * take (`Idempotency-Key: 4f1c...`) and the quoted structured-field string of
 * the IETF draft (`Idempotency-Key: "4f1c..."`); they name the same key.
 * Anything else, a header sent twice included (Node joins it into one
 * value with a space), throws `ValidationError` with the issue path
 * `['headers', header]`, never echoing the value.
 */
export function readIdempotencyKey(raw: unknown, header: string): string | undefined {
  if (raw === undefined) return undefined;
  const key = typeof raw !== 'string' ? undefined : raw.startsWith('"') ? unquoteStructuredString(raw) : raw;
  if (key === undefined || !CLIENT_KEY.test(key)) {
    throw new ValidationError(`Invalid ${header} header.`, [{ path: ['headers', header], message: INVALID_KEY }]);
  }
  return key;
}

/** The content of an sf-string, or `undefined` when the quoting is malformed. */
function unquoteStructuredString(value: string): string | undefined {
  const match = SF_STRING.exec(value);
  return match?.[1]?.replace(/\\(["\\])/g, '$1');
}
