import { describe, expect, it } from 'vitest';
import { isTenantryError, tenantRole, type TenantryErrorCode } from 'tenantry';
import { bootstrap, seeded, setup } from './role-catalog.js';

async function codeOf(promise: Promise<unknown>): Promise<TenantryErrorCode | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    if (isTenantryError(error)) return error.code;
    throw error;
  }
}

describe('scope.roles: tenant-defined roles', () => {
  it('an owner defines a role, assigns it, and decisions treat it like a declared role', async () => {
    const { tenantry, store } = setup();
    const tenantId = await seeded(tenantry);
    const owner = tenantry.forRequest({ userId: 'alice' });
    const role = await owner.roles.create({ tenantId, name: 'billing-admin', capabilities: ['billing.manage', 'tenant.read', 'billing.read', 'tenant.read'] });
    // Deduplicated, in registry order.
    expect(role).toMatchObject({ tenantId, name: 'billing-admin', capabilities: ['tenant.read', 'billing.read', 'billing.manage'], description: null });
    await owner.members.add({ tenantId, userId: 'bea', role: role.name });
    expect(await owner.roles.list({ tenantId })).toEqual([role]);

    store.reset();
    const bea = tenantry.forRequest({ userId: 'bea' });
    const access = await bea.access(tenantId);
    expect(access.role).toBe('billing-admin');
    expect(access.can('billing.manage')).toBe(true);
    expect(access.can('project.read')).toBe(false);
    expect(access.check('billing.manage')).toMatchObject({ allowed: true, status: 200 });
    expect(access.check('project.read')).toMatchObject({ status: 403, reason: 'missing_capability' });
    // One membership read and one read of the tenant's roles; the checks touch nothing.
    expect(store.counts.findActiveMembership).toBe(1);
    expect(store.counts.listTenantRoles).toBe(1);
    // The same frozen decision every time: an allowed check allocates nothing after the first.
    expect(access.check('billing.manage')).toBe(access.check('billing.manage'));
    expect(bea.check(tenantId, 'billing.manage')).toBe(bea.check(tenantId, 'billing.manage'));

    const actions = (await owner.audit.list({ tenantId, limit: 10 })).items.map((entry) => entry.action);
    expect(actions).toContain('tenant_role.create');
  });

  it('a declared role costs no read of tenant roles', async () => {
    const { tenantry, store } = setup();
    const tenantId = await seeded(tenantry);
    store.reset();
    await tenantry.forRequest({ userId: 'max' }).access(tenantId);
    expect(store.counts.listTenantRoles).toBe(0);
  });

  it('validates names and capabilities: unique per tenant, never a declared role, capabilities from the registry', async () => {
    const { tenantry } = setup();
    const tenantId = await seeded(tenantry);
    const owner = tenantry.forRequest({ userId: 'alice' });
    await owner.roles.create({ tenantId, name: 'auditor', capabilities: ['audit.read'], description: 'Reads the log' });
    expect(await codeOf(owner.roles.create({ tenantId, name: 'auditor', capabilities: [] }))).toBe('already_exists');
    expect(await codeOf(owner.roles.create({ tenantId, name: 'owner', capabilities: ['tenant.read'] }))).toBe('already_exists');
    expect(await codeOf(owner.roles.create({ tenantId, name: 'admin', capabilities: [] }))).toBe('already_exists');
    expect(await codeOf(owner.roles.create({ tenantId, name: 'Billing Admin', capabilities: [] }))).toBe('validation_failed');
    expect(await codeOf(owner.roles.create({ tenantId, name: 'x', capabilities: ['nope' as never] }))).toBe('unknown_capability');
    // The owner role (like every declared role) cannot be redefined or deleted by a tenant.
    expect(await codeOf(owner.roles.update({ tenantId, name: 'owner', capabilities: [] }))).toBe('validation_failed');
    expect(await codeOf(owner.roles.delete({ tenantId, name: 'member' }))).toBe('validation_failed');
    expect(await codeOf(owner.roles.update({ tenantId, name: 'ghost', capabilities: [] }))).toBe('not_found');
    // Another tenant may use the same name.
    const { tenant } = await tenantry.as(bootstrap).tenants.create({ ownerId: 'alice' });
    await owner.roles.create({ tenantId: tenant.id, name: 'auditor', capabilities: [] });
  });

  it('no escalation: a non-owner manager defines, edits and assigns only roles within their own capabilities', async () => {
    const { tenantry } = setup();
    const tenantId = await seeded(tenantry);
    const owner = tenantry.forRequest({ userId: 'alice' });
    const ada = tenantry.forRequest({ userId: 'ada' });
    const max = tenantry.forRequest({ userId: 'max' });
    // billing.manage is beyond `admin`.
    expect(await codeOf(ada.roles.create({ tenantId, name: 'payer', capabilities: ['billing.manage'] }))).toBe('delegation_denied');
    const viewer = await ada.roles.create({ tenantId, name: 'viewer', capabilities: ['billing.read', 'project.read'] });
    expect(await codeOf(ada.roles.update({ tenantId, name: 'viewer', capabilities: ['billing.read', 'audit.read'] }))).toBe('delegation_denied');
    await ada.members.add({ tenantId, userId: 'vic', role: viewer.name });
    // A role the owner defined above the admin: the admin can neither assign, edit, delete it nor change its holders.
    const payer = await owner.roles.create({ tenantId, name: 'payer', capabilities: ['billing.manage'] });
    expect(await codeOf(ada.members.add({ tenantId, userId: 'pam', role: payer.name }))).toBe('delegation_denied');
    expect(await codeOf(ada.members.changeRole({ tenantId, userId: 'max', role: payer.name }))).toBe('delegation_denied');
    expect(await codeOf(ada.roles.update({ tenantId, name: 'payer', capabilities: [] }))).toBe('delegation_denied');
    expect(await codeOf(ada.roles.delete({ tenantId, name: 'payer' }))).toBe('delegation_denied');
    await owner.members.add({ tenantId, userId: 'pam', role: payer.name });
    expect(await codeOf(ada.members.remove({ tenantId, userId: 'pam' }))).toBe('delegation_denied');
    expect(await codeOf(ada.roles.delete({ tenantId, name: 'viewer', reassignTo: 'owner' }))).toBe('owner_required');
    expect(await codeOf(ada.roles.delete({ tenantId, name: 'viewer', reassignTo: payer.name }))).toBe('delegation_denied');
    // Without roles.manage: forbidden.
    expect(await codeOf(max.roles.create({ tenantId, name: 'mine', capabilities: [] }))).toBe('forbidden');
    // Every refusal is audited.
    const denied = (await owner.audit.list({ tenantId, limit: 100 })).items.filter((entry) => entry.action === 'tenant_role.denied');
    expect(denied.map((entry) => entry.metadata.reason)).toEqual(expect.arrayContaining(['role_exceeds_actor', 'owner_role', 'missing_capability']));
    expect(denied).toHaveLength(7);
  });

  it('a tenant role holding the managing capabilities manages within its own capabilities', async () => {
    const { tenantry } = setup();
    const tenantId = await seeded(tenantry);
    const owner = tenantry.forRequest({ userId: 'alice' });
    await owner.roles.create({ tenantId, name: 'people', capabilities: ['tenant.read', 'members.manage', 'roles.manage', 'project.read'] });
    await owner.members.add({ tenantId, userId: 'pat', role: tenantRole('people') });
    const pat = tenantry.forRequest({ userId: 'pat' });
    await pat.roles.create({ tenantId, name: 'reader', capabilities: ['project.read'] });
    await pat.members.add({ tenantId, userId: 'rex', role: tenantRole('reader') });
    expect(await codeOf(pat.roles.create({ tenantId, name: 'writer', capabilities: ['project.write'] }))).toBe('delegation_denied');
    expect(await codeOf(pat.members.changeRole({ tenantId, userId: 'rex', role: 'admin' }))).toBe('delegation_denied');
    // Not even upwards through its own role.
    expect(await codeOf(pat.roles.update({ tenantId, name: 'people', capabilities: ['tenant.read', 'members.manage', 'roles.manage', 'project.write'] }))).toBe(
      'delegation_denied',
    );
  });

  it('deleting a role in use is refused unless reassignTo moves its holders, in one transaction', async () => {
    const { tenantry, store } = setup();
    const tenantId = await seeded(tenantry);
    const owner = tenantry.forRequest({ userId: 'alice' });
    const role = await owner.roles.create({ tenantId, name: 'auditor', capabilities: ['audit.read'] });
    await owner.members.add({ tenantId, userId: 'aud', role: role.name });
    expect(await codeOf(owner.roles.delete({ tenantId, name: 'auditor' }))).toBe('role_in_use');
    expect(await codeOf(owner.roles.delete({ tenantId, name: 'auditor', reassignTo: tenantRole('ghost') }))).toBe('unknown_role');
    expect(await codeOf(owner.roles.delete({ tenantId, name: 'auditor', reassignTo: tenantRole('auditor') }))).toBe('validation_failed');
    expect((await store.findMembership(tenantId, 'aud'))?.role).toBe('auditor');
    expect(await owner.roles.delete({ tenantId, name: 'auditor', reassignTo: 'member' })).toEqual({ role, reassigned: 1 });
    expect((await store.findMembership(tenantId, 'aud'))?.role).toBe('member');
    expect(await owner.roles.list({ tenantId })).toEqual([]);
    const entry = (await owner.audit.list({ tenantId, limit: 1 })).items[0];
    expect(entry).toMatchObject({ action: 'tenant_role.delete', metadata: { role: 'auditor', reassignTo: 'member', reassigned: 1 } });
  });

  it('a non-member learns nothing: every call is the same NotFoundError, and an unknown role is refused only after authorization', async () => {
    const { tenantry } = setup();
    const tenantId = await seeded(tenantry);
    const mallory = tenantry.forRequest({ userId: 'mallory' });
    expect(await codeOf(mallory.roles.list({ tenantId }))).toBe('not_found');
    expect(await codeOf(mallory.roles.create({ tenantId, name: 'x', capabilities: [] }))).toBe('not_found');
    expect(await codeOf(mallory.members.add({ tenantId, userId: 'm2', role: tenantRole('ghost') }))).toBe('not_found');
    expect(await codeOf(mallory.roles.list({ tenantId: 'not a tenant id' }))).toBe('not_found');
    const owner = tenantry.forRequest({ userId: 'alice' });
    expect(await codeOf(owner.members.add({ tenantId, userId: 'm2', role: tenantRole('ghost') }))).toBe('unknown_role');
    expect(await codeOf(owner.members.add({ tenantId, userId: 'm2', role: tenantRole('Not A Role') }))).toBe('unknown_role');
  });

  it('a role edit is seen by the next request on the instance, through the cross-request cache', async () => {
    const { tenantry, store } = setup({ cache: { memberships: { max: 100, ttlMs: 60_000 } } });
    const tenantId = await seeded(tenantry);
    const owner = tenantry.forRequest({ userId: 'alice' });
    await owner.roles.create({ tenantId, name: 'auditor', capabilities: ['audit.read'] });
    await owner.members.add({ tenantId, userId: 'aud', role: tenantRole('auditor') });
    expect(await tenantry.forRequest({ userId: 'aud' }).can(tenantId, 'audit.read')).toBe(true);
    store.reset();
    // Served from the cache: no read at all.
    expect(await tenantry.forRequest({ userId: 'aud' }).can(tenantId, 'audit.read')).toBe(true);
    expect(store.total()).toBe(0);
    await owner.roles.update({ tenantId, name: 'auditor', capabilities: ['billing.read'] });
    const next = tenantry.forRequest({ userId: 'aud' });
    expect(await next.can(tenantId, 'audit.read')).toBe(false);
    expect(await next.can(tenantId, 'billing.read')).toBe(true);
  });
});
