import { defineFeatures, definePackages } from 'tenantry';

/**
 * The example application's plans: features (what can be limited or
 * switched on) and packages (what each plan grants).
 */
export const features = defineFeatures({
  sso: { kind: 'boolean', description: 'Single sign-on' },
  seats: { kind: 'limit', unit: 'seats', reset: 'none' },
  'ai.tokens': { kind: 'limit', unit: 'tokens', reset: { every: 'month', anchor: 'cycle' } },
  'ai.tokens.images': { kind: 'limit', unit: 'tokens', reset: { every: 'month', anchor: 'cycle' }, parent: 'ai.tokens' },
  'api.requests': { kind: 'limit', unit: 'requests', reset: 'day' },
});

export const packages = definePackages(features, {
  free: { grants: { seats: 3, 'ai.tokens': 1_000, 'ai.tokens.images': 200, 'api.requests': 1_000 } },
  pro: { grants: { sso: true, seats: 25, 'ai.tokens': 100_000, 'ai.tokens.images': 20_000, 'api.requests': 100_000 } },
  enterprise: { grants: { sso: true, seats: 'unlimited', 'ai.tokens': 'unlimited', 'ai.tokens.images': 'unlimited', 'api.requests': 'unlimited' } },
  'extra-seats': { grants: { seats: 10 }, description: 'Ten more seats' },
});
