import type { StoreOperations } from '../../store/store-operations.js';

/**
 * Ties memberships to a seats-style gauge: adding a member takes a seat and
 * removing one (or leaving) gives it back, inside the membership change's own
 * transaction, so the seat count and the member list never disagree.
 * `seatPolicy()` from the entitlements module implements it.
 */
export interface SeatPolicy {
  /** Runs before the membership transaction opens (for example to sync the feature catalog). */
  prepare(): Promise<void>;
  /** Takes one seat for `tenantId` through `tx`; throws `LimitExceededError` when none is left. */
  take(tx: StoreOperations, tenantId: string): Promise<void>;
  /** Gives one seat back through `tx`. */
  giveBack(tx: StoreOperations, tenantId: string): Promise<void>;
}
