import type { StoreOperations } from '../../store/store.js';
import { appendAudit, listAudit } from './operations/audit.js';
import { listAlerts, recordAlert } from './operations/alerts.js';
import { hitRateLimit } from './operations/rate-limit.js';
import { consume } from './operations/consume.js';
import { listCounters, readCounters } from './operations/counter-reads.js';
import { assertParentsSynced, deleteFeature, deletionBlocker, listFeatures, syncFeatures } from './operations/features.js';
import { readGrants } from './operations/grants.js';
import { deleteMembership, updateMembershipRole } from './operations/guarded-writes.js';
import { createTenant, insertMembership } from './operations/inserts.js';
import { namingMissingParent } from './operations/parents.js';
import { addBoost, assignPackage, cancelPackage, setNamespaceLimit } from './operations/provisioning.js';
import { findMembership, findTenant, listMembers, listMembershipsOfUser, lockTenant } from './operations/reads.js';
import { release } from './operations/release.js';
import { allOrNothing, atomic, fallible, read, single, type Scope } from './scope.js';
import { toStoreError } from './storage-errors.js';

/**
 * `deleteFeature` in one transaction, mapping a foreign-key violation of the
 * delete (a reference the checks did not see) to what it means.
 */
async function deleteFeatureIn(scope: Scope, featureKey: string) {
  try {
    return await allOrNothing(scope, (ctx) => deleteFeature(ctx, featureKey));
  } catch (error) {
    if (scope.dialect.classifyError(error) !== 'foreign_key_violation') throw error;
    return (await read(scope, (ctx) => deletionBlocker(ctx, featureKey))) ?? 'in_use';
  }
}

/** `syncFeatures`, naming the missing parent when one was deleted concurrently after the check. */
async function syncFeaturesIn(scope: Scope, features: Parameters<StoreOperations['syncFeatures']>[0]) {
  try {
    await allOrNothing(scope, (ctx) => syncFeatures(ctx, features));
  } catch (error) {
    if (scope.dialect.classifyError(error) === 'foreign_key_violation') await read(scope, (ctx) => assertParentsSynced(ctx, features));
    throw error;
  }
}

/** The store operations over `scope`, each mapping driver errors to tenantry errors. */
export function operationsIn(scope: Scope): StoreOperations {
  const run = async <T>(op: () => Promise<T>): Promise<T> => {
    try {
      return await scope.inTurn(() => {
        // Checked when the operation's turn comes, so a call queued behind the
        // last one of a transaction cannot run on a connection already released.
        if (!scope.isOpen()) throw new Error('This transaction has already ended; use the store, not tx.');
        return op();
      });
    } catch (error) {
      throw toStoreError(scope.dialect, error);
    }
  };
  const parents = <T>(tenantId: string, features: readonly string[], op: () => Promise<T>) => run(() => namingMissingParent(scope, tenantId, features, op));
  return Object.freeze({
    createTenant: (tenant, owner) => run(() => allOrNothing(scope, (ctx) => createTenant(ctx, tenant, owner))),
    findTenant: (tenantId) => run(() => read(scope, (ctx) => findTenant(ctx, tenantId))),
    lockTenant: (tenantId) => run(() => read(scope, (ctx) => lockTenant(ctx, tenantId))),
    findMembership: (tenantId, userId) => run(() => read(scope, (ctx) => findMembership(ctx, tenantId, userId))),
    listMembershipsOfUser: (userId) => run(() => read(scope, (ctx) => listMembershipsOfUser(ctx, userId))),
    listMembers: (tenantId, page) => run(() => read(scope, (ctx) => listMembers(ctx, tenantId, page))),
    insertMembership: (membership) => run(() => single(scope, (ctx) => insertMembership(ctx, membership))),
    updateMembershipRole: (change) => run(() => atomic(scope, (ctx) => updateMembershipRole(ctx, change))),
    deleteMembership: (removal) => run(() => atomic(scope, (ctx) => deleteMembership(ctx, removal))),
    appendAudit: (entry) => run(() => single(scope, (ctx) => appendAudit(ctx, entry))),
    listAudit: (tenantId, page) => run(() => read(scope, (ctx) => listAudit(ctx, tenantId, page))),
    syncFeatures: (features) => run(() => syncFeaturesIn(scope, features)),
    listFeatures: () => run(() => read(scope, listFeatures)),
    deleteFeature: (featureKey) => run(() => deleteFeatureIn(scope, featureKey)),
    assignPackage: (assignment) => run(() => fallible(scope, (ctx) => assignPackage(ctx, assignment))),
    cancelPackage: (cancellation) => run(() => allOrNothing(scope, (ctx) => cancelPackage(ctx, cancellation))),
    addBoost: (boost) => parents(boost.tenantId, [boost.featureKey], () => fallible(scope, (ctx) => addBoost(ctx, boost))),
    setNamespaceLimit: (change) => parents(change.tenantId, [change.featureKey], () => fallible(scope, (ctx) => setNamespaceLimit(ctx, change))),
    readGrants: (tenantId) => run(() => read(scope, (ctx) => readGrants(ctx, tenantId))),
    consume: (request) => run(() => consume(scope, request)),
    release: (request) => run(() => release(scope, request)),
    readCounters: (tenantId, counters) => run(() => read(scope, (ctx) => readCounters(ctx, tenantId, counters))),
    listCounters: (tenantId) => run(() => read(scope, (ctx) => listCounters(ctx, tenantId))),
    recordAlert: (alert) => parents(alert.tenantId, [alert.featureKey], () => fallible(scope, (ctx) => recordAlert(ctx, alert))),
    listAlerts: (tenantId) => run(() => read(scope, (ctx) => listAlerts(ctx, tenantId))),
    hitRateLimit: (hit) => run(() => hitRateLimit(scope, hit)),
  } satisfies StoreOperations);
}
