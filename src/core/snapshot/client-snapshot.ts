import type { ActionState } from '../decisions/action-state.js';

/** The one snapshot format version this release writes and reads. Bumped on any incompatible change. */
export const SNAPSHOT_VERSION = 1;

/**
 * What a UI needs to render one tenant for one actor without a round trip
 * per button: `scope.snapshot(tenantId)` builds it on the server, the
 * browser reads it with `can()` / `actionState()` from `tenantry/client`.
 * Plain JSON (numbers, strings, arrays, objects), so it survives
 * `JSON.stringify` / `parseSnapshot` unchanged.
 *
 * The capabilities travel as a bitset over the catalog order: bit `i` of
 * word `i >>> 5` of `granted` stands for `capabilities[i]`. Shipping the
 * order with the bits keeps the snapshot self-describing: a client built
 * against an older catalog still reads it, and an undeclared name is
 * recognised as such (and throws, as on the server).
 *
 * **UI hinting only.** The snapshot is what the server decided when it was
 * built; the server still enforces every action with `authorize()`.
 *
 * @typeParam C - capability names (the server's catalog type).
 */
export interface ClientSnapshot<C extends string = string> {
  /** Format version: always {@link SNAPSHOT_VERSION}. */
  readonly v: typeof SNAPSHOT_VERSION;
  /** The tenant the snapshot is about. */
  readonly tenantId: string;
  /** The member's role as stored; `null` for a system actor. */
  readonly role: string | null;
  /** Every declared capability, in bit order. */
  readonly capabilities: readonly C[];
  /** Allowed capabilities, as 32-bit words (unsigned). */
  readonly granted: readonly number[];
  /** Granted by the role but waiting for a second-factor step-up (the server answers 401), as 32-bit words. */
  readonly stepUp: readonly number[];
  /** The action states the server rendered (with the host's tooltip formatter), for the capabilities asked for. */
  readonly actions: Readonly<Partial<Record<C, ActionState>>>;
}
