import type { Decision } from './decision.js';

/**
 * UI semantics of a decision, for buttons and menu items:
 *
 * - not a member: hidden (`visible: false`), so the UI does not reveal the tenant;
 * - member without the capability: visible but disabled, with a human `reason` for a tooltip;
 * - allowed: visible and enabled.
 *
 * Server-side enforcement never depends on this; always `authorize()` the action itself.
 */
export interface ActionState {
  readonly visible: boolean;
  readonly disabled: boolean;
  /** Tooltip text for a disabled action; `null` when enabled or hidden. */
  readonly reason: string | null;
}

/** Context handed to a custom tooltip formatter. */
export interface DisabledReasonContext {
  readonly capability: string;
  readonly role: string;
}

/** Formats the tooltip of a visible-but-disabled action. */
export type DisabledReasonFormatter = (context: DisabledReasonContext) => string;

/** Default tooltip: names the role and the missing capability. */
export const defaultDisabledReason: DisabledReasonFormatter = ({ capability, role }) =>
  `Your role (${role}) does not allow this action (requires "${capability}").`;

const HIDDEN: ActionState = Object.freeze({ visible: false, disabled: true, reason: null });
const ENABLED: ActionState = Object.freeze({ visible: true, disabled: false, reason: null });

/**
 * Derives the UI state from a decision. `role` is the actor's role in the
 * tenant (known whenever the decision is a 403).
 *
 * A `formatReason` that throws, or returns something other than a string,
 * never fails the call: the tooltip falls back to {@link defaultDisabledReason}
 * and the failure goes to `onFormatError` (tenantry passes its `onError` hook).
 */
export function toActionState(
  decision: Decision,
  role: string | undefined,
  formatReason: DisabledReasonFormatter = defaultDisabledReason,
  onFormatError?: (error: unknown) => void,
): ActionState {
  switch (decision.reason) {
    case 'allowed':
      return ENABLED;
    // Allowed once the user verifies a second factor: the action starts the step-up flow.
    case 'second_factor_required':
      return ENABLED;
    case 'not_member':
      return HIDDEN;
    case 'missing_capability':
      return Object.freeze({
        visible: true,
        disabled: true,
        reason: disabledReason({ capability: decision.capability, role: role ?? 'unknown' }, formatReason, onFormatError),
      });
  }
}

/** The host's tooltip, or the default one when the host's formatter fails. */
function disabledReason(context: DisabledReasonContext, formatReason: DisabledReasonFormatter, onFormatError: ((error: unknown) => void) | undefined): string {
  let failure: unknown;
  try {
    const text: unknown = formatReason(Object.freeze({ ...context }));
    if (typeof text === 'string') return text;
    failure = new TypeError(`formatDisabledReason must return a string, got ${text === null ? 'null' : typeof text}.`);
  } catch (error) {
    failure = error;
  }
  try {
    onFormatError?.(failure);
  } catch {
    // Reporting is best effort: a tooltip is never worth a failed request.
  }
  return defaultDisabledReason(context);
}
