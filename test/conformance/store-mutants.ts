import { randomUUID } from 'node:crypto';
import { isTenantryError } from '../../src/core/errors/index.js';
import { MemoryAdapter, memoryStore } from '../../src/memory.js';
import { defineStore } from '../../src/store/define-store.js';
import type { GuardedWriteResult, MembershipRecord, RoleChange } from '../../src/store/records.js';
import type { StoreAdapter } from '../../src/store/store-adapter.js';
import type { Store } from '../../src/store/store.js';
import type { StoreOperations } from '../../src/store/store-operations.js';

/**
 * Deliberately broken stores, each a memory store with one behaviour wrong.
 * They prove that the conformance cases can fail.
 */

/** A role nobody holds: passing it as ownerRole switches the last-owner guard off. */
const NO_OWNER_ROLE = '\u0000nobody';

/**
 * The operations of `store` as a plain object, without `transaction`. The
 * memory store and its transaction handles expose every operation as an own
 * property, so a spread copies them all, whatever operations the port gains.
 */
function operationsOf(store: StoreOperations): StoreOperations {
  const { transaction: _transaction, name: _name, ...ops } = store as StoreOperations & { transaction?: unknown; name?: unknown };
  return ops;
}

export type Patch = (ops: StoreOperations) => Partial<StoreOperations>;

/** A memory store with `patch` applied to its operations, in and out of transactions. */
export function patched(patch: Patch, transaction?: (base: Store, patchedOps: StoreOperations) => Store['transaction']): () => Store {
  return () => {
    const base = memoryStore();
    const ops = { ...operationsOf(base), ...patch(operationsOf(base)) };
    return {
      name: 'memory (mutant)',
      ...ops,
      transaction:
        transaction?.(base, ops) ??
        ((work, options) =>
          base.transaction((tx) => {
            const txOps = operationsOf(tx);
            return work({ ...txOps, ...patch(txOps) });
          }, options)),
    };
  };
}

/**
 * A store made the way `memoryStore()` is (`defineStore` over a memory
 * adapter), with `patch` applied to the adapter: a broken tier-1 adapter
 * under the real wrapper.
 */
export function brokenAdapter(patch: (adapter: MemoryAdapter) => Partial<StoreAdapter>): () => Store {
  return () => {
    const adapter = new MemoryAdapter();
    // The adapter's operations are own properties; its transaction is a method, bound here.
    // eslint-disable-next-line @typescript-eslint/no-misused-spread
    return defineStore({ ...adapter, name: adapter.name, transaction: (work, options) => adapter.transaction(work, options), ...patch(adapter) });
  };
}

export function ignoring(code: string) {
  return (error: unknown): void => {
    if (isTenantryError(error) && error.code === code) return;
    throw error;
  };
}

export const pause = () => new Promise((resolve) => setTimeout(resolve, 2));

/** Last-owner guard read, then written after a pause: two concurrent calls both see two owners. */
export const racyGuards: Patch = (ops) => {
  const guard = async (tenantId: string, userId: string, ownerRole: string, demotes: boolean): Promise<GuardedWriteResult | undefined> => {
    const members = await ops.listMembers(tenantId, { limit: 1000 });
    const previous = members.find((m) => m.userId === userId);
    await pause();
    if (previous === undefined) return { outcome: 'not_found' };
    const owners = members.filter((m) => m.role === ownerRole).length;
    return previous.role === ownerRole && demotes && owners <= 1 ? { outcome: 'last_owner' } : undefined;
  };
  return {
    async updateMembershipRole(change) {
      return (
        (await guard(change.tenantId, change.userId, change.ownerRole, change.role !== change.ownerRole)) ??
        ops.updateMembershipRole({ ...change, ownerRole: NO_OWNER_ROLE })
      );
    },
    async deleteMembership(removal) {
      return (await guard(removal.tenantId, removal.userId, removal.ownerRole, true)) ?? ops.deleteMembership({ ...removal, ownerRole: NO_OWNER_ROLE });
    },
  };
};

/** createTenant as two separate steps: the tenant (with a placeholder owner), then the real owner. */
export const splitCreateTenant: Patch = (ops) => ({
  async createTenant(tenant, owner) {
    await ops.createTenant(tenant, { ...owner, id: randomUUID(), tenantId: tenant.id, userId: `${owner.userId}#placeholder` });
    await ops.insertMembership(owner);
  },
});

/** Applies `fold` to every tenant id (`tenant`) or user id (`user`) the store receives. */
export function folding(kind: 'tenant' | 'user', fold: (id: string) => string): Patch {
  const t = kind === 'tenant' ? fold : (id: string) => id;
  const u = kind === 'user' ? fold : (id: string) => id;
  return (ops) => ({
    createTenant: (tenant, owner) => ops.createTenant({ ...tenant, id: t(tenant.id) }, { ...owner, tenantId: t(owner.tenantId), userId: u(owner.userId) }),
    findTenant: (id) => ops.findTenant(t(id)),
    findMembership: (tenantId, userId) => ops.findMembership(t(tenantId), u(userId)),
    listMembershipsOfUser: (userId) => ops.listMembershipsOfUser(u(userId)),
    listActiveMembershipsOfUser: (userId) => ops.listActiveMembershipsOfUser(u(userId)),
    listMembers: (tenantId, page) => ops.listMembers(t(tenantId), page),
    insertMembership: (m) => ops.insertMembership({ ...m, tenantId: t(m.tenantId), userId: u(m.userId) }),
    updateMembershipRole: (c) => ops.updateMembershipRole({ ...c, tenantId: t(c.tenantId), userId: u(c.userId) }),
    deleteMembership: (r) => ops.deleteMembership({ ...r, tenantId: t(r.tenantId), userId: u(r.userId) }),
  });
}

/**
 * A store behind a lossy encoder, like a MySQL connection with the 3-byte
 * `utf8` character set: every character above U+FFFF becomes U+FFFD in tenant
 * and user ids, so two emoji are one id and both equal `'\ufffd'`.
 */
export const lossyAstral: Patch = (ops) => {
  const lossy = (id: string) => id.replace(/[\u{10000}-\u{10ffff}]/gu, '\ufffd');
  return folding('tenant', lossy)({ ...ops, ...folding('user', lossy)(ops) });
};

export function byLocale(records: readonly MembershipRecord[], key: 'tenantId' | 'userId'): MembershipRecord[] {
  return [...records].sort((a, b) => a[key].localeCompare(b[key]));
}

/**
 * Keeps no actor type: derives it from the id's `system:` prefix on every
 * write, as an adapter that stored only `created_by` / `actor_id` would have to.
 */
export const typeFromPrefix: Patch = (ops) => {
  const typeOf = (id: string) => (id.startsWith('system:') ? ('system' as const) : ('user' as const));
  return {
    createTenant: (tenant, owner) =>
      ops.createTenant({ ...tenant, createdByType: typeOf(tenant.createdBy) }, { ...owner, createdByType: typeOf(owner.createdBy) }),
    insertMembership: (m) => ops.insertMembership({ ...m, createdByType: typeOf(m.createdBy) }),
    appendAudit: (entry) => ops.appendAudit({ ...entry, actorType: typeOf(entry.actorId) }),
  };
};

/** Refuses to take the owner role from anyone (the guard is too strict). */
export const ownersAreStuck: Patch = (ops) => ({
  async updateMembershipRole(change: RoleChange) {
    const current = await ops.findMembership(change.tenantId, change.userId);
    if (current?.role === change.ownerRole && change.role !== change.ownerRole) return { outcome: 'last_owner' };
    return ops.updateMembershipRole(change);
  },
  async deleteMembership(removal) {
    const current = await ops.findMembership(removal.tenantId, removal.userId);
    if (current?.role === removal.ownerRole) return { outcome: 'last_owner' };
    return ops.deleteMembership(removal);
  },
});

/** A transaction that is no transaction: work runs on the store itself, nothing is rolled back. */
export const noTransaction =
  (_base: Store, ops: StoreOperations): Store['transaction'] =>
  (work) =>
    work(ops);

/** Like a PostgreSQL transaction without savepoints: after one failed call, every later call fails too. */
export const poisonedAfterFailure =
  (base: Store): Store['transaction'] =>
  (work, options) =>
    base.transaction((tx) => {
      let failed = false;
      const wrap =
        <A extends unknown[], R>(op: (...args: A) => Promise<R>) =>
        async (...args: A): Promise<R> => {
          if (failed) throw new Error('current transaction is aborted');
          try {
            return await op(...args);
          } catch (error) {
            failed = true;
            throw error;
          }
        };
      const ops = operationsOf(tx);
      const poisoned = Object.fromEntries(
        Object.entries(ops).map(([name, op]) => [name, wrap((...args: unknown[]) => (op as (...a: unknown[]) => Promise<unknown>)(...args))]),
      ) as unknown as StoreOperations;
      return work(poisoned);
    }, options);

/** Inserts made inside a transaction are only applied at its end, invisible to its own guarded writes. */
export const deferredInserts =
  (base: Store): Store['transaction'] =>
  (work, options) =>
    base.transaction(async (tx) => {
      const pending: Parameters<StoreOperations['insertMembership']>[0][] = [];
      const result = await work({
        ...operationsOf(tx),
        insertMembership: (m) => {
          pending.push(m);
          return Promise.resolve();
        },
      });
      for (const m of pending) await tx.insertMembership(m);
      return result;
    }, options);

export { NO_OWNER_ROLE, operationsOf };
