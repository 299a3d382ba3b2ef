import assert from 'node:assert/strict';
import { MEMBERSHIP_SOURCES } from '../../../store/records.js';
import { rejectsWithCode } from '../assertions.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { Fixtures, MEMBER, OWNER } from '../fixtures.js';

/** insertMembership and findMembership. */
export const membershipCases = [
  {
    name: 'insertMembership stores every field, for every source',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'));
      for (const [index, source] of MEMBERSHIP_SOURCES.entries()) {
        const membership = f.membership(tenant.id, f.userId(`m${index}`), `role-${index}`, {
          source,
          createdByType: source === 'system' ? 'system' : 'user',
          createdBy: source === 'system' ? 'system:conformance' : f.userId('owner'),
          createdAt: new Date(Date.UTC(2025, index, 1 + index, index, index, index, 100 + index)),
        });
        await store.insertMembership(membership);
        assert.deepEqual(await store.findMembership(tenant.id, membership.userId), membership);
      }
    },
  },
  {
    name: 'insertMembership into a missing tenant throws NotFoundError and writes nothing',
    async run({ store }) {
      const f = new Fixtures(store);
      const missing = f.tenantId('missing');
      await rejectsWithCode(store.insertMembership(f.membership(missing, f.userId('u'), MEMBER)), 'not_found');
      assert.equal(await store.findTenant(missing), undefined);
      assert.equal(await store.findMembership(missing, f.userId('u')), undefined);
      assert.deepEqual(await store.listMembershipsOfUser(f.userId('u')), []);
    },
  },
  {
    name: 'insertMembership of an existing member throws AlreadyExistsError(membership) and keeps the row',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'), { [f.userId('m')]: MEMBER });
      const before = await store.findMembership(tenant.id, f.userId('m'));
      await rejectsWithCode(store.insertMembership(f.membership(tenant.id, f.userId('m'), OWNER)), 'already_exists', 'membership');
      assert.deepEqual(await store.findMembership(tenant.id, f.userId('m')), before);
      assert.equal((await store.listMembers(tenant.id, { limit: 10 })).length, 2);
    },
  },
  {
    name: 'findMembership returns undefined for a non-member and for an unknown tenant',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'));
      await f.seedTenant('b', f.userId('elsewhere'));
      assert.equal(await store.findMembership(tenant.id, f.userId('elsewhere')), undefined);
      assert.equal(await store.findMembership(f.tenantId('unknown'), f.userId('owner')), undefined);
    },
  },
  {
    name: 'user ids are compared exactly: case, trailing spaces and Unicode normalization',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'));
      // Precomposed and decomposed "å", a trailing space, case, CJK, and a surrogate pair.
      const variants = ['alice', 'Alice', 'ALICE', 'alice ', '\u00e5lice', 'a\u030alice', '用户', '👩‍💻'].map((v) => f.userId(v));
      for (const [index, userId] of variants.entries()) {
        await store.insertMembership(f.membership(tenant.id, userId, `role-${index}`));
      }
      for (const [index, userId] of variants.entries()) {
        const found = await store.findMembership(tenant.id, userId);
        assert.equal(found?.userId, userId);
        assert.equal(found.role, `role-${index}`);
        assert.deepEqual(
          (await store.listMembershipsOfUser(userId)).map((m) => m.userId),
          [userId],
        );
      }
      assert.equal((await store.listMembers(tenant.id, { limit: 100 })).length, variants.length + 1);
    },
  },
  {
    name: 'listActiveMembershipsOfUser leaves out archived tenants, includes them again once restored, and orders by tenant id',
    async run({ store }) {
      const f = new Fixtures(store);
      const user = f.userId('u');
      // Seeded out of order, so an unordered answer shows.
      const tenants = [];
      for (const label of ['c', 'a', 'd', 'b']) tenants.push(await f.seedTenant(label, f.userId('owner'), { [user]: MEMBER }));
      await f.seedTenant('elsewhere', f.userId('other'));
      const ids = tenants.map((t) => t.id).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      const active = async () => (await store.listActiveMembershipsOfUser(user)).map((m) => m.tenantId);
      assert.deepEqual(await active(), ids);
      assert.deepEqual(await store.listActiveMembershipsOfUser(user), await store.listMembershipsOfUser(user), 'the same records');

      const [, archived] = ids as [string, string, string, string];
      await store.updateTenant({ tenantId: archived, archivedAt: new Date('2025-01-01T00:00:00.000Z') });
      assert.deepEqual(
        await active(),
        ids.filter((id) => id !== archived),
      );
      assert.deepEqual(
        (await store.listMembershipsOfUser(user)).map((m) => m.tenantId),
        ids,
        'listMembershipsOfUser still sees it',
      );

      await store.updateTenant({ tenantId: archived, archivedAt: null });
      assert.deepEqual(await active(), ids);
      assert.deepEqual(await store.listActiveMembershipsOfUser(f.userId('nobody')), []);
    },
  },
] as const satisfies readonly StoreConformanceCase[];
