import { toActionState, type ActionState } from '../core/decisions/action-state.js';
import type { ClientSnapshot } from '../core/snapshot/client-snapshot.js';
import { check } from './snapshot-decision.js';

/**
 * The UI state of an action guarded by `capability`: the state the server
 * rendered when `capability` was in the snapshot's `actions` (with the
 * host's tooltip text), otherwise derived from the bits with the default
 * tooltip. Enabled when allowed (or allowed after a step-up, which the
 * action then starts), visible but disabled otherwise. Throws
 * `UnknownCapabilityError` for an undeclared capability.
 *
 * UI hinting only: the server enforces.
 *
 * @example
 * ```ts fragment
 * const { disabled, reason } = actionState(snapshot, 'billing.manage');
 * button.disabled = disabled;
 * button.title = reason ?? '';
 * ```
 */
export function actionState<C extends string>(snapshot: ClientSnapshot<C>, capability: NoInfer<C>): ActionState {
  const decision = check(snapshot, capability);
  const rendered = Object.hasOwn(snapshot.actions, capability) ? snapshot.actions[capability] : undefined;
  return rendered ?? toActionState(decision, snapshot.role ?? undefined);
}
