import type { Decision } from '../core/decisions/decision.js';
import { UnknownCapabilityError } from '../core/errors/catalog-errors.js';
import type { ClientSnapshot } from '../core/snapshot/client-snapshot.js';

/** True when bit `index` is set in `words`. */
function bit(words: readonly number[], index: number): boolean {
  return (((words[index >>> 5] ?? 0) >>> (index & 31)) & 1) === 1;
}

/**
 * The decision the server gave for `capability` when it built the
 * snapshot: 200 allowed, 401 allowed after a second-factor step-up, 403
 * not granted (a snapshot only exists for members). Throws
 * `UnknownCapabilityError` for a capability the snapshot's catalog does not
 * declare, as the server does.
 *
 * UI hinting only: the server enforces.
 */
export function check<C extends string>(snapshot: ClientSnapshot<C>, capability: NoInfer<C>): Decision<C> {
  const index = snapshot.capabilities.indexOf(capability);
  if (index < 0) throw new UnknownCapabilityError(String(capability));
  const { tenantId } = snapshot;
  if (bit(snapshot.granted, index)) return { allowed: true, status: 200, reason: 'allowed', capability, tenantId };
  if (bit(snapshot.stepUp, index)) return { allowed: false, status: 401, reason: 'second_factor_required', capability, tenantId };
  return { allowed: false, status: 403, reason: 'missing_capability', capability, tenantId };
}

/**
 * True when the snapshot says the actor may use `capability` (the server's
 * `access.can()` when the snapshot was built). Throws
 * `UnknownCapabilityError` for an undeclared capability.
 *
 * UI hinting only: the server enforces.
 *
 * @example
 * ```ts fragment
 * if (can(snapshot, 'billing.manage')) showBillingMenu();
 * ```
 */
export function can<C extends string>(snapshot: ClientSnapshot<C>, capability: NoInfer<C>): boolean {
  return check(snapshot, capability).allowed;
}
