import type { Store, StoreOperations } from '../../store/store.js';
import { MemoryAuditTables } from './memory-audit-tables.js';
import { MemoryEntitlementTables } from './memory-entitlement-tables.js';
import { MemoryRateLimitTables } from './memory-rate-limit-tables.js';
import { MemoryTables, rollBack, type Undo } from './memory-tables.js';

/** Every table of the memory store. */
interface Tables {
  readonly memberships: MemoryTables;
  readonly audit: MemoryAuditTables;
  readonly entitlements: MemoryEntitlementTables;
  readonly rateLimits: MemoryRateLimitTables;
}

/**
 * Builds the operations over `tables`. `run` decides how each call is
 * scheduled and where its undo entries go.
 */
function operationsOver(
  { memberships, audit, entitlements, rateLimits }: Tables,
  run: <T>(op: (undo: Undo[]) => T) => Promise<T>,
): StoreOperations {
  return {
    createTenant: (tenant, owner) => run((undo) => { memberships.createTenant(tenant, owner, undo); }),
    findTenant: (tenantId) => run(() => memberships.findTenant(tenantId)),
    // Transactions hold the store's lock already: existence is all there is to check.
    lockTenant: (tenantId) => run(() => memberships.findTenant(tenantId) !== undefined),
    findMembership: (tenantId, userId) => run(() => memberships.findMembership(tenantId, userId)),
    listMembershipsOfUser: (userId) => run(() => memberships.listMembershipsOfUser(userId)),
    listMembers: (tenantId, page) => run(() => memberships.listMembers(tenantId, page)),
    insertMembership: (membership) => run((undo) => { memberships.insertMembership(membership, undo); }),
    updateMembershipRole: (change) => run((undo) => memberships.updateMembershipRole(change, undo)),
    deleteMembership: (removal) => run((undo) => memberships.deleteMembership(removal, undo)),
    appendAudit: (entry) => run((undo) => { audit.appendAudit(entry, undo); }),
    listAudit: (tenantId, page) => run(() => audit.listAudit(tenantId, page)),
    syncFeatures: (features) => run((undo) => { entitlements.syncFeatures(features, undo); }),
    listFeatures: () => run(() => entitlements.listFeatures()),
    deleteFeature: (featureKey) => run((undo) => entitlements.deleteFeature(featureKey, undo)),
    assignPackage: (assignment) => run((undo) => { entitlements.assignPackage(assignment, undo); }),
    cancelPackage: (cancellation) => run((undo) => entitlements.cancelPackage(cancellation, undo)),
    addBoost: (boost) => run((undo) => { entitlements.addBoost(boost, undo); }),
    setNamespaceLimit: (change) => run((undo) => { entitlements.setNamespaceLimit(change, undo); }),
    readGrants: (tenantId) => run(() => entitlements.readGrants(tenantId)),
    consume: (request) => run((undo) => entitlements.consume(request, undo)),
    release: (request) => run((undo) => entitlements.release(request, undo)),
    readCounters: (tenantId, counters) => run(() => entitlements.readCounters(tenantId, counters)),
    listCounters: (tenantId) => run(() => entitlements.listCounters(tenantId)),
    recordAlert: (alert) => run((undo) => entitlements.recordAlert(alert, undo)),
    listAlerts: (tenantId) => run(() => entitlements.listAlerts(tenantId)),
    hitRateLimit: (hit) => run((undo) => rateLimits.hitRateLimit(hit, undo)),
  };
}

/**
 * In-process {@link Store} for tests and prototypes. Data lives in the process
 * and is lost when it exits.
 *
 * Every operation runs synchronously between two awaits, which is what makes
 * it atomic. Transactions hold an exclusive lock for their whole duration
 * (other calls queue behind them) and keep an undo log, so a transaction that
 * throws leaves the tables exactly as they were.
 */
// The operations are assigned in the constructor; the interface merge declares them.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface MemoryStore extends StoreOperations {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class MemoryStore implements Store {
  readonly #tables: Tables;
  /** Settles when the running transaction (if any) ends; calls queue behind it. */
  #lock: Promise<void> | undefined;
  readonly #ops: StoreOperations;

  constructor() {
    const memberships = new MemoryTables();
    const tenantExists = (tenantId: string) => memberships.findTenant(tenantId) !== undefined;
    this.#tables = {
      memberships,
      audit: new MemoryAuditTables(tenantExists),
      entitlements: new MemoryEntitlementTables(tenantExists),
      rateLimits: new MemoryRateLimitTables(),
    };
    this.#ops = operationsOver(this.#tables, (op) => this.#outsideTransaction(op));
    // Expose every operation as an own property, so the store can be spread or wrapped.
    Object.assign(this, this.#ops);
  }

  async transaction<T>(work: (tx: StoreOperations) => Promise<T>): Promise<T> {
    // Wait for every transaction queued before us; the loop re-checks because
    // another waiter may have taken the lock first.
    while (this.#lock !== undefined) await this.#lock;
    let release!: () => void;
    this.#lock = new Promise<void>((resolve) => (release = resolve));

    const undo: Undo[] = [];
    let open = true;
    const tx = operationsOver(this.#tables, (op) => {
      if (!open) return Promise.reject(new Error('This transaction has already ended; use the store, not tx.'));
      // Each operation is all-or-nothing on its own, even inside a transaction that
      // goes on after catching its error (createTenant writes two rows).
      const local: Undo[] = [];
      try {
        const result = op(local);
        undo.push(...local);
        return Promise.resolve(result);
      } catch (error) {
        rollBack(local);
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    try {
      return await work(tx);
    } catch (error) {
      rollBack(undo);
      throw error;
    } finally {
      open = false;
      this.#lock = undefined;
      release();
    }
  }

  /** Single operations outside a transaction: run at once, or after the running transaction. */
  async #outsideTransaction<T>(op: (undo: Undo[]) => T): Promise<T> {
    while (this.#lock !== undefined) await this.#lock;
    const undo: Undo[] = [];
    try {
      return op(undo);
    } catch (error) {
      // An operation that writes more than one row (createTenant) must not leave half of it behind.
      rollBack(undo);
      throw error;
    }
  }
}

/**
 * Creates an empty in-memory store.
 *
 * @example
 * ```ts
 * import { memoryStore } from 'tenantry/memory';
 * const tenantry = createTenantry({ capabilities, roles, store: memoryStore() });
 * ```
 */
export function memoryStore(): MemoryStore {
  return new MemoryStore();
}
