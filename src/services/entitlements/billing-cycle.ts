import type { FeatureCatalog } from '../../core/entitlements/define-features.js';
import { periodWindow } from '../../core/entitlements/period-window.js';
import { isGauge } from '../../core/entitlements/reset-period.js';
import type { StoreOperations, TenantGrants, UsageShift } from '../../store/index.js';
import type { UsagePolicy } from './entitlement-inputs.js';

/**
 * The anchor of a tenant without a stored one: the epoch. Only a tenant
 * that was never provisioned through tenantry (every provisioning stores an
 * anchor) reads it, and it is a fixed instant: windows never move because
 * grants change.
 */
export const UNSET_CYCLE_ANCHOR = new Date(0);

/** The tenant's billing-cycle anchor: the stored one, never derived from its packages or boosts. */
export function cycleAnchorOf(grants: TenantGrants): Date {
  return grants.cycleAnchor ?? UNSET_CYCLE_ANCHOR;
}

/**
 * For every cycle-anchored limit feature, its current window under `before`
 * and under `after` (both as of `now`). With `carry`, only the features whose
 * window moves; with `reset`, all of them (the window at `after` is zeroed).
 */
export function usageShifts(features: FeatureCatalog, before: Date, after: Date, now: Date, usage: UsagePolicy): UsageShift[] {
  const shifts: UsageShift[] = [];
  for (const featureKey of features.keys()) {
    const spec = features.get(featureKey);
    if (spec.kind !== 'limit' || isGauge(spec.reset) || spec.reset.anchor !== 'cycle') continue;
    const from = periodWindow(spec.reset, now, before).start;
    const to = periodWindow(spec.reset, now, after).start;
    if (usage === 'reset' || from.getTime() !== to.getTime()) shifts.push({ featureKey, from, to });
  }
  return shifts;
}

/**
 * Moves the tenant to `anchor` inside `tx` (which holds the tenant lock):
 * stores it and carries or resets the current windows' usage. Resolves with
 * the anchor before the change.
 */
export async function applyCycleAnchor(
  tx: StoreOperations,
  features: FeatureCatalog,
  change: { readonly tenantId: string; readonly grants: TenantGrants; readonly anchor: Date; readonly usage: UsagePolicy; readonly now: Date },
): Promise<Date | undefined> {
  const previous = change.grants.cycleAnchor;
  const shifts = usageShifts(features, cycleAnchorOf(change.grants), change.anchor, change.now, change.usage);
  if (previous?.getTime() !== change.anchor.getTime()) await tx.setCycleAnchor({ tenantId: change.tenantId, anchor: change.anchor });
  if (shifts.length > 0) await tx.shiftUsage({ tenantId: change.tenantId, shifts, usage: change.usage });
  return previous;
}
