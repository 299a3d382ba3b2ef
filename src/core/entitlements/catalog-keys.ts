import { ConfigurationError } from '../errors/index.js';

/**
 * Feature and package keys: lower-case segments separated by dots, like
 * capability names (`api.calls`, `storage.images`, `pro`). Strict so that keys
 * are greppable, safe in storage columns and in URLs of problem documents.
 */
const CATALOG_KEY = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/;

/** Longest feature or package key accepted. Keeps index keys bounded. */
export const MAX_CATALOG_KEY_LENGTH = 128;

/**
 * Units are short identifiers (`seats`, `requests`, `MB`), not prose: letters,
 * digits, `_`, `-` and `.`, starting with a letter.
 */
const UNIT = /^[A-Za-z][A-Za-z0-9_.-]{0,31}$/;

/** Throws {@link ConfigurationError} unless `key` is a valid catalog key; `what` is "feature" or "package". */
export function assertCatalogKey(key: string, what: 'feature' | 'package'): void {
  if (key.length > MAX_CATALOG_KEY_LENGTH || !CATALOG_KEY.test(key)) {
    throw new ConfigurationError(
      `Invalid ${what} key ${JSON.stringify(key)}: use lower-case segments separated by dots, e.g. "api.calls" (at most ${MAX_CATALOG_KEY_LENGTH} characters).`,
    );
  }
}

/** Throws {@link ConfigurationError} unless `unit` is a valid unit for `feature`. */
export function assertUnit(unit: unknown, feature: string): asserts unit is string {
  if (typeof unit !== 'string' || !UNIT.test(unit)) {
    throw new ConfigurationError(
      `Limit feature "${feature}" needs a unit such as "seats" or "requests" (letters, digits, "_", "-", "."; at most 32 characters), got ${JSON.stringify(unit)}.`,
    );
  }
}

/**
 * Code-unit order of strings. Unlike `localeCompare`, it does not depend on
 * the ICU data or locale of the process, so every instance agrees on it.
 */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
