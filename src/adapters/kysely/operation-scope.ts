import type { StoreOperationName, StoreOperations } from '../../store/store-operations.js';
import { appendAudit, listAudit } from './operations/audit.js';
import { listAlerts, recordAlert } from './operations/alerts.js';
import { hitRateLimit } from './operations/rate-limit.js';
import { prune } from './operations/prune.js';
import { consume } from './operations/consume.js';
import { consumeGranted } from './operations/consume-granted.js';
import { postgresConsumeGranted } from './dialects/postgres-consume-granted.js';
import { readCounters } from './operations/counter-reads.js';
import { assertParentsSynced, deleteFeature, deletionBlocker, listFeatures, syncFeatures } from './operations/features.js';
import { readGrants } from './operations/grants.js';
import { setCycleAnchor, shiftUsage } from './operations/billing-cycle.js';
import { deleteMembership, updateMembershipRole } from './operations/guarded-writes.js';
import { createTenant, insertMembership } from './operations/inserts.js';
import { findInvitation, findInvitationBySelector, insertInvitation, listInvitations, writeInvitation } from './operations/invitations.js';
import { namingMissingParent } from './operations/parents.js';
import { addBoost, assignPackage, cancelPackage, setNamespaceLimit } from './operations/provisioning.js';
import { findMembership, findTenant, listActiveMembershipsOfUser, listMembers, listMembershipsOfUser } from './operations/reads.js';
import { release } from './operations/release.js';
import { acquireLease, checkpointLease, listLeases, reclaimLeases, returnLease } from './operations/leases.js';
import { listRecoveryCodes, replaceRecoveryCodes, useRecoveryCode } from './operations/recovery-codes.js';
import { advanceTwoFactorStep, deleteTwoFactor, findTwoFactor, listTwoFactorToReseal, resealTwoFactorSecret, saveTwoFactor } from './operations/two-factor.js';
import { deleteTenant, listTenants, updateTenant } from './operations/tenants.js';
import { allOrNothing, atomic, atomicUnlessRefused, fallible, read, single, type Scope } from './scope.js';
import * as webhooks from './operations/webhooks.js';
import { readIdempotentResponse, saveIdempotentResponse } from './operations/idempotent-responses.js';
import * as tenantRoles from './operations/tenant-roles.js';

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

/**
 * The adapter's operations over `scope`, one entry per name of
 * `STORE_OPERATIONS` (the mapped type makes a missing one a compile error).
 * Unique and foreign-key violations become the tenantry error they mean
 * inside each operation, where the entity is known; classifying the rest
 * (outages) is the adapter's `classifyError`, applied once by `defineStore`.
 */
export function operationsIn(scope: Scope): StoreOperations {
  const operations: { readonly [K in StoreOperationName]: StoreOperations[K] } = {
    createTenant: (tenant, owner) => allOrNothing(scope, (ctx) => createTenant(ctx, tenant, owner)),
    findTenant: (tenantId) => read(scope, (ctx) => findTenant(ctx, tenantId)),
    updateTenant: (update) => allOrNothing(scope, (ctx) => updateTenant(ctx, update)),
    listTenants: (page) => read(scope, (ctx) => listTenants(ctx, page)),
    deleteTenant: (tenantId) => allOrNothing(scope, (ctx) => deleteTenant(ctx, tenantId)),
    findActiveMembership: (tenantId, userId) => read(scope, (ctx) => scope.statements.activeMembership.find(ctx, tenantId, userId)),
    findMembership: (tenantId, userId) => read(scope, (ctx) => findMembership(ctx, tenantId, userId)),
    listMembershipsOfUser: (userId) => read(scope, (ctx) => listMembershipsOfUser(ctx, userId)),
    listActiveMembershipsOfUser: (userId) => read(scope, (ctx) => listActiveMembershipsOfUser(ctx, userId)),
    listMembers: (tenantId, page) => read(scope, (ctx) => listMembers(ctx, tenantId, page)),
    insertMembership: (membership) => single(scope, (ctx) => insertMembership(ctx, membership)),
    updateMembershipRole: (change) => atomic(scope, (ctx) => updateMembershipRole(ctx, change)),
    deleteMembership: (removal) => atomic(scope, (ctx) => deleteMembership(ctx, removal)),
    appendAudit: (entry) => single(scope, (ctx) => appendAudit(ctx, entry)),
    listAudit: (tenantId, page) => read(scope, (ctx) => listAudit(ctx, tenantId, page)),
    syncFeatures: (features) => syncFeaturesIn(scope, features),
    listFeatures: () => read(scope, listFeatures),
    deleteFeature: (featureKey) => deleteFeatureIn(scope, featureKey),
    assignPackage: (assignment) => fallible(scope, (ctx) => assignPackage(ctx, assignment)),
    cancelPackage: (cancellation) => allOrNothing(scope, (ctx) => cancelPackage(ctx, cancellation)),
    addBoost: (boost) => namingMissingParent(scope, boost.tenantId, [boost.featureKey], () => fallible(scope, (ctx) => addBoost(ctx, boost))),
    setNamespaceLimit: (change) =>
      namingMissingParent(scope, change.tenantId, [change.featureKey], () => fallible(scope, (ctx) => setNamespaceLimit(ctx, change))),
    readGrants: (tenantId) => read(scope, (ctx) => readGrants(ctx, tenantId)),
    setCycleAnchor: (change) => fallible(scope, (ctx) => setCycleAnchor(ctx, change)),
    shiftUsage: (request) =>
      namingMissingParent(
        scope,
        request.tenantId,
        request.shifts.map((s) => s.featureKey),
        () => allOrNothing(scope, (ctx) => shiftUsage(ctx, request)),
      ),
    consume: (request) => consume(scope, request),
    consumeGranted: (request) => consumeGranted(scope, request, scope.dialect.name === 'postgres' ? postgresConsumeGranted : undefined),
    release: (request) => release(scope, request),
    readCounters: (tenantId, counters) => read(scope, (ctx) => readCounters(ctx, tenantId, counters)),
    recordAlert: (alert) => namingMissingParent(scope, alert.tenantId, [alert.featureKey], () => fallible(scope, (ctx) => recordAlert(ctx, alert))),
    listAlerts: (tenantId) => read(scope, (ctx) => listAlerts(ctx, tenantId)),
    hitRateLimit: (hit) => hitRateLimit(scope, hit),
    findTwoFactor: (userId) => read(scope, (ctx) => findTwoFactor(ctx, userId)),
    saveTwoFactor: (enrolment) => allOrNothing(scope, (ctx) => saveTwoFactor(ctx, enrolment)),
    advanceTwoFactorStep: (advance) => single(scope, (ctx) => advanceTwoFactorStep(ctx, advance)),
    deleteTwoFactor: (userId) => allOrNothing(scope, (ctx) => deleteTwoFactor(ctx, userId)),
    listTwoFactorToReseal: (page) => read(scope, (ctx) => listTwoFactorToReseal(ctx, page)),
    resealTwoFactorSecret: (reseal) => single(scope, (ctx) => resealTwoFactorSecret(ctx, reseal)),
    replaceRecoveryCodes: (set) => allOrNothing(scope, (ctx) => replaceRecoveryCodes(ctx, set)),
    listRecoveryCodes: (userId) => read(scope, (ctx) => listRecoveryCodes(ctx, userId)),
    useRecoveryCode: (use) => single(scope, (ctx) => useRecoveryCode(ctx, use)),
    insertWebhookEndpoint: (endpoint) => fallible(scope, (ctx) => webhooks.insertWebhookEndpoint(ctx, endpoint)),
    findWebhookEndpoint: (tenantId, endpointId) => read(scope, (ctx) => webhooks.findWebhookEndpoint(ctx, tenantId, endpointId)),
    listWebhookEndpoints: (tenantId) => read(scope, (ctx) => webhooks.listWebhookEndpoints(ctx, tenantId)),
    updateWebhookEndpoint: (change) => allOrNothing(scope, (ctx) => webhooks.updateWebhookEndpoint(ctx, change)),
    deleteWebhookEndpoint: (tenantId, endpointId) => fallible(scope, (ctx) => webhooks.deleteWebhookEndpoint(ctx, tenantId, endpointId)),
    insertWebhookDeliveries: (deliveries) => allOrNothing(scope, (ctx) => webhooks.insertWebhookDeliveries(ctx, deliveries)),
    claimWebhookDeliveries: (claim) => allOrNothing(scope, (ctx) => webhooks.claimWebhookDeliveries(ctx, claim)),
    completeWebhookDelivery: (completion) => allOrNothing(scope, (ctx) => webhooks.completeWebhookDelivery(ctx, completion)),
    listWebhookDeliveries: (tenantId, endpointId) => read(scope, (ctx) => webhooks.listWebhookDeliveries(ctx, tenantId, endpointId)),
    listWebhookAttempts: (deliveryId) => read(scope, (ctx) => webhooks.listWebhookAttempts(ctx, deliveryId)),
    requeueWebhookDelivery: (requeue) => fallible(scope, (ctx) => webhooks.requeueWebhookDelivery(ctx, requeue)),
    pruneWebhookDeliveries: (before) => fallible(scope, (ctx) => webhooks.pruneWebhookDeliveries(ctx, before)),
    prune: (request) => prune((work) => atomic(scope, work), request),
    insertInvitation: (invitation) => allOrNothing(scope, (ctx) => insertInvitation(ctx, invitation)),
    findInvitationBySelector: (selector) => read(scope, (ctx) => findInvitationBySelector(ctx, selector)),
    findInvitation: (tenantId, invitationId) => read(scope, (ctx) => findInvitation(ctx, tenantId, invitationId)),
    listInvitations: (tenantId, page) => read(scope, (ctx) => listInvitations(ctx, tenantId, page)),
    writeInvitation: (write) => allOrNothing(scope, (ctx) => writeInvitation(ctx, write)),
    // InnoDB: the save's row lock can deadlock with concurrent claims of the key (shared locks on the duplicate); it is retried.
    saveIdempotentResponse: (save) => atomicUnlessRefused(scope, (ctx) => saveIdempotentResponse(ctx, save)),
    readIdempotentResponse: (lookup) => read(scope, (ctx) => readIdempotentResponse(ctx, lookup)),
    insertTenantRole: (role) => fallible(scope, (ctx) => tenantRoles.insertTenantRole(ctx, role)),
    listTenantRoles: (tenantId) => read(scope, (ctx) => tenantRoles.listTenantRoles(ctx, tenantId)),
    updateTenantRole: (change) => allOrNothing(scope, (ctx) => tenantRoles.updateTenantRole(ctx, change)),
    deleteTenantRole: (deletion) => allOrNothing(scope, (ctx) => tenantRoles.deleteTenantRole(ctx, deletion)),
    acquireLease: (request) => acquireLease(scope, request),
    checkpointLease: (checkpoint) => checkpointLease(scope, checkpoint),
    returnLease: (request) => returnLease(scope, request),
    reclaimLeases: (request) => reclaimLeases(scope, request),
    listLeases: (tenantId) => listLeases(scope, tenantId),
  };
  return Object.freeze(operations);
}
