import assert from 'node:assert/strict';
import type { Store } from '../../../store/store.js';
import type { TenantRoleRecord } from '../../../store/tenant-role-records.js';
import { rejectsWithCode } from '../assertions.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { CREATED_AT, Fixtures, MEMBER } from '../fixtures.js';

const LATER = new Date(CREATED_AT.getTime() + 61_001);

function role(tenantId: string, name: string, overrides: Partial<TenantRoleRecord> = {}): TenantRoleRecord {
  return {
    tenantId,
    name,
    capabilities: ['tenant.read', 'billing.manage'],
    description: 'Billing admins ✓',
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
    ...overrides,
  };
}

/** A tenant owned by `owner`, with `billing` defined and held by two members and `auditor` defined and held by none. */
async function seeded(store: Store) {
  const f = new Fixtures(store);
  const tenant = await f.seedTenant('roles', f.userId('owner'));
  const billing = role(tenant.id, 'billing-admin');
  const auditor = role(tenant.id, 'auditor', { capabilities: ['audit.read'], description: null });
  await store.insertTenantRole(billing);
  await store.insertTenantRole(auditor);
  await store.insertMembership(f.membership(tenant.id, f.userId('ada'), billing.name));
  await store.insertMembership(f.membership(tenant.id, f.userId('bob'), billing.name));
  await store.insertMembership(f.membership(tenant.id, f.userId('cy'), MEMBER));
  return { f, tenantId: tenant.id, billing, auditor };
}

/** Tenant-defined roles (`0014_tenant_roles`). */
export const tenantRoleCases = [
  {
    name: 'insertTenantRole stores every field; listTenantRoles returns one tenant’s roles by name, and nothing for another or an unknown tenant',
    async run({ store }) {
      const { f, tenantId, billing, auditor } = await seeded(store);
      const other = await f.seedTenant('other', f.userId('owner'));
      await store.insertTenantRole(role(other.id, 'billing-admin', { capabilities: [] }));
      assert.deepEqual(await store.listTenantRoles(tenantId), [auditor, billing]);
      assert.deepEqual(await store.listTenantRoles(other.id), [role(other.id, 'billing-admin', { capabilities: [] })]);
      assert.deepEqual(await store.listTenantRoles(f.tenantId('ghost')), []);
    },
  },
  {
    name: 'insertTenantRole refuses a taken name with AlreadyExistsError(tenant role), names exactly, and a missing tenant with NotFoundError',
    async run({ store }) {
      const { f, tenantId, billing } = await seeded(store);
      await rejectsWithCode(store.insertTenantRole({ ...billing, capabilities: ['tenant.read'] }), 'already_exists', 'tenant role');
      await rejectsWithCode(store.insertTenantRole(role(f.tenantId('ghost'), 'x')), 'not_found');
      // Names are compared exactly: a look-alike is another role.
      await store.insertTenantRole(role(tenantId, 'billing_admin'));
      const names = (await store.listTenantRoles(tenantId)).map((r) => r.name);
      assert.deepEqual(names, ['auditor', 'billing-admin', 'billing_admin']);
      assert.deepEqual(
        (await store.listTenantRoles(tenantId)).find((r) => r.name === 'billing-admin'),
        billing,
      );
    },
  },
  {
    name: 'updateTenantRole replaces the capabilities, keeps or writes the description, and resolves undefined for an unknown role',
    async run({ store }) {
      const { f, tenantId, billing } = await seeded(store);
      const kept = await store.updateTenantRole({ tenantId, name: billing.name, capabilities: ['audit.read'], updatedAt: LATER });
      assert.deepEqual(kept, { ...billing, capabilities: ['audit.read'], updatedAt: LATER });
      const cleared = await store.updateTenantRole({ tenantId, name: billing.name, capabilities: [], description: null, updatedAt: LATER });
      assert.deepEqual(cleared, { ...billing, capabilities: [], description: null, updatedAt: LATER });
      assert.deepEqual(
        (await store.listTenantRoles(tenantId)).find((r) => r.name === billing.name),
        cleared,
      );
      assert.equal(await store.updateTenantRole({ tenantId, name: 'nobody', capabilities: [], updatedAt: LATER }), undefined);
      assert.equal(await store.updateTenantRole({ tenantId: f.tenantId('ghost'), name: billing.name, capabilities: [], updatedAt: LATER }), undefined);
    },
  },
  {
    name: 'deleteTenantRole refuses a role members hold (in_use, nothing written), deletes an unused one, and moves its holders with reassignTo',
    async run({ store }) {
      const { f, tenantId, billing, auditor } = await seeded(store);
      assert.deepEqual(await store.deleteTenantRole({ tenantId, name: billing.name }), { outcome: 'in_use', members: 2 });
      assert.equal((await store.listTenantRoles(tenantId)).length, 2);
      assert.equal((await store.findMembership(tenantId, f.userId('ada')))?.role, billing.name);
      assert.deepEqual(await store.deleteTenantRole({ tenantId, name: auditor.name }), { outcome: 'deleted', reassigned: 0 });
      assert.deepEqual(await store.deleteTenantRole({ tenantId, name: auditor.name }), { outcome: 'not_found' });
      assert.deepEqual(await store.deleteTenantRole({ tenantId, name: billing.name, reassignTo: MEMBER }), { outcome: 'deleted', reassigned: 2 });
      assert.deepEqual(await store.listTenantRoles(tenantId), []);
      const roles = (await store.listMembers(tenantId, { limit: 10 })).map((m) => [m.userId, m.role]);
      assert.deepEqual(roles, [
        [f.userId('ada'), MEMBER],
        [f.userId('bob'), MEMBER],
        [f.userId('cy'), MEMBER],
        [f.userId('owner'), 'owner'],
      ]);
    },
  },
  {
    name: 'a failed transaction rolls back a tenant role deletion together with its reassignment',
    async run({ store }) {
      const { f, tenantId, billing } = await seeded(store);
      await assert.rejects(
        store.transaction(
          async (tx) => {
            assert.deepEqual(await tx.deleteTenantRole({ tenantId, name: billing.name, reassignTo: MEMBER }), { outcome: 'deleted', reassigned: 2 });
            throw new Error('abort');
          },
          { tenantId },
        ),
        /abort/,
      );
      assert.equal((await store.listTenantRoles(tenantId)).length, 2);
      assert.equal((await store.findMembership(tenantId, f.userId('bob')))?.role, billing.name);
    },
  },
  {
    name: 'concurrent insertTenantRole of one name in one tenant: exactly one succeeds, the others get AlreadyExistsError',
    async run({ store }) {
      const { tenantId } = await seeded(store);
      const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => store.insertTenantRole(role(tenantId, 'racer', { description: `#${i}` }))));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') await rejectsWithCode(Promise.reject(r.reason as Error), 'already_exists', 'tenant role');
      assert.equal((await store.listTenantRoles(tenantId)).filter((r) => r.name === 'racer').length, 1);
    },
  },
  {
    name: 'deleteTenant deletes the tenant’s roles, and a new tenant of the same id starts without them',
    async run({ store }) {
      const { f, tenantId } = await seeded(store);
      assert.equal(await store.deleteTenant(tenantId), true);
      assert.deepEqual(await store.listTenantRoles(tenantId), []);
      await store.createTenant(
        { id: tenantId, createdByType: 'user', createdBy: f.userId('owner'), createdAt: CREATED_AT },
        f.membership(tenantId, f.userId('owner'), 'owner', { source: 'tenant_create' }),
      );
      assert.deepEqual(await store.listTenantRoles(tenantId), []);
      await store.insertTenantRole(role(tenantId, 'billing-admin'));
      assert.equal((await store.listTenantRoles(tenantId)).length, 1);
    },
  },
] as const satisfies readonly StoreConformanceCase[];
