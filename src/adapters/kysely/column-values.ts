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
