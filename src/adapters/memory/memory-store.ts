import type { Store, StoreOperations } from '../../store/store.js';
import { MemoryTables, rollBack, type Undo } from './memory-tables.js';

/**
 * Builds the operations over `tables`. `run` decides how each call is
 * scheduled and where its undo entries go.
 */
function operationsOver(tables: MemoryTables, run: <T>(op: (undo: Undo[]) => T) => Promise<T>): StoreOperations {
  return {
    createTenant: (tenant, owner) => run((undo) => { tables.createTenant(tenant, owner, undo); }),
    findTenant: (tenantId) => run(() => tables.findTenant(tenantId)),
    findMembership: (tenantId, userId) => run(() => tables.findMembership(tenantId, userId)),
    listMembershipsOfUser: (userId) => run(() => tables.listMembershipsOfUser(userId)),
    listMembers: (tenantId, page) => run(() => tables.listMembers(tenantId, page)),
    insertMembership: (membership) => run((undo) => { tables.insertMembership(membership, undo); }),
    updateMembershipRole: (change) => run((undo) => tables.updateMembershipRole(change, undo)),
    deleteMembership: (removal) => run((undo) => tables.deleteMembership(removal, undo)),
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
export class MemoryStore implements Store {
  readonly #tables = new MemoryTables();
  /** Settles when the running transaction (if any) ends; calls queue behind it. */
  #lock: Promise<void> | undefined;
  readonly #ops: StoreOperations;

  constructor() {
    this.#ops = operationsOver(this.#tables, (op) => this.#outsideTransaction(op));
  }

  createTenant: StoreOperations['createTenant'] = (...args) => this.#ops.createTenant(...args);
  findTenant: StoreOperations['findTenant'] = (...args) => this.#ops.findTenant(...args);
  findMembership: StoreOperations['findMembership'] = (...args) => this.#ops.findMembership(...args);
  listMembershipsOfUser: StoreOperations['listMembershipsOfUser'] = (...args) => this.#ops.listMembershipsOfUser(...args);
  listMembers: StoreOperations['listMembers'] = (...args) => this.#ops.listMembers(...args);
  insertMembership: StoreOperations['insertMembership'] = (...args) => this.#ops.insertMembership(...args);
  updateMembershipRole: StoreOperations['updateMembershipRole'] = (...args) => this.#ops.updateMembershipRole(...args);
  deleteMembership: StoreOperations['deleteMembership'] = (...args) => this.#ops.deleteMembership(...args);

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
        return Promise.reject(error as Error);
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
