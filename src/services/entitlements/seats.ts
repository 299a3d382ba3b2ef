import type { MembershipRecord, StoreOperations } from '../../store/index.js';
import type { SeatPolicy } from '../membership/seat-policy.js';
import type { CatalogSync } from './catalog-sync.js';
import type { ConsumptionService } from './consumption.js';
import type { GaugeRelease } from './gauge-release.js';

/**
 * Seat accounting for `entitlements.seats`: every member added takes one
 * unit of the seats feature (a gauge) and every member removed gives it
 * back, in the membership change's own transaction. Adding beyond the limit
 * fails with `LimitExceededError` and adds nobody.
 */
export function seatPolicy<F extends string, L extends F, P extends string>(
  feature: L,
  catalog: CatalogSync,
  consumption: ConsumptionService<F, L, P>,
  release: GaugeRelease<F, L, P>,
): SeatPolicy {
  return Object.freeze({
    prepare: () => catalog.ensure(),
    async take(tx: StoreOperations, tenantId: string) {
      return (await consumption.consumeIn(tx, tenantId, feature, 1)).afterCommit;
    },
    async giveBack(tx: StoreOperations, tenantId: string, member: MembershipRecord) {
      // The owner created with the tenant took no seat (there was no plan yet), so gives none back.
      if (member.source === 'tenant_create') return;
      // Lenient on purpose: a member added before seat accounting was switched
      // on never took a seat, and removing them must not fail for that.
      await release.releaseIn(tx, tenantId, feature, 1, { namespace: undefined, upTo: true });
    },
  });
}
