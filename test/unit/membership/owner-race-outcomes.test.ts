import { expect, it } from 'vitest';
import { createTenantry, isTenantryError, systemActor, type Store } from 'tenantry';
import { capabilities, roles } from '../../support/catalog.js';
import { DATABASE_NAMES, describeDatabases } from '../../support/databases.js';

/**
 * What docs/membership.md promises about two owners acting on each other at
 * the same instant, on every store: exactly one change is applied, the tenant
 * keeps an owner, and the other call fails with the error (and the audit
 * entry, or none) that the docs name for its situation. Which of the two wins
 * is up to the store; the outcomes are not.
 */
async function race(store: Store, calls: (tenantry: ReturnType<typeof instance>, tenantId: string) => readonly Promise<unknown>[]) {
  const tenantry = instance(store);
  const { tenant } = await tenantry.as(systemActor('race')).tenants.create({ ownerId: 'ann' });
  await tenantry.forRequest({ userId: 'ann' }).members.add({ tenantId: tenant.id, userId: 'ben', role: 'owner' });
  const settled = await Promise.allSettled(calls(tenantry, tenant.id));
  const outcomes = settled.map((s) => (s.status === 'fulfilled' ? 'applied' : isTenantryError(s.reason) ? s.reason.code : 'crash')).sort();
  const owners = (await store.listMembers(tenant.id, { limit: 10 })).filter((m) => roles.isOwner(m.role));
  const audit = (await store.listAudit(tenant.id, { limit: 10 }))
    .filter((e) => e.action !== 'tenant.create' && e.action !== 'tenant_membership.add')
    .map((e) => `${e.action}${e.metadata['attempted'] === undefined ? '' : ` (${String(e.metadata['attempted'])}, ${String(e.metadata['reason'] ?? '')})`}`)
    .sort();
  return { outcomes, owners: owners.length, audit };
}

function instance(store: Store) {
  return createTenantry({ capabilities, roles, store });
}

await describeDatabases(DATABASE_NAMES, (database) => {
  it('two owners demoting each other: one is applied, the other (no longer an owner) gets OwnerRequiredError, audited as denied', async () => {
    const result = await race(database.store(), (t, tenantId) => [
      t.forRequest({ userId: 'ann' }).members.changeRole({ tenantId, userId: 'ben', role: 'manager' }),
      t.forRequest({ userId: 'ben' }).members.changeRole({ tenantId, userId: 'ann', role: 'manager' }),
    ]);
    expect(result).toEqual({
      outcomes: ['applied', 'owner_required'],
      owners: 1,
      audit: ['tenant_membership.denied (tenant_membership.role_change, owner_role)', 'tenant_membership.role_change'],
    });
  });

  it('two owners removing each other: one is applied, the other gets NotFoundError, unaudited', async () => {
    const result = await race(database.store(), (t, tenantId) => [
      t.forRequest({ userId: 'ann' }).members.remove({ tenantId, userId: 'ben' }),
      t.forRequest({ userId: 'ben' }).members.remove({ tenantId, userId: 'ann' }),
    ]);
    expect(result).toEqual({ outcomes: ['applied', 'not_found'], owners: 1, audit: ['tenant_membership.remove'] });
  });

  it('two owners demoting themselves: one is applied, the other gets LastOwnerError, audited as last_owner_blocked', async () => {
    const result = await race(database.store(), (t, tenantId) => [
      t.forRequest({ userId: 'ann' }).members.changeRole({ tenantId, userId: 'ann', role: 'manager' }),
      t.forRequest({ userId: 'ben' }).members.changeRole({ tenantId, userId: 'ben', role: 'manager' }),
    ]);
    expect(result).toEqual({
      outcomes: ['applied', 'last_owner'],
      owners: 1,
      audit: ['tenant_membership.last_owner_blocked (tenant_membership.role_change, )', 'tenant_membership.role_change'],
    });
  });
});
