import { idempotencyKeySchema } from '../../services/entitlements/entitlement-inputs.js';

/** The header the entitlement guard reads the idempotency key from unless told otherwise. */
export const DEFAULT_IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** What the guard read from the idempotency-key header: a key, no key, or a reason to answer 400. */
export type IdempotencyKeyReading =
  | { readonly ok: true; readonly key: string | undefined }
  | { readonly ok: false; readonly message: string };

/**
 * RFC 8941 sf-string: printable ASCII in double quotes, where only `"` and `\`
 * are escaped. The IETF Idempotency-Key draft sends the key in this form.
 */
const SF_STRING = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/;

const INVALID_KEY = 'Idempotency keys are 1 to 128 printable ASCII characters without spaces, sent once, bare or as a quoted string.';

/**
 * Reads an idempotency key from a raw header value. Both spellings in use are
 * accepted: the bare token most APIs take (`Idempotency-Key: 4f1c...`) and
 * the quoted structured-field string of the IETF draft
 * (`Idempotency-Key: "4f1c..."`); they name the same key. The key must then
 * satisfy the entitlement service's own rule, checked here so that a bad
 * header is a 400 before any storage access.
 */
export function readIdempotencyKey(raw: unknown): IdempotencyKeyReading {
  if (raw === undefined) return { ok: true, key: undefined };
  // Node joins a repeated header into one string; anything else is not one key.
  if (typeof raw !== 'string') return { ok: false, message: INVALID_KEY };
  const key = raw.startsWith('"') ? unquoteStructuredString(raw) : raw;
  if (key === undefined || !idempotencyKeySchema.safeParse(key).success) return { ok: false, message: INVALID_KEY };
  return { ok: true, key };
}

/** The content of an sf-string, or `undefined` when the quoting is malformed. */
function unquoteStructuredString(value: string): string | undefined {
  const match = SF_STRING.exec(value);
  return match?.[1]?.replace(/\\(["\\])/g, '$1');
}
