import type { ActionState } from '../../core/decisions/action-state.js';
import { NotFoundError } from '../../core/errors/index.js';
import { SNAPSHOT_VERSION, type ClientSnapshot } from '../../core/snapshot/client-snapshot.js';
import type { TenantAccess } from './tenant-access.js';

/**
 * Builds the client snapshot of a resolved access object. Reads only the
 * object's own (synchronous) decisions, so it is right for every role kind
 * the access object understands, and for step-up: a capability held back
 * until the request steps up lands in `stepUp`, not in `granted`.
 *
 * A non-member (or unknown tenant, or malformed id) gets `NotFoundError`,
 * like every tenant-scoped call other than `check`; the membership denial
 * event fires once. Capability denials do not fire `onDenied`: rendering a
 * disabled button is not an attempt. An undeclared capability in `actions`
 * throws `UnknownCapabilityError` before anything is built.
 */
export function buildSnapshot<C extends string>(access: TenantAccess<C>, actions: readonly C[]): ClientSnapshot<C> {
  const names = access.capabilityNames;
  for (const capability of actions) access.peek(capability);
  const denial = access.membershipDenial();
  if (denial !== undefined) {
    access.emit(denial);
    throw new NotFoundError();
  }
  const words = Math.max(1, Math.ceil(names.length / 32));
  const granted = new Array<number>(words).fill(0);
  const stepUp = new Array<number>(words).fill(0);
  names.forEach((capability, index) => {
    const { status } = access.peek(capability);
    const target = status === 200 ? granted : status === 401 ? stepUp : undefined;
    if (target !== undefined) target[index >>> 5] = ((target[index >>> 5] ?? 0) | (1 << (index & 31))) >>> 0;
  });
  const states: Partial<Record<C, ActionState>> = {};
  for (const capability of actions) states[capability] = access.peekActionState(capability);
  return {
    v: SNAPSHOT_VERSION,
    tenantId: access.tenantId,
    role: access.role ?? null,
    capabilities: [...names],
    granted,
    stepUp,
    actions: states,
  };
}
