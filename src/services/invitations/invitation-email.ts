/** Longest accepted address (RFC 5321 path limit less the brackets). */
export const MAX_EMAIL_LENGTH = 254;

const LOCAL = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;

/**
 * The normalised form of an email address, or `undefined` when it is not a
 * valid one. Normalising: trim surrounding white space, Unicode NFC, lower-case
 * the domain (domains are case-insensitive; the local part is kept as typed,
 * since only the receiving server may fold it). Valid: a dot-atom local part
 * of 1 to 64 characters, a domain of at least two labels of letters, digits
 * and inner hyphens, 254 characters in all. Quoted local parts and IP
 * literals are refused on purpose.
 */
export function normaliseEmail(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 4 * MAX_EMAIL_LENGTH) return undefined;
  const value = raw.trim().normalize('NFC');
  const at = value.lastIndexOf('@');
  if (at <= 0 || value.length > MAX_EMAIL_LENGTH) return undefined;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1).toLowerCase();
  if (local.length > 64 || !LOCAL.test(local)) return undefined;
  const labels = domain.split('.');
  if (labels.length < 2 || domain.length > 253 || !labels.every((label) => LABEL.test(label))) return undefined;
  return `${local}@${domain}`;
}

/**
 * The masked form of a normalised address for the audit log: the first
 * character of the local part, then `***`, then the domain
 * (`a***@example.com`). Enough to recognise an invitation, not enough to
 * harvest addresses from the log.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  // The first code point, so a surrogate pair is never cut in half.
  const first = String.fromCodePoint(email.codePointAt(0) ?? 0x3f);
  return `${first}***@${email.slice(at + 1)}`;
}
