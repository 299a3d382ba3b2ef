import assert from 'node:assert/strict';
import type { StoreConformanceCase } from '../conformance-case.js';
import { Fixtures, MEMBER, OWNER } from '../fixtures.js';

/** updateMembershipRole and deleteMembership, and their last-owner guard. */
export const guardedWriteCases = [
  {
    name: 'updateMembershipRole applies a change and returns the previous row',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'), { [f.userId('m')]: MEMBER });
      const before = await store.findMembership(tenant.id, f.userId('m'));
      assert.ok(before !== undefined);
      const result = await store.updateMembershipRole({ tenantId: tenant.id, userId: f.userId('m'), role: 'manager', ownerRole: OWNER });
      assert.deepEqual(result, { outcome: 'applied', previous: before });
      assert.deepEqual(await store.findMembership(tenant.id, f.userId('m')), { ...before, role: 'manager' });
      assert.equal((await store.findMembership(tenant.id, f.userId('owner')))?.role, OWNER);
    },
  },
  {
    name: 'updateMembershipRole returns not_found for a non-member or an unknown tenant and writes nothing',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'));
      const change = { tenantId: tenant.id, userId: f.userId('stranger'), role: OWNER, ownerRole: OWNER };
      assert.deepEqual(await store.updateMembershipRole(change), { outcome: 'not_found' });
      assert.deepEqual(await store.updateMembershipRole({ ...change, tenantId: f.tenantId('unknown'), userId: f.userId('owner') }), {
        outcome: 'not_found',
      });
      assert.equal(await store.findMembership(tenant.id, f.userId('stranger')), undefined);
      assert.deepEqual(await store.listMembershipsOfUser(f.userId('stranger')), []);
    },
  },
  {
    name: 'updateMembershipRole refuses to demote the last owner',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'), { [f.userId('m')]: MEMBER });
      const result = await store.updateMembershipRole({ tenantId: tenant.id, userId: f.userId('owner'), role: MEMBER, ownerRole: OWNER });
      assert.deepEqual(result, { outcome: 'last_owner' });
      assert.equal((await store.findMembership(tenant.id, f.userId('owner')))?.role, OWNER);
    },
  },
  {
    name: 'updateMembershipRole demotes an owner while another owner remains, then refuses the last one',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('first'), { [f.userId('second')]: OWNER });
      const first = await store.updateMembershipRole({ tenantId: tenant.id, userId: f.userId('first'), role: MEMBER, ownerRole: OWNER });
      assert.equal(first.outcome, 'applied');
      const second = await store.updateMembershipRole({ tenantId: tenant.id, userId: f.userId('second'), role: MEMBER, ownerRole: OWNER });
      assert.deepEqual(second, { outcome: 'last_owner' });
      assert.equal((await store.findMembership(tenant.id, f.userId('first')))?.role, MEMBER);
      assert.equal((await store.findMembership(tenant.id, f.userId('second')))?.role, OWNER);
    },
  },
  {
    name: 'updateMembershipRole guards only changes that take the owner role away',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'), { [f.userId('m')]: MEMBER });
      const change = (userId: string, role: string) => store.updateMembershipRole({ tenantId: tenant.id, userId, role, ownerRole: OWNER });
      assert.equal((await change(f.userId('m'), 'manager')).outcome, 'applied');
      // The sole owner keeping the owner role is not a demotion.
      assert.equal((await change(f.userId('owner'), OWNER)).outcome, 'applied');
      assert.equal((await change(f.userId('m'), OWNER)).outcome, 'applied');
      assert.equal((await change(f.userId('owner'), MEMBER)).outcome, 'applied');
      assert.equal((await store.findMembership(tenant.id, f.userId('m')))?.role, OWNER);
      assert.equal((await store.findMembership(tenant.id, f.userId('owner')))?.role, MEMBER);
    },
  },
  {
    name: 'the last-owner guard counts the owner role named in the call',
    async run({ store }) {
      const f = new Fixtures(store);
      // "admin" plays the owner role here; the tenant's first member holds "owner", which is then just a name.
      const tenant = await f.seedTenant('a', f.userId('holder'), { [f.userId('admin')]: 'admin' });
      const demote = await store.updateMembershipRole({ tenantId: tenant.id, userId: f.userId('admin'), role: MEMBER, ownerRole: 'admin' });
      assert.deepEqual(demote, { outcome: 'last_owner' });
      const remove = await store.deleteMembership({ tenantId: tenant.id, userId: f.userId('admin'), ownerRole: 'admin' });
      assert.deepEqual(remove, { outcome: 'last_owner' });
      const holder = await store.deleteMembership({ tenantId: tenant.id, userId: f.userId('holder'), ownerRole: 'admin' });
      assert.equal(holder.outcome, 'applied');
    },
  },
  {
    name: 'deleteMembership removes a member and returns the previous row',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'), { [f.userId('m')]: MEMBER });
      const before = await store.findMembership(tenant.id, f.userId('m'));
      assert.ok(before !== undefined);
      assert.deepEqual(await store.deleteMembership({ tenantId: tenant.id, userId: f.userId('m'), ownerRole: OWNER }), {
        outcome: 'applied',
        previous: before,
      });
      assert.equal(await store.findMembership(tenant.id, f.userId('m')), undefined);
      assert.deepEqual(await store.listMembershipsOfUser(f.userId('m')), []);
      assert.deepEqual(
        (await store.listMembers(tenant.id, { limit: 10 })).map((m) => m.userId),
        [f.userId('owner')],
      );
    },
  },
  {
    name: 'deleteMembership returns not_found for a non-member or an unknown tenant and writes nothing',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'), { [f.userId('m')]: MEMBER });
      assert.deepEqual(await store.deleteMembership({ tenantId: tenant.id, userId: f.userId('stranger'), ownerRole: OWNER }), {
        outcome: 'not_found',
      });
      assert.deepEqual(await store.deleteMembership({ tenantId: f.tenantId('unknown'), userId: f.userId('m'), ownerRole: OWNER }), {
        outcome: 'not_found',
      });
      assert.equal((await store.listMembers(tenant.id, { limit: 10 })).length, 2);
    },
  },
  {
    name: 'deleteMembership refuses to remove the last owner',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'), { [f.userId('m')]: MEMBER });
      assert.deepEqual(await store.deleteMembership({ tenantId: tenant.id, userId: f.userId('owner'), ownerRole: OWNER }), {
        outcome: 'last_owner',
      });
      assert.equal((await store.findMembership(tenant.id, f.userId('owner')))?.role, OWNER);
    },
  },
  {
    name: 'deleteMembership removes an owner while another owner remains, then refuses the last one',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('first'), { [f.userId('second')]: OWNER, [f.userId('m')]: MEMBER });
      const remove = (label: string) => store.deleteMembership({ tenantId: tenant.id, userId: f.userId(label), ownerRole: OWNER });
      assert.equal((await remove('first')).outcome, 'applied');
      assert.deepEqual(await remove('second'), { outcome: 'last_owner' });
      assert.equal((await remove('m')).outcome, 'applied');
      assert.deepEqual(
        (await store.listMembers(tenant.id, { limit: 10 })).map((m) => m.userId),
        [f.userId('second')],
      );
    },
  },
] as const satisfies readonly StoreConformanceCase[];
