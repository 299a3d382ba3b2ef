import assert from 'node:assert/strict';
import { isTenantryError } from '../../../core/errors/index.js';
import type { GuardedWriteResult } from '../../../store/records.js';
import type { Store } from '../../../store/store.js';
import type { StoreOperations } from '../../../store/store-operations.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { Fixtures, MEMBER, OWNER } from '../fixtures.js';

/** Tenants raced at once in each concurrency case: enough to interleave on a pooled store. */
const TENANTS = 6;

type GuardedWrite = (ops: StoreOperations, tenantId: string, userId: string) => Promise<GuardedWriteResult>;

const demote: GuardedWrite = (ops, tenantId, userId) => ops.updateMembershipRole({ tenantId, userId, role: MEMBER, ownerRole: OWNER });
const remove: GuardedWrite = (ops, tenantId, userId) => ops.deleteMembership({ tenantId, userId, ownerRole: OWNER });

/**
 * Gives `TENANTS` tenants two owners each, fires `first` at one owner and
 * `second` at the other of every tenant at the same time, and checks that
 * exactly one of each pair was applied and every tenant kept one owner.
 */
async function raceOwners(store: Store, first: GuardedWrite, second: GuardedWrite): Promise<void> {
  const f = new Fixtures(store);
  const tenants = await Promise.all(Array.from({ length: TENANTS }, (_, i) => f.seedTenant(String(i), f.userId('a'), { [f.userId('b')]: OWNER })));
  const results = await Promise.all(tenants.map((tenant) => Promise.all([first(store, tenant.id, f.userId('a')), second(store, tenant.id, f.userId('b'))])));
  for (const [index, tenant] of tenants.entries()) {
    const outcomes = (results[index] ?? []).map((r) => r.outcome).sort();
    assert.deepEqual(outcomes, ['applied', 'last_owner'], `tenant ${tenant.id}`);
    const owners = (await store.listMembers(tenant.id, { limit: 10 })).filter((m) => m.role === OWNER);
    assert.equal(owners.length, 1, `tenant ${tenant.id} must keep exactly one owner`);
  }
}

/** Settles every promise and counts successes and tenantry error codes. */
async function tally(promises: readonly Promise<unknown>[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const result of await Promise.allSettled(promises)) {
    if (result.status === 'rejected' && !isTenantryError(result.reason)) throw result.reason;
    const key = result.status === 'fulfilled' ? 'ok' : (result.reason as { code: string }).code;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** The last-owner guard and unique keys under concurrent calls on one store. */
export const concurrencyCases = [
  {
    name: 'concurrent mutual demotions of two owners: exactly one is applied',
    run: ({ store }) => raceOwners(store, demote, demote),
  },
  {
    name: 'concurrent mutual removals of two owners: exactly one is applied',
    run: ({ store }) => raceOwners(store, remove, remove),
  },
  {
    name: 'a concurrent demotion and removal of two owners: exactly one is applied',
    run: ({ store }) => raceOwners(store, demote, remove),
  },
  {
    name: 'concurrent transactions demoting each other: exactly one is applied',
    run: ({ store }) => {
      // Each transaction reads first, like a service authorising the actor, then writes.
      const inTransaction =
        (write: GuardedWrite): GuardedWrite =>
        (_ops, tenantId, userId) =>
          store.transaction(async (tx) => {
            await tx.findMembership(tenantId, userId);
            return write(tx, tenantId, userId);
          });
      return raceOwners(store, inTransaction(demote), inTransaction(remove));
    },
  },
  {
    name: 'concurrent guarded writes inside one transaction: exactly one is applied',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('a'), { [f.userId('b')]: OWNER });
      const outcomes = await store.transaction((tx) => Promise.all([demote(tx, tenant.id, f.userId('a')), remove(tx, tenant.id, f.userId('b'))]));
      assert.deepEqual(outcomes.map((r) => r.outcome).sort(), ['applied', 'last_owner']);
      const owners = (await store.listMembers(tenant.id, { limit: 10 })).filter((m) => m.role === OWNER);
      assert.equal(owners.length, 1);
    },
  },
  {
    name: 'concurrent inserts of the same membership: exactly one succeeds',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'));
      const counts = await tally(Array.from({ length: 6 }, () => store.insertMembership(f.membership(tenant.id, f.userId('m'), MEMBER))));
      assert.deepEqual(counts, { ok: 1, already_exists: 5 });
      assert.equal((await store.listMembers(tenant.id, { limit: 10 })).length, 2);
    },
  },
  {
    name: 'concurrent creations of the same tenant: exactly one succeeds',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = f.tenant('a');
      const counts = await tally(Array.from({ length: 6 }, (_, i) => store.createTenant(tenant, f.membership(tenant.id, f.userId(`owner-${i}`), OWNER))));
      assert.deepEqual(counts, { ok: 1, already_exists: 5 });
      assert.equal((await store.listMembers(tenant.id, { limit: 10 })).length, 1);
    },
  },
] as const satisfies readonly StoreConformanceCase[];
