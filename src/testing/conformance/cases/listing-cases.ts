import assert from 'node:assert/strict';
import { sortedByCodeUnit } from '../assertions.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { Fixtures, MEMBER, OWNER } from '../fixtures.js';

/** Labels whose code-unit order differs from any case-insensitive or locale order. */
const LABELS = ['b', 'B', 'a', 'A', '_', '1', 'ä', 'Z', 'z'];

/** listMembershipsOfUser and listMembers. */
export const listingCases = [
  {
    name: 'listMembershipsOfUser returns every membership of the user ordered by tenant id in code-unit order',
    async run({ store }) {
      const f = new Fixtures(store);
      const user = f.userId('switcher');
      for (const label of LABELS) await f.seedTenant(label, label === 'a' ? user : f.userId(`owner-${label}`));
      for (const label of LABELS.filter((l) => l !== 'a')) {
        await store.insertMembership(f.membership(f.tenantId(label), user, MEMBER));
      }
      await f.seedTenant('not-a-member', f.userId('someone-else'));
      const memberships = await store.listMembershipsOfUser(user);
      assert.deepEqual(
        memberships.map((m) => m.tenantId),
        sortedByCodeUnit(LABELS.map((l) => f.tenantId(l))),
      );
      assert.ok(memberships.every((m) => m.userId === user));
      assert.equal(memberships.find((m) => m.tenantId === f.tenantId('a'))?.role, OWNER);
    },
  },
  {
    name: 'listMembershipsOfUser returns an empty list for a user without memberships',
    async run({ store }) {
      const f = new Fixtures(store);
      await f.seedTenant('a', f.userId('owner'));
      assert.deepEqual(await store.listMembershipsOfUser(f.userId('nobody')), []);
      // A prefix of an existing id is another user.
      assert.deepEqual(await store.listMembershipsOfUser(f.userId('own')), []);
    },
  },
  {
    name: 'listMembers orders members by user id in code-unit order',
    async run({ store }) {
      const f = new Fixtures(store);
      const members = Object.fromEntries(LABELS.map((label) => [f.userId(label), MEMBER]));
      const tenant = await f.seedTenant('a', f.userId('owner'), members);
      const listed = await store.listMembers(tenant.id, { limit: 100 });
      assert.deepEqual(
        listed.map((m) => m.userId),
        sortedByCodeUnit([f.userId('owner'), ...Object.keys(members)]),
      );
    },
  },
  {
    name: 'listMembers returns only the members of that tenant, and nothing for an unknown tenant',
    async run({ store }) {
      const f = new Fixtures(store);
      const a = await f.seedTenant('a', f.userId('shared'), { [f.userId('only-a')]: MEMBER });
      const b = await f.seedTenant('b', f.userId('only-b'), { [f.userId('shared')]: MEMBER });
      assert.deepEqual(
        (await store.listMembers(a.id, { limit: 100 })).map((m) => [m.tenantId, m.userId]),
        sortedByCodeUnit([f.userId('shared'), f.userId('only-a')]).map((u) => [a.id, u]),
      );
      assert.deepEqual(
        (await store.listMembers(b.id, { limit: 100 })).map((m) => [m.tenantId, m.userId]),
        sortedByCodeUnit([f.userId('shared'), f.userId('only-b')]).map((u) => [b.id, u]),
      );
      assert.deepEqual(await store.listMembers(f.tenantId('unknown'), { limit: 100 }), []);
    },
  },
  {
    name: 'listMembers returns at most limit members, the first ones in order',
    async run({ store }) {
      const f = new Fixtures(store);
      const members = Object.fromEntries(LABELS.map((label) => [f.userId(label), MEMBER]));
      const tenant = await f.seedTenant('a', f.userId('owner'), members);
      const all = sortedByCodeUnit([f.userId('owner'), ...Object.keys(members)]);
      for (const limit of [1, 2, 5, all.length, all.length + 5]) {
        assert.deepEqual(
          (await store.listMembers(tenant.id, { limit })).map((m) => m.userId),
          all.slice(0, limit),
        );
      }
    },
  },
  {
    name: 'listMembers pages with afterUserId, exclusive, whether or not that user is a member',
    async run({ store }) {
      const f = new Fixtures(store);
      const members = Object.fromEntries(LABELS.map((label) => [f.userId(label), MEMBER]));
      const tenant = await f.seedTenant('a', f.userId('owner'), members);
      const all = sortedByCodeUnit([f.userId('owner'), ...Object.keys(members)]);
      const seen: string[] = [];
      let afterUserId: string | undefined;
      for (;;) {
        const page = await store.listMembers(tenant.id, afterUserId === undefined ? { limit: 2 } : { limit: 2, afterUserId });
        if (page.length === 0) break;
        assert.ok(page.length <= 2);
        seen.push(...page.map((m) => m.userId));
        afterUserId = page.at(-1)?.userId;
      }
      assert.deepEqual(seen, all);
      // A cursor between two members: "B" sorts after "A" and before "Z".
      const between = f.userId('B0');
      assert.deepEqual(
        (await store.listMembers(tenant.id, { limit: 100, afterUserId: between })).map((m) => m.userId),
        all.filter((u) => u > between),
      );
      const last = all.at(-1) ?? '';
      assert.deepEqual(await store.listMembers(tenant.id, { limit: 100, afterUserId: last }), []);
    },
  },
] as const satisfies readonly StoreConformanceCase[];
