import { defineFeatures } from '../../../src/core/entitlements/define-features.js';
import { definePackages } from '../../../src/core/entitlements/define-packages.js';

/**
 * Fast-check settings shared by the property tests. The seed is fixed so a run
 * is reproducible; set FC_SEED to explore others. On failure fast-check
 * reports the seed and the shrunk counterexample.
 */
export const propertyOptions = { seed: Number(process.env['FC_SEED'] ?? 424242), numRuns: 300 } as const;

/** A catalog with every shape: booleans, a gauge, a two-level pool, cycle and calendar periods. */
export const features = defineFeatures({
  sso: { kind: 'boolean' },
  audit: { kind: 'boolean', description: 'Audit log export' },
  seats: { kind: 'limit', unit: 'seats', reset: 'none' },
  'ai.tokens': { kind: 'limit', unit: 'tokens', reset: { every: 'month', anchor: 'cycle' } },
  'ai.tokens.images': { kind: 'limit', unit: 'tokens', reset: { every: 'month', anchor: 'cycle' }, parent: 'ai.tokens' },
  'ai.tokens.images.hd': { kind: 'limit', unit: 'tokens', reset: 'day', parent: 'ai.tokens.images', thresholds: [50, 100] },
  'api.requests': { kind: 'limit', unit: 'requests', reset: 'day', thresholds: [] },
});

export const packages = definePackages(features, {
  free: { grants: { seats: 3, 'ai.tokens': 1000, 'ai.tokens.images': 100 } },
  pro: { grants: { sso: true, seats: 25, 'ai.tokens': 'unlimited', 'ai.tokens.images': 5000, 'api.requests': 10_000 } },
  enterprise: { grants: { sso: true, audit: true, seats: 'unlimited', 'ai.tokens': 'unlimited', 'ai.tokens.images': 'unlimited' } },
  'extra-seats': { grants: { seats: 10 }, description: 'Ten more seats' },
  empty: { grants: {} },
});

/** Runs `fn` and returns what it threw; fails the test when it returns normally. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('Expected the function to throw.');
}
