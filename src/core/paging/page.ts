import { ValidationError } from '../errors/index.js';

/**
 * One page of a list: the items and the cursor of the next page. Every list
 * tenantry returns has this shape.
 */
export interface Page<T> {
  readonly items: readonly T[];
  /** Pass as `cursor` to get the next page; `null` on the last page. Opaque: do not parse it. */
  readonly nextCursor: string | null;
}

/** Default page size of every list. */
export const DEFAULT_PAGE_SIZE = 100;

/** Largest page size any list accepts. */
export const MAX_PAGE_SIZE = 1000;

const VERSION = 'v1';
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** Longest cursor accepted, in characters: checked before any decoding. */
const MAX_CURSOR_LENGTH = 1024;

/**
 * Encodes the keyset position after `key` in a list of `kind` as an opaque
 * cursor: base64url of `v1:<kind>:<key>`. The kind keeps a cursor of one
 * list from being accepted by another.
 */
export function encodeCursor(kind: string, key: string): string {
  return toBase64Url(encoder.encode(`${VERSION}:${kind}:${key}`));
}

/**
 * Decodes a cursor made by {@link encodeCursor} for the same `kind` and
 * returns its key. Anything else (wrong alphabet, wrong version or kind, not
 * UTF-8, too long) is a `ValidationError` with path `['cursor']`; the cursor
 * is never quoted. `isValidKey` then checks the key itself (for example the
 * identifier rule), so a forged cursor cannot smuggle an unchecked id to
 * storage.
 */
export function decodeCursor(kind: string, cursor: string, isValidKey: (key: string) => boolean): string {
  const invalid = () => new ValidationError('Invalid cursor: pass the nextCursor of the previous page.', [{ path: ['cursor'], message: 'Malformed cursor.' }]);
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH) throw invalid();
  const bytes = fromBase64Url(cursor);
  if (bytes === undefined) throw invalid();
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw invalid();
  }
  const prefix = `${VERSION}:${kind}:`;
  if (!text.startsWith(prefix)) throw invalid();
  const key = text.slice(prefix.length);
  if (!isValidKey(key)) throw invalid();
  return key;
}

/**
 * Builds a page from rows fetched with one extra row (`limit + 1`), which
 * tells whether another page exists without a count query.
 */
export function pageOf<R, T>(rows: readonly R[], limit: number, view: (row: R) => T, cursorOf: (row: R) => string): Page<T> {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  return Object.freeze({
    items: Object.freeze(kept.map(view)),
    nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null,
  });
}
