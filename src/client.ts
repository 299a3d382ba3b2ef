/**
 * `tenantry/client`: reads the client snapshot (`scope.snapshot()`) in a
 * browser or any other JavaScript runtime, to hide and disable UI without
 * a request per button. No Node APIs, no dependencies.
 *
 * **UI hinting only**: the snapshot is what the server decided when it
 * built it; the server still enforces every action.
 *
 * @packageDocumentation
 */
export { parseSnapshot } from './client/parse-snapshot.js';
export { can, check } from './client/snapshot-decision.js';
export { actionState } from './client/snapshot-action-state.js';
export { SNAPSHOT_VERSION } from './core/snapshot/client-snapshot.js';
export type { ClientSnapshot } from './core/snapshot/client-snapshot.js';
export type { ActionState } from './core/decisions/action-state.js';
export type { Decision, DecisionReason, DecisionStatus } from './core/decisions/decision.js';
export type { CapabilityOf } from './core/capabilities/define-capabilities.js';
export { InvalidSnapshotError, isInvalidSnapshotError } from './core/errors/snapshot-errors.js';
export { UnknownCapabilityError, isUnknownCapabilityError } from './core/errors/catalog-errors.js';
export { isTenantryError } from './core/errors/tenantry-error.js';
