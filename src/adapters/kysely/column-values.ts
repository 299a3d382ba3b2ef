const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A text value as read from a driver: strings pass through, bytes from
 * binary columns (MySQL/MariaDB `varbinary`) are decoded as UTF-8.
 */
export function readText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return utf8.decode(value);
  throw new TypeError(`Expected a text column value, got ${typeof value}.`);
}

/**
 * A `bigint`/`integer` column value as a number: `pg` returns bigints as
 * strings, Kysely's MySQL driver some values as `bigint`, others numbers.
 * Counts stay within `Number.MAX_SAFE_INTEGER`.
 */
export function readCount(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || typeof value === 'string') return Number(value);
  throw new TypeError(`Expected an integer column value, got ${typeof value}.`);
}
