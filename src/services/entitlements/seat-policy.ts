import { ValidationError } from '../../core/errors/index.js';
import type { SeatPolicy } from '../membership/seat-policy.js';
import type { Entitlements } from './create-entitlements.js';

/**
 * Seat accounting for `createTenantry({ seats })`: every member added takes
 * one unit of `feature` (a gauge: `reset: 'none'`) and every member removed
 * gives it back, in the membership change's own transaction. Adding beyond
 * the limit fails with `LimitExceededError` and adds nobody.
 *
 * @example
 * ```ts
 * const entitlements = createEntitlements({ packages, store });
 * const tenantry = createTenantry({ capabilities, roles, store, seats: seatPolicy(entitlements, 'seats') });
 * ```
 */
export function seatPolicy<F extends string, L extends F, P extends string>(entitlements: Entitlements<F, L, P>, feature: L): SeatPolicy {
  const features = entitlements.packages.features;
  const spec = features.get(features.assert(feature));
  if (spec.kind !== 'limit' || spec.reset !== 'none') {
    throw new ValidationError(`Seats need a gauge feature (kind 'limit', reset 'none'); "${feature}" is not one.`, [
      { path: ['feature'], message: 'Not a gauge.' },
    ]);
  }
  const policy: SeatPolicy = {
    prepare: () => entitlements.usage.ensureCatalog(),
    async take(tx, tenantId) {
      await entitlements.usage.within(tx).consume(tenantId, feature, 1);
    },
    async giveBack(tx, tenantId) {
      // Lenient on purpose: a member added before seat accounting was switched
      // on never took a seat, and removing them must not fail for that.
      await entitlements.usage.within(tx).release(tenantId, feature, 1, { upTo: true });
    },
  };
  return Object.freeze(policy);
}
