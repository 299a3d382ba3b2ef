import assert from 'node:assert/strict';
import { rejectsWithCode } from '../assertions.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { Fixtures, MEMBER, OWNER } from '../fixtures.js';

/** createTenant and findTenant. */
export const tenantCases = [
  {
    name: 'createTenant stores the tenant and its owner membership',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = f.tenant('a');
      const owner = f.membership(tenant.id, f.userId('owner'), OWNER, { source: 'tenant_create' });
      await store.createTenant(tenant, owner);
      assert.deepEqual(await store.findTenant(tenant.id), tenant);
      assert.deepEqual(await store.findMembership(tenant.id, owner.userId), owner);
      assert.deepEqual(await store.listMembers(tenant.id, { limit: 10 }), [owner]);
    },
  },
  {
    name: 'findTenant returns undefined for an unknown tenant',
    async run({ store }) {
      const f = new Fixtures(store);
      await f.seedTenant('known', f.userId('owner'));
      assert.equal(await store.findTenant(f.tenantId('unknown')), undefined);
    },
  },
  {
    name: 'createTenant rejects a taken id with AlreadyExistsError(tenant) and changes nothing',
    async run({ store }) {
      const f = new Fixtures(store);
      const first = await f.seedTenant('a', f.userId('first'));
      const second = { ...first, createdBy: f.userId('second'), createdAt: new Date('2030-01-01T00:00:00.000Z') };
      await rejectsWithCode(store.createTenant(second, f.membership(first.id, f.userId('second'), OWNER)), 'already_exists', 'tenant');
      assert.deepEqual(await store.findTenant(first.id), first);
      assert.equal(await store.findMembership(first.id, f.userId('second')), undefined);
      assert.equal((await store.listMembers(first.id, { limit: 10 })).length, 1);
    },
  },
  {
    name: 'createTenant is all or nothing when the owner membership cannot be inserted',
    async run({ store }) {
      const f = new Fixtures(store);
      const existing = await f.seedTenant('existing', f.userId('owner'));
      // The owner row collides with an existing membership: the new tenant must not stay behind.
      const colliding = f.tenant('colliding');
      await rejectsWithCode(store.createTenant(colliding, f.membership(existing.id, f.userId('owner'), OWNER)), 'already_exists', 'membership');
      assert.equal(await store.findTenant(colliding.id), undefined);
      // The owner row points at a missing tenant: same.
      const orphan = f.tenant('orphan');
      await rejectsWithCode(store.createTenant(orphan, f.membership(f.tenantId('missing'), f.userId('owner'), OWNER)), 'not_found');
      assert.equal(await store.findTenant(orphan.id), undefined);
      assert.deepEqual(
        (await store.listMembershipsOfUser(f.userId('owner'))).map((m) => m.tenantId),
        [existing.id],
      );
    },
  },
  {
    name: 'tenant ids are compared exactly, case included',
    async run({ store }) {
      const f = new Fixtures(store);
      const lower = await f.seedTenant('x', f.userId('lower'));
      const upper = await f.seedTenant('X', f.userId('upper'));
      assert.equal((await store.findTenant(lower.id))?.id, lower.id);
      assert.equal((await store.findTenant(upper.id))?.id, upper.id);
      assert.equal(await store.findMembership(upper.id, f.userId('lower')), undefined);
      assert.deepEqual(
        (await store.listMembers(upper.id, { limit: 10 })).map((m) => m.userId),
        [f.userId('upper')],
      );
    },
  },
  {
    name: 'timestamps round-trip as Dates with millisecond precision',
    async run({ store }) {
      const f = new Fixtures(store);
      const instants = ['1970-01-01T00:00:00.001Z', '1999-12-31T23:59:59.999Z', '2024-02-29T12:00:00.500Z', '2038-01-19T03:14:08.123Z'];
      for (const [index, iso] of instants.entries()) {
        const tenant = f.tenant(String(index), new Date(iso));
        const owner = f.membership(tenant.id, f.userId('owner'), OWNER, { createdAt: new Date(iso) });
        await store.createTenant(tenant, owner);
        const member = f.membership(tenant.id, f.userId('member'), MEMBER, { createdAt: new Date(Date.parse(iso) + 1) });
        await store.insertMembership(member);
        const found = await store.findTenant(tenant.id);
        assert.ok(found?.createdAt instanceof Date, 'createdAt must be a Date');
        assert.equal(found.createdAt.toISOString(), iso);
        assert.equal((await store.findMembership(tenant.id, owner.userId))?.createdAt.toISOString(), iso);
        assert.equal((await store.findMembership(tenant.id, member.userId))?.createdAt.getTime(), Date.parse(iso) + 1);
      }
    },
  },
] as const satisfies readonly StoreConformanceCase[];
