import assert from 'node:assert/strict';
import type { StoreOperations } from '../../../store/store-operations.js';
import { rejectsWithCode } from '../assertions.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { Fixtures, MEMBER, OWNER } from '../fixtures.js';

/** transaction(): commit, rollback, isolation of its handle. */
export const transactionCases = [
  {
    name: 'transaction commits every write and resolves with the result of work',
    async run({ store }) {
      const f = new Fixtures(store);
      const existing = await f.seedTenant('existing', f.userId('owner'), { [f.userId('old')]: MEMBER, [f.userId('promoted')]: MEMBER });
      const created = f.tenant('created');
      const result = await store.transaction(async (tx) => {
        await tx.createTenant(created, f.membership(created.id, f.userId('owner'), OWNER));
        await tx.insertMembership(f.membership(existing.id, f.userId('new'), MEMBER));
        await tx.updateMembershipRole({ tenantId: existing.id, userId: f.userId('promoted'), role: OWNER, ownerRole: OWNER });
        await tx.deleteMembership({ tenantId: existing.id, userId: f.userId('old'), ownerRole: OWNER });
        return 'done';
      });
      assert.equal(result, 'done');
      assert.deepEqual(await store.findTenant(created.id), created);
      assert.deepEqual(
        (await store.listMembers(existing.id, { limit: 10 })).map((m) => [m.userId, m.role]),
        [
          [f.userId('new'), MEMBER],
          [f.userId('owner'), OWNER],
          [f.userId('promoted'), OWNER],
        ],
      );
    },
  },
  {
    name: 'transaction rolls back every write when work throws, and rethrows that error',
    async run({ store }) {
      const f = new Fixtures(store);
      const existing = await f.seedTenant('existing', f.userId('owner'), { [f.userId('old')]: MEMBER, [f.userId('promoted')]: MEMBER });
      const before = await store.listMembers(existing.id, { limit: 10 });
      const created = f.tenant('created');
      const failure = new Error('work failed');
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.createTenant(created, f.membership(created.id, f.userId('owner'), OWNER));
          await tx.insertMembership(f.membership(existing.id, f.userId('new'), MEMBER));
          await tx.updateMembershipRole({ tenantId: existing.id, userId: f.userId('promoted'), role: OWNER, ownerRole: OWNER });
          await tx.deleteMembership({ tenantId: existing.id, userId: f.userId('old'), ownerRole: OWNER });
          throw failure;
        }),
        (error: unknown) => error === failure,
      );
      assert.equal(await store.findTenant(created.id), undefined);
      assert.deepEqual(await store.listMembers(existing.id, { limit: 10 }), before);
      assert.deepEqual(
        (await store.listMembershipsOfUser(f.userId('owner'))).map((m) => m.tenantId),
        [existing.id],
      );
    },
  },
  {
    name: 'transaction reads its own writes',
    async run({ store }) {
      const f = new Fixtures(store);
      const created = f.tenant('created');
      await store.transaction(async (tx) => {
        await tx.createTenant(created, f.membership(created.id, f.userId('owner'), OWNER));
        await tx.insertMembership(f.membership(created.id, f.userId('m'), MEMBER));
        assert.deepEqual(await tx.findTenant(created.id), created);
        assert.equal((await tx.findMembership(created.id, f.userId('m')))?.role, MEMBER);
        assert.equal((await tx.listMembers(created.id, { limit: 10 })).length, 2);
        assert.equal((await tx.listMembershipsOfUser(f.userId('m'))).length, 1);
        await tx.deleteMembership({ tenantId: created.id, userId: f.userId('m'), ownerRole: OWNER });
        assert.equal(await tx.findMembership(created.id, f.userId('m')), undefined);
      });
    },
  },
  {
    name: 'the transaction handle is rejected after the transaction ends and writes nothing',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'));
      let leaked: StoreOperations | undefined;
      await store.transaction((tx) => {
        leaked = tx;
        return Promise.resolve();
      });
      assert.ok(leaked !== undefined);
      await assert.rejects(leaked.insertMembership(f.membership(tenant.id, f.userId('late'), MEMBER)));
      await assert.rejects(leaked.findTenant(tenant.id));
      assert.equal(await store.findMembership(tenant.id, f.userId('late')), undefined);
    },
  },
  {
    name: 'a write that fails inside a transaction leaves the transaction usable',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'), { [f.userId('m')]: MEMBER });
      await store.transaction(async (tx) => {
        await tx.insertMembership(f.membership(tenant.id, f.userId('before'), MEMBER));
        await rejectsWithCode(tx.insertMembership(f.membership(tenant.id, f.userId('m'), OWNER)), 'already_exists', 'membership');
        await rejectsWithCode(tx.insertMembership(f.membership(f.tenantId('missing'), f.userId('m'), MEMBER)), 'not_found');
        await rejectsWithCode(tx.createTenant(tenant, f.membership(tenant.id, f.userId('x'), OWNER)), 'already_exists', 'tenant');
        await tx.insertMembership(f.membership(tenant.id, f.userId('after'), MEMBER));
      });
      assert.deepEqual(
        (await store.listMembers(tenant.id, { limit: 10 })).map((m) => [m.userId, m.role]),
        [
          [f.userId('after'), MEMBER],
          [f.userId('before'), MEMBER],
          [f.userId('m'), MEMBER],
          [f.userId('owner'), OWNER],
        ],
      );
    },
  },
  {
    name: 'createTenant inside a transaction is all or nothing when its failure is caught',
    async run({ store }) {
      const f = new Fixtures(store);
      const existing = await f.seedTenant('existing', f.userId('owner'));
      const colliding = f.tenant('colliding');
      const kept = f.tenant('kept');
      await store.transaction(async (tx) => {
        await rejectsWithCode(tx.createTenant(colliding, f.membership(existing.id, f.userId('owner'), OWNER)), 'already_exists', 'membership');
        await tx.createTenant(kept, f.membership(kept.id, f.userId('owner'), OWNER));
      });
      assert.equal(await store.findTenant(colliding.id), undefined);
      assert.deepEqual(await store.findTenant(kept.id), kept);
    },
  },
  {
    name: "guarded writes inside a transaction count the transaction's own writes",
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('first'));
      await store.transaction(async (tx) => {
        await tx.insertMembership(f.membership(tenant.id, f.userId('second'), OWNER));
        const demoteFirst = await tx.updateMembershipRole({ tenantId: tenant.id, userId: f.userId('first'), role: MEMBER, ownerRole: OWNER });
        assert.equal(demoteFirst.outcome, 'applied');
        const removeSecond = await tx.deleteMembership({ tenantId: tenant.id, userId: f.userId('second'), ownerRole: OWNER });
        assert.deepEqual(removeSecond, { outcome: 'last_owner' });
      });
      assert.equal((await store.findMembership(tenant.id, f.userId('first')))?.role, MEMBER);
      assert.equal((await store.findMembership(tenant.id, f.userId('second')))?.role, OWNER);
    },
  },
] as const satisfies readonly StoreConformanceCase[];
