import { ConfigurationError } from '../errors/index.js';
import { assertCatalogKey, assertUnit } from './catalog-keys.js';
import { DEFAULT_THRESHOLDS, type BooleanFeatureSpec, type FeatureSpec, type LimitFeatureSpec } from './feature-types.js';
import { normalizeResetPeriod, type ResetPeriodInput } from './reset-period.js';

/** Options only a limit feature may have; a boolean feature carrying one is a mistake, not a no-op. */
const LIMIT_ONLY_OPTIONS = ['limit', 'unit', 'reset', 'parent', 'thresholds'] as const;

function thresholdsOf(value: unknown, key: string): readonly number[] {
  if (value === undefined) return DEFAULT_THRESHOLDS;
  if (!Array.isArray(value)) {
    throw new ConfigurationError(`Feature "${key}": thresholds must be an array of percentages.`);
  }
  const seen = new Set<number>();
  for (const threshold of value as unknown[]) {
    if (typeof threshold !== 'number' || !Number.isInteger(threshold) || threshold < 1 || threshold > 100) {
      throw new ConfigurationError(`Feature "${key}": threshold ${JSON.stringify(threshold)} is not an integer percentage from 1 to 100.`);
    }
    if (seen.has(threshold)) throw new ConfigurationError(`Feature "${key}": threshold ${threshold} is listed twice.`);
    seen.add(threshold);
  }
  return Object.freeze([...seen].sort((a, b) => a - b));
}

function description(value: unknown, key: string): { description?: string } {
  if (value === undefined) return {};
  if (typeof value !== 'string') throw new ConfigurationError(`Feature "${key}": description must be a string.`);
  return { description: value };
}

/**
 * Validates one feature definition on its own (the parent is only checked for
 * shape here; the catalog checks that it exists and fits). Throws
 * {@link ConfigurationError} naming the feature and the problem.
 */
export function validateFeature(key: string, input: unknown): FeatureSpec {
  assertCatalogKey(key, 'feature');
  if (typeof input !== 'object' || input === null) {
    throw new ConfigurationError(`Feature "${key}" must be an object with a kind.`);
  }
  const definition = input as Record<string, unknown>;
  if (definition['kind'] === 'boolean') {
    for (const option of LIMIT_ONLY_OPTIONS) {
      if (definition[option] !== undefined) {
        throw new ConfigurationError(`Boolean feature "${key}" cannot have a ${option}: only limit features are counted. Use kind 'limit'.`);
      }
    }
    const spec: BooleanFeatureSpec = { key, kind: 'boolean', ...description(definition['description'], key) };
    return Object.freeze(spec);
  }
  if (definition['kind'] !== 'limit') {
    throw new ConfigurationError(`Feature "${key}" has kind ${JSON.stringify(definition['kind'])}: use 'boolean' or 'limit'.`);
  }
  if ('limit' in definition) {
    // Limits belong to packages, so that plans can differ; a catalog-level limit would be silently ignored.
    throw new ConfigurationError(`Feature "${key}" declares a limit: limits are granted by packages, not by the catalog.`);
  }
  assertUnit(definition['unit'], key);
  if (definition['reset'] === undefined) {
    throw new ConfigurationError(`Limit feature "${key}" needs a reset period: 'none' for gauges such as seats, or a period.`);
  }
  const parent = definition['parent'];
  if (parent !== undefined && typeof parent !== 'string') {
    throw new ConfigurationError(`Feature "${key}": parent must be a feature key.`);
  }
  const spec: LimitFeatureSpec = {
    key,
    kind: 'limit',
    unit: definition['unit'],
    reset: normalizeResetPeriod(definition['reset'] as ResetPeriodInput, key),
    parent: parent ?? null,
    thresholds: thresholdsOf(definition['thresholds'], key),
    ...description(definition['description'], key),
  };
  return Object.freeze(spec);
}
