/**
 * The invitation token format, version 1:
 *
 * `tnv1_<selector>.<verifier>`
 *
 * - `tnv1_`: the prefix, naming the format and its version (a later format gets `tnv2_`).
 * - `<selector>`: 16 random bytes (128 bits), base64url without padding: 22 characters. The lookup key; stored as is.
 * - `<verifier>`: 32 random bytes (256 bits), base64url without padding: 43 characters. The secret; only its hash is stored.
 *
 * 71 characters in all. Only canonical base64url is accepted (the unused
 * low bits of the last character are zero), so one byte string has exactly
 * one spelling.
 */
export const INVITATION_TOKEN_PREFIX = 'tnv1_';

/** Random bytes in a selector. */
export const SELECTOR_BYTES = 16;

/** Random bytes in a verifier. */
export const VERIFIER_BYTES = 32;

/** Characters of a selector (base64url of {@link SELECTOR_BYTES}). */
export const SELECTOR_LENGTH = 22;

/** Characters of a verifier (base64url of {@link VERIFIER_BYTES}). */
export const VERIFIER_LENGTH = 43;

/** Characters of a whole token. */
export const INVITATION_TOKEN_LENGTH = INVITATION_TOKEN_PREFIX.length + SELECTOR_LENGTH + 1 + VERIFIER_LENGTH;

// The last character of 16 bytes carries 2 bits (4 zero bits follow), of 32 bytes 4 bits (2 zero bits follow).
const TOKEN_PATTERN = /^tnv1_([A-Za-z0-9_-]{21}[AQgw])\.([A-Za-z0-9_-]{42}[AEIMQUYcgkosw048])$/;

/** The two halves of a well-formed token. */
export interface InvitationTokenParts {
  readonly selector: string;
  readonly verifier: string;
}

/**
 * The selector and verifier of `value` when it is a well-formed version-1
 * token (length, prefix, alphabet, canonical encoding), otherwise
 * `undefined`. Pure and cheap: the length is checked before the pattern
 * runs, so a hostile multi-megabyte string costs nothing.
 */
export function parseInvitationToken(value: unknown): InvitationTokenParts | undefined {
  if (typeof value !== 'string' || value.length !== INVITATION_TOKEN_LENGTH) return undefined;
  const match = TOKEN_PATTERN.exec(value);
  if (match === null) return undefined;
  return { selector: match[1] as string, verifier: match[2] as string };
}

/** The token for `selector` and `verifier` (already base64url). */
export function formatInvitationToken(parts: InvitationTokenParts): string {
  return `${INVITATION_TOKEN_PREFIX}${parts.selector}.${parts.verifier}`;
}
