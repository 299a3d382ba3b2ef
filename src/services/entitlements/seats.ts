import type { MembershipRecord, StoreOperations } from '../../store/index.js';
import type { SeatPolicy } from '../membership/seat-policy.js';
import type { CatalogSync } from './catalog-sync.js';
import type { ConsumptionService } from './consumption.js';
import { toTargets } from './counter-plan.js';
import type { GaugeRelease } from './gauge-release.js';
import type { EntitlementReader } from './tenant-entitlements.js';

/** What {@link seatPolicy} works with. */
export interface SeatPolicyParts<F extends string, L extends F, P extends string> {
  readonly feature: L;
  /** Whether the founding owner takes a seat (default in `entitlements.seats`: yes). */
  readonly countFoundingOwner: boolean;
  readonly catalog: CatalogSync;
  readonly consumption: ConsumptionService<F, L, P>;
  readonly release: GaugeRelease<F, L, P>;
  readonly reader: EntitlementReader<F, L, P>;
}

/**
 * Seat accounting for `entitlements.seats`: every member added takes one
 * unit of the seats feature (a gauge) and every member removed gives it
 * back, in the membership change's own transaction. Adding beyond the limit
 * fails with `LimitExceededError` and adds nobody.
 *
 * The founding owner (with `countFoundingOwner`) takes a seat in the
 * creating transaction. A tenant being created has no plan yet, so there is
 * no limit to check it against: the seat is counted at every level of the
 * feature (its pools included), so that a plan of 3 seats assigned
 * afterwards admits exactly 3 people, the owner included.
 */
export function seatPolicy<F extends string, L extends F, P extends string>(parts: SeatPolicyParts<F, L, P>): SeatPolicy {
  const { feature, countFoundingOwner, catalog, consumption, release, reader } = parts;
  return Object.freeze({
    prepare: () => catalog.ensure(),
    async take(tx: StoreOperations, tenantId: string) {
      return (await consumption.consumeIn(tx, tenantId, feature, 1)).afterCommit;
    },
    async takeFounding(tx: StoreOperations, tenantId: string) {
      if (!countFoundingOwner) return;
      const context = await reader.read(tx, tenantId);
      const counters = toTargets(reader.levels(context, feature, undefined)).map((target) => ({ ...target, limit: 'unlimited' as const }));
      await tx.consume({ tenantId, amount: 1, counters, now: context.now });
    },
    async giveBack(tx: StoreOperations, tenantId: string, member: MembershipRecord) {
      // Without countFoundingOwner, the owner created with the tenant took no seat, so gives none back.
      if (member.source === 'tenant_create' && !countFoundingOwner) return;
      // Lenient on purpose: a member added before seat accounting was switched
      // on (or an owner founded before the owner counted) never took a seat,
      // and removing them must not fail for that.
      await release.releaseIn(tx, tenantId, feature, 1, { namespace: undefined, upTo: true });
    },
  });
}
