import { NotFoundError } from '../../core/errors/index.js';
import type { StoreAdapter, TransactionOptions } from '../../store/store-adapter.js';
import type { StoreOperationName, StoreOperations } from '../../store/store-operations.js';
import { MemoryAuditTables } from './memory-audit-tables.js';
import { MemoryEntitlementTables } from './memory-entitlement-tables.js';
import { MemoryInvitationTables } from './memory-invitation-tables.js';
import { MemoryRateLimitTables } from './memory-rate-limit-tables.js';
import { MemoryTables, rollBack, type Undo } from './memory-tables.js';

/** Every table of the memory adapter. */
interface Tables {
  readonly memberships: MemoryTables;
  readonly audit: MemoryAuditTables;
  readonly entitlements: MemoryEntitlementTables;
  readonly rateLimits: MemoryRateLimitTables;
  readonly invitations: MemoryInvitationTables;
}

/** Schedules one synchronous operation and says where its undo entries go. */
type Run = <T>(op: (undo: Undo[]) => T) => Promise<T>;

/**
 * The operations over `tables`, one entry per name of `STORE_OPERATIONS`
 * (the mapped type makes a missing or misspelled one a compile error).
 * `run` decides how each call is scheduled and where its undo entries go.
 */
function operationsOver({ memberships, audit, entitlements, rateLimits, invitations }: Tables, run: Run): StoreOperations {
  const operations: { readonly [K in StoreOperationName]: StoreOperations[K] } = {
    createTenant: (tenant, owner) =>
      run((undo) => {
        memberships.createTenant(tenant, owner, undo);
      }),
    findTenant: (tenantId) => run(() => memberships.findTenant(tenantId)),
    findMembership: (tenantId, userId) => run(() => memberships.findMembership(tenantId, userId)),
    listMembershipsOfUser: (userId) => run(() => memberships.listMembershipsOfUser(userId)),
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
    consume: (request) => run((undo) => entitlements.consume(request, undo)),
    release: (request) => run((undo) => entitlements.release(request, undo)),
    readCounters: (tenantId, counters) => run(() => entitlements.readCounters(tenantId, counters)),
    recordAlert: (alert) => run((undo) => entitlements.recordAlert(alert, undo)),
    listAlerts: (tenantId) => run(() => entitlements.listAlerts(tenantId)),
    hitRateLimit: (hit) => run((undo) => rateLimits.hitRateLimit(hit, undo)),
    insertInvitation: (invitation) => run((undo) => invitations.insertInvitation(invitation, undo)),
    findInvitationBySelector: (selector) => run(() => invitations.findInvitationBySelector(selector)),
    findInvitation: (tenantId, invitationId) => run(() => invitations.findInvitation(tenantId, invitationId)),
    listInvitations: (tenantId, page) => run(() => invitations.listInvitations(tenantId, page)),
    writeInvitation: (write) => run((undo) => invitations.writeInvitation(write, undo)),
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
    this.#tables = {
      memberships,
      audit: new MemoryAuditTables(tenantExists),
      entitlements: new MemoryEntitlementTables(tenantExists),
      rateLimits: new MemoryRateLimitTables(),
      invitations: new MemoryInvitationTables(tenantExists),
    };
    // Every operation as an own property, so the adapter can be spread or wrapped.
    Object.assign(
      this,
      operationsOver(this.#tables, (op) => this.#outsideTransaction(op)),
    );
  }

  async transaction<T>(work: (tx: StoreOperations) => Promise<T>, options: TransactionOptions): Promise<T> {
    // Wait for every transaction queued before us; the loop re-checks because
    // another waiter may have taken the lock first.
    while (this.#lock !== undefined) await this.#lock;
    let release!: () => void;
    this.#lock = new Promise<void>((resolve) => (release = resolve));
    const undo: Undo[] = [];
    try {
      // The lock excludes every other writer already: the tenant lock is an existence check.
      if (options.tenantId !== undefined && this.#tables.memberships.findTenant(options.tenantId) === undefined) throw new NotFoundError();
      const tx = operationsOver(this.#tables, (op) => {
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
      return await work(tx);
    } catch (error) {
      rollBack(undo);
      throw error;
    } finally {
      this.#lock = undefined;
      release();
    }
  }

  /** Single operations outside a transaction: run at once, or after the running transaction. */
  async #outsideTransaction<T>(op: (undo: Undo[]) => T): Promise<T> {
    while (this.#lock !== undefined) await this.#lock;
    return allOrNothing(op).result;
  }
}
