import { NotFoundError } from '../../core/errors/index.js';
import type { StoreAdapter, TransactionOptions } from '../../store/store-adapter.js';
import type { StoreOperationName, StoreOperations } from '../../store/store-operations.js';
import { RATE_LIMIT_RETENTION_MS } from '../../store/rate-limit-hit-rules.js';
import { assertBatchSize, DEFAULT_PRUNE_BATCH_SIZE } from '../../store/retention-operations.js';
import { MemoryAuditTables } from './memory-audit-tables.js';
import { assertValidDates } from './valid-date.js';
import { MemoryEntitlementTables } from './memory-entitlement-tables.js';
import { MemoryInvitationTables } from './memory-invitation-tables.js';
import { MemoryLeaseTables } from './memory-lease-tables.js';
import { MemoryRateLimitTables } from './memory-rate-limit-tables.js';
import { MemoryTables, rollBack, type Undo } from './memory-tables.js';
import { MemoryTwoFactorTables } from './memory-two-factor-tables.js';
import { MemoryWebhookTables } from './memory-webhook-tables.js';
import { MemoryTenantRoleTables } from './memory-tenant-role-tables.js';

/** Every table of the memory adapter. */
interface Tables {
  readonly memberships: MemoryTables;
  readonly audit: MemoryAuditTables;
  readonly entitlements: MemoryEntitlementTables;
  readonly rateLimits: MemoryRateLimitTables;
  readonly twoFactor: MemoryTwoFactorTables;
  readonly webhooks: MemoryWebhookTables;
  readonly invitations: MemoryInvitationTables;
  readonly tenantRoles: MemoryTenantRoleTables;
  readonly leases: MemoryLeaseTables;
}

/** Schedules one synchronous operation and says where its undo entries go. */
type Run = <T>(op: (undo: Undo[]) => T) => Promise<T>;

/**
 * The operations over `tables`, one entry per name of `STORE_OPERATIONS`
 * (the mapped type makes a missing or misspelled one a compile error).
 * `run` decides how each call is scheduled and where its undo entries go.
 */
function operationsOver(
  { memberships, audit, entitlements, rateLimits, twoFactor, webhooks, invitations, tenantRoles, leases }: Tables,
  run: Run,
): StoreOperations {
  const operations: { readonly [K in StoreOperationName]: StoreOperations[K] } = {
    createTenant: (tenant, owner) =>
      run((undo) => {
        memberships.createTenant(tenant, owner, undo);
      }),
    findTenant: (tenantId) => run(() => memberships.findTenant(tenantId)),
    updateTenant: (update) => run((undo) => memberships.updateTenant(update, undo)),
    listTenants: (page) => run(() => memberships.listTenants(page)),
    findActiveMembership: (tenantId, userId) => run(() => memberships.findActiveMembership(tenantId, userId)),
    deleteTenant: (tenantId) =>
      run((undo) => {
        // Rows of other tables first, as the SQL adapters' foreign keys require; the audit log is kept.
        if (memberships.findTenant(tenantId) !== undefined) {
          leases.deleteTenantRows(tenantId, undo);
          entitlements.deleteTenantRows(tenantId, undo);
          invitations.deleteTenantRows(tenantId, undo);
          webhooks.deleteTenantRows(tenantId, undo);
          tenantRoles.deleteTenantRows(tenantId, undo);
        }
        return memberships.deleteTenant(tenantId, undo);
      }),
    findMembership: (tenantId, userId) => run(() => memberships.findMembership(tenantId, userId)),
    listMembershipsOfUser: (userId) => run(() => memberships.listMembershipsOfUser(userId)),
    listActiveMembershipsOfUser: (userId) => run(() => memberships.listActiveMembershipsOfUser(userId)),
    listMembers: (tenantId, page) => run(() => memberships.listMembers(tenantId, page)),
    insertMembership: (membership) =>
      run((undo) => {
        memberships.insertMembership(membership, undo);
      }),
    updateMembershipRole: (change) => run((undo) => memberships.updateMembershipRole(change, undo)),
    deleteMembership: (removal) => run((undo) => memberships.deleteMembership(removal, undo)),
    appendAudit: (entry) =>
      run((undo) => {
        audit.appendAudit(entry, undo);
      }),
    listAudit: (tenantId, page) => run(() => audit.listAudit(tenantId, page)),
    syncFeatures: (features) =>
      run((undo) => {
        entitlements.syncFeatures(features, undo);
      }),
    listFeatures: () => run(() => entitlements.listFeatures()),
    deleteFeature: (featureKey) => run((undo) => entitlements.deleteFeature(featureKey, undo)),
    assignPackage: (assignment) =>
      run((undo) => {
        entitlements.assignPackage(assignment, undo);
      }),
    cancelPackage: (cancellation) => run((undo) => entitlements.cancelPackage(cancellation, undo)),
    addBoost: (boost) =>
      run((undo) => {
        entitlements.addBoost(boost, undo);
      }),
    setNamespaceLimit: (change) =>
      run((undo) => {
        entitlements.setNamespaceLimit(change, undo);
      }),
    readGrants: (tenantId) => run(() => entitlements.readGrants(tenantId)),
    setCycleAnchor: (change) =>
      run((undo) => {
        entitlements.setCycleAnchor(change, undo);
      }),
    shiftUsage: (request) =>
      run((undo) => {
        entitlements.shiftUsage(request, undo);
      }),
    consume: (request) => run((undo) => entitlements.consume(request, undo)),
    consumeGranted: (request) => run((undo) => entitlements.consumeGranted(request, undo)),
    release: (request) => run((undo) => entitlements.release(request, undo)),
    readCounters: (tenantId, counters) => run(() => entitlements.readCounters(tenantId, counters)),
    recordAlert: (alert) => run((undo) => entitlements.recordAlert(alert, undo)),
    listAlerts: (tenantId) => run(() => entitlements.listAlerts(tenantId)),
    hitRateLimit: (hit) => run((undo) => rateLimits.hitRateLimit(hit, undo)),
    findTwoFactor: (userId) => run(() => twoFactor.findTwoFactor(userId)),
    saveTwoFactor: (enrolment) => run((undo) => twoFactor.saveTwoFactor(enrolment, undo)),
    advanceTwoFactorStep: (advance) => run((undo) => twoFactor.advanceTwoFactorStep(advance, undo)),
    deleteTwoFactor: (userId) => run((undo) => twoFactor.deleteTwoFactor(userId, undo)),
    listTwoFactorToReseal: (page) => run(() => twoFactor.listTwoFactorToReseal(page)),
    resealTwoFactorSecret: (reseal) => run((undo) => twoFactor.resealTwoFactorSecret(reseal, undo)),
    replaceRecoveryCodes: (set) =>
      run((undo) => {
        twoFactor.replaceRecoveryCodes(set, undo);
      }),
    listRecoveryCodes: (userId) => run(() => twoFactor.listRecoveryCodes(userId)),
    useRecoveryCode: (use) => run((undo) => twoFactor.useRecoveryCode(use, undo)),
    insertWebhookEndpoint: (endpoint) =>
      run((undo) => {
        webhooks.insertWebhookEndpoint(endpoint, undo);
      }),
    findWebhookEndpoint: (tenantId, endpointId) => run(() => webhooks.findWebhookEndpoint(tenantId, endpointId)),
    listWebhookEndpoints: (tenantId) => run(() => webhooks.listWebhookEndpoints(tenantId)),
    updateWebhookEndpoint: (change) => run((undo) => webhooks.updateWebhookEndpoint(change, undo)),
    deleteWebhookEndpoint: (tenantId, endpointId) => run((undo) => webhooks.deleteWebhookEndpoint(tenantId, endpointId, undo)),
    insertWebhookDeliveries: (deliveries) =>
      run((undo) => {
        webhooks.insertWebhookDeliveries(deliveries, undo);
      }),
    claimWebhookDeliveries: (claim) => run((undo) => webhooks.claimWebhookDeliveries(claim, undo)),
    completeWebhookDelivery: (completion) => run((undo) => webhooks.completeWebhookDelivery(completion, undo)),
    listWebhookDeliveries: (tenantId, endpointId) => run(() => webhooks.listWebhookDeliveries(tenantId, endpointId)),
    listWebhookAttempts: (deliveryId) => run(() => webhooks.listWebhookAttempts(deliveryId)),
    requeueWebhookDelivery: (requeue) => run((undo) => webhooks.requeueWebhookDelivery(requeue, undo)),
    pruneWebhookDeliveries: (before) => run((undo) => webhooks.pruneWebhookDeliveries(before, undo)),
    prune: ({ now, auditOlderThan, batchSize = DEFAULT_PRUNE_BATCH_SIZE }) =>
      run((undo) => {
        assertValidDates(now, auditOlderThan ?? null);
        assertBatchSize(batchSize);
        return Object.freeze({
          idempotencyKeys: entitlements.pruneIdempotency(now, batchSize, undo),
          rateLimitWindows: rateLimits.pruneBefore(new Date(now.getTime() - RATE_LIMIT_RETENTION_MS), batchSize),
          auditEntries: auditOlderThan === undefined ? 0 : audit.pruneAudit(auditOlderThan, batchSize, undo),
        });
      }),
    insertInvitation: (invitation) => run((undo) => invitations.insertInvitation(invitation, undo)),
    findInvitationBySelector: (selector) => run(() => invitations.findInvitationBySelector(selector)),
    findInvitation: (tenantId, invitationId) => run(() => invitations.findInvitation(tenantId, invitationId)),
    listInvitations: (tenantId, page) => run(() => invitations.listInvitations(tenantId, page)),
    writeInvitation: (write) => run((undo) => invitations.writeInvitation(write, undo)),
    saveIdempotentResponse: (save) => run((undo) => entitlements.saveIdempotentResponse(save, undo)),
    readIdempotentResponse: (lookup) => run(() => entitlements.readIdempotentResponse(lookup)),
    insertTenantRole: (role) =>
      run((undo) => {
        tenantRoles.insertTenantRole(role, undo);
      }),
    listTenantRoles: (tenantId) => run(() => tenantRoles.listTenantRoles(tenantId)),
    updateTenantRole: (change) => run((undo) => tenantRoles.updateTenantRole(change, undo)),
    deleteTenantRole: (deletion) => run((undo) => tenantRoles.deleteTenantRole(deletion, undo)),
    acquireLease: (request) => run((undo) => leases.acquireLease(request, undo)),
    checkpointLease: (checkpoint) => run((undo) => leases.checkpointLease(checkpoint, undo)),
    returnLease: (request) => run((undo) => leases.returnLease(request, undo)),
    reclaimLeases: (request) => run((undo) => leases.reclaimLeases(request, undo)),
    listLeases: (tenantId) => run(() => leases.listLeases(tenantId)),
  };
  return Object.freeze(operations);
}

/** Runs `op` with an undo log of its own; when it throws, undoes what it wrote. Returns the entries of a success. */
function allOrNothing<T>(op: (undo: Undo[]) => T): { readonly result: T; readonly undo: readonly Undo[] } {
  const undo: Undo[] = [];
  try {
    return { result: op(undo), undo };
  } catch (error) {
    // An operation that writes more than one row (createTenant) must not leave half of it behind.
    rollBack(undo);
    throw error;
  }
}

/**
 * The in-process {@link StoreAdapter} behind `memoryStore()`: the reference
 * semantics of every operation, for tests and prototypes. Data lives in the
 * process and is lost when it exits.
 *
 * Every operation runs synchronously between two awaits, with no `await`
 * between a guard and its write: that is what makes it atomic. A
 * transaction holds the adapter's single lock for its whole duration
 * (other calls and transactions queue behind it), which also makes every
 * transaction a tenant lock, and keeps an undo log, so a transaction that
 * throws leaves the tables exactly as they were. Turn-taking inside a
 * transaction and the settled-handle check come from `defineStore`.
 */
// The operations are assigned in the constructor; the interface merge declares them.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface MemoryAdapter extends StoreOperations {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class MemoryAdapter implements StoreAdapter {
  readonly name = 'memory';
  readonly #tables: Tables;
  /** Settles when the running transaction (if any) ends; calls queue behind it. */
  #lock: Promise<void> | undefined;

  constructor() {
    const memberships = new MemoryTables();
    const tenantExists = (tenantId: string) => memberships.findTenant(tenantId) !== undefined;
    const entitlements = new MemoryEntitlementTables(tenantExists);
    this.#tables = {
      memberships,
      audit: new MemoryAuditTables(tenantExists),
      entitlements,
      leases: new MemoryLeaseTables(entitlements),
      rateLimits: new MemoryRateLimitTables(),
      twoFactor: new MemoryTwoFactorTables(),
      webhooks: new MemoryWebhookTables(tenantExists),
      invitations: new MemoryInvitationTables(tenantExists),
      tenantRoles: new MemoryTenantRoleTables(memberships),
    };
    // Every operation as an own property, so the adapter can be spread or wrapped.
    Object.assign(
      this,
      operationsOver(this.#tables, (op) => this.#outsideTransaction(op)),
    );
  }

  async transaction<T>(work: (tx: StoreOperations) => Promise<T>, options: TransactionOptions): Promise<T> {
    return this.#locked((undo) => this.#inTransaction(undo, work, options));
  }

  /**
   * One transaction shared with the host (see `StoreAdapter.hostTransaction`):
   * `work` gets an adapter whose operations and nested transactions write
   * into it, and `undefined` as the host's handle (there is no host database
   * in memory: make your own writes undoable yourself, or use the Kysely
   * store). It holds the adapter's lock until `work` settles.
   */
  hostTransaction<T>(work: (adapter: StoreAdapter, db: unknown) => Promise<T>): Promise<T> {
    return this.#locked((undo) => {
      const nested: StoreAdapter = Object.freeze({
        ...this.#operationsInto(undo),
        name: this.name,
        transaction: <R>(inner: (tx: StoreOperations) => Promise<R>, options: TransactionOptions) => this.#inTransaction(undo, inner, options),
      });
      return work(nested, undefined);
    });
  }

  /** Runs `work` holding the adapter's lock, with an undo log that is rolled back when it throws. */
  async #locked<T>(work: (undo: Undo[]) => Promise<T>): Promise<T> {
    // Wait for every transaction queued before us; the loop re-checks because
    // another waiter may have taken the lock first.
    while (this.#lock !== undefined) await this.#lock;
    let release!: () => void;
    this.#lock = new Promise<void>((resolve) => (release = resolve));
    const undo: Undo[] = [];
    try {
      return await work(undo);
    } catch (error) {
      rollBack(undo);
      throw error;
    } finally {
      this.#lock = undefined;
      release();
    }
  }

  /** `work` as a (possibly nested) transaction under the lock already held: all or nothing, its entries then kept in `outer`. */
  async #inTransaction<T>(outer: Undo[], work: (tx: StoreOperations) => Promise<T>, options: TransactionOptions): Promise<T> {
    const undo: Undo[] = [];
    try {
      // The lock excludes every other writer already: the tenant lock is an existence check.
      if (options.tenantId !== undefined && this.#tables.memberships.findTenant(options.tenantId) === undefined) throw new NotFoundError();
      return await work(this.#operationsInto(undo));
    } catch (error) {
      rollBack(undo);
      undo.length = 0;
      throw error;
    } finally {
      outer.push(...undo);
    }
  }

  /** The operations, each all or nothing on its own, recording their undo entries in `undo`. */
  #operationsInto(undo: Undo[]): StoreOperations {
    return operationsOver(this.#tables, (op) => {
      try {
        // Each operation is all-or-nothing on its own, even inside a transaction
        // that goes on after catching its error (createTenant writes two rows).
        const done = allOrNothing(op);
        undo.push(...done.undo);
        return Promise.resolve(done.result);
      } catch (error) {
        // What the operation threw, unchanged: classifying it is the caller's job.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        return Promise.reject(error);
      }
    });
  }

  /** Single operations outside a transaction: run at once, or after the running transaction. */
  async #outsideTransaction<T>(op: (undo: Undo[]) => T): Promise<T> {
    while (this.#lock !== undefined) await this.#lock;
    return allOrNothing(op).result;
  }
}
