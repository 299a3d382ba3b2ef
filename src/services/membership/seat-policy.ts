import type { MembershipRecord } from '../../store/records.js';
import type { StoreOperations } from '../../store/store-operations.js';

/**
 * Ties memberships to a seats-style gauge: adding a member takes a seat and
 * removing one (or leaving) gives it back, inside the membership change's own
 * transaction, so the seat count and the member list never disagree. Built
 * by the instance from `entitlements.seats`.
 */
export interface SeatPolicy {
  /** Runs before the membership transaction opens (the feature catalog must be in storage). */
  prepare(): Promise<void>;
  /**
   * Takes one seat for `tenantId` through `tx`; throws `LimitExceededError`
   * when none is left. Resolves with what to run once `tx` committed (the
   * usage alerts the seat crossed).
   */
  take(tx: StoreOperations, tenantId: string): Promise<() => void>;
  /** Takes the founding owner's seat in the creating transaction (nothing unless the owner counts). */
  takeFounding(tx: StoreOperations, tenantId: string): Promise<void>;
  /** Gives back the seat `member` held, through `tx`. */
  giveBack(tx: StoreOperations, tenantId: string, member: MembershipRecord): Promise<void>;
}
