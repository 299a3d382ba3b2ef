import { describe, expect, it } from 'vitest';
import { createTenantry, defineRoles, ForbiddenError, NotFoundError, systemActor, UnknownCapabilityError, type DenialEvent } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { capabilities, roles, setup, tenantWith } from '../../support/catalog.js';

const UNKNOWN_TENANT = '00000000-0000-4000-8000-000000000000';

describe('scope.access(): one lookup, then synchronous answers', () => {
  it('resolves the membership once; every later check, on the object or the scope, touches no storage', async () => {
    const { tenantry, store } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { olga: 'operator' });
    store.reset();
    const scope = tenantry.forRequest({ userId: 'olga' });
    const access = await scope.access(tenantId);
    expect(access).toMatchObject({ tenantId, member: true, role: 'operator', standing: 'member' });
    expect(access.can('project.write')).toBe(true);
    expect(access.can('billing.read')).toBe(false);
    expect(access.check('project.write')).toEqual({ allowed: true, status: 200, reason: 'allowed', capability: 'project.write', tenantId });
    expect(access.check('billing.read')).toMatchObject({ status: 403, reason: 'missing_capability' });
    await scope.check(tenantId, 'project.read');
    await scope.can(tenantId, 'project.read');
    await scope.authorize(tenantId, 'project.read');
    await scope.isMember(tenantId);
    expect(await scope.roleIn(tenantId)).toBe('operator');
    expect(await scope.access(tenantId)).toBe(access);
    expect(store.total()).toBe(1);
    expect(store.counts.findActiveMembership).toBe(1);
  });

  it('shares the lookup in flight with concurrent access() and check() calls', async () => {
    const { tenantry, store } = setup();
    const tenantId = await tenantWith(tenantry, 'alice');
    store.reset();
    const scope = tenantry.forRequest({ userId: 'alice' });
    const [a, b, decision] = await Promise.all([scope.access(tenantId), scope.access(tenantId), scope.check(tenantId, 'tenant.read')]);
    expect(a).toBe(b);
    expect(decision).toBe(a.check('tenant.read'));
    expect(store.counts.findActiveMembership).toBe(1);
  });

  it('returns the same frozen decision object on every check of a capability (nothing allocated after the first)', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { bob: 'readonly' });
    const scope = tenantry.forRequest({ userId: 'bob' });
    const access = await scope.access(tenantId);
    const allowed = access.check('tenant.read');
    const denied = access.check('tenant.manage');
    expect(Object.isFrozen(allowed) && Object.isFrozen(denied)).toBe(true);
    expect(access.check('tenant.read')).toBe(allowed);
    expect(access.check('tenant.manage')).toBe(denied);
    // The scope serves the same decision, through the same settled promise.
    expect(await scope.check(tenantId, 'tenant.read')).toBe(allowed);
    expect(scope.check(tenantId, 'tenant.read')).toBe(scope.check(tenantId, 'tenant.read'));
    expect(scope.can(tenantId, 'tenant.read')).toBe(scope.can(tenantId, 'tenant.read'));
  });

  it('gives a non-member, an unknown tenant and a malformed id the same 404 answers, and a malformed id never reaches storage', async () => {
    const { tenantry, store } = setup();
    const tenantId = await tenantWith(tenantry, 'alice');
    const scope = tenantry.forRequest({ userId: 'mallory' });
    store.reset();
    const malformed = await scope.access('not-a-uuid');
    expect(store.total()).toBe(0);
    const nonMember = await scope.access(tenantId);
    const unknownTenant = await scope.access(UNKNOWN_TENANT);
    for (const access of [nonMember, unknownTenant, malformed]) {
      expect(access.member).toBe(false);
      expect(access.role).toBeUndefined();
      expect(access.can('tenant.read')).toBe(false);
      const { tenantId: _, ...decision } = access.check('tenant.read');
      expect(decision).toEqual({ allowed: false, status: 404, reason: 'not_member', capability: 'tenant.read' });
      expect(() => access.authorize('tenant.read')).toThrow(NotFoundError);
      expect(access.actionState('tenant.read')).toEqual({ visible: false, disabled: true, reason: null });
    }
    expect(malformed.standing).toBe('malformed');
    expect(nonMember.standing).toBe('none');
    expect(await scope.check('not-a-uuid', 'tenant.read')).toBe(malformed.check('tenant.read'));
  });

  it('authorize() throws ForbiddenError for 403 and returns the decision when allowed', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { bob: 'readonly' });
    const access = await tenantry.forRequest({ userId: 'bob' }).access(tenantId);
    expect(access.authorize('tenant.read').allowed).toBe(true);
    const error = (() => {
      try {
        access.authorize('tenant.manage');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as ForbiddenError).capability).toBe('tenant.manage');
  });

  it('actionState() is synchronous and uses the tooltip formatter with the role', async () => {
    const { tenantry } = setup({ formatDisabledReason: ({ role, capability }) => `${role} lacks ${capability}` });
    const tenantId = await tenantWith(tenantry, 'alice', { olga: 'operator' });
    const access = await tenantry.forRequest({ userId: 'olga' }).access(tenantId);
    expect(access.actionState('billing.read')).toEqual({ visible: true, disabled: true, reason: 'operator lacks billing.read' });
    expect(access.actionState('project.read')).toEqual({ visible: true, disabled: false, reason: null });
  });

  it('throws UnknownCapabilityError synchronously for an undeclared capability; the scope rejects before any lookup', async () => {
    const { tenantry, store } = setup();
    const tenantId = await tenantWith(tenantry, 'alice');
    const scope = tenantry.forRequest({ userId: 'alice' });
    store.reset();
    await expect(scope.actionState(tenantId, 'billing.delete' as never)).rejects.toThrow(UnknownCapabilityError);
    expect(store.total()).toBe(0);
    const access = await scope.access(tenantId);
    for (const ask of [() => access.can('billing.delete' as never), () => access.check('nope' as never), () => access.actionState('x' as never)]) {
      expect(ask).toThrow(UnknownCapabilityError);
    }
    // Memoized now, the scope still rejects (never throws synchronously).
    await expect(scope.check(tenantId, 'billing.delete' as never)).rejects.toThrow(UnknownCapabilityError);
    await expect(scope.can(tenantId, 'billing.delete' as never)).rejects.toThrow(UnknownCapabilityError);
  });

  it('is immutable: a snapshot of the membership as read, replaced only after refresh()', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { bob: 'readonly' });
    const scope = tenantry.forRequest({ userId: 'bob' });
    const before = await scope.access(tenantId);
    expect(Object.isFrozen(before)).toBe(true);
    expect(() => {
      (before as { role: string | undefined }).role = 'owner';
    }).toThrow(TypeError);
    await tenantry.forRequest({ userId: 'alice' }).members.changeRole({ tenantId, userId: 'bob', role: 'owner' });
    expect(before.can('billing.manage')).toBe(false);
    expect(await scope.access(tenantId)).toBe(before);
    scope.refresh(tenantId);
    const after = await scope.access(tenantId);
    expect(after).not.toBe(before);
    expect(after.can('billing.manage')).toBe(true);
  });

  it('a stored role that left the role map grants nothing (403 for every capability)', async () => {
    const store = memoryStore();
    const wider = defineRoles(capabilities, { owner: capabilities.all(), readonly: ['tenant.read'], auditor: ['audit.read'] }, { ownerRole: 'owner' });
    const before = createTenantry({ capabilities, roles: wider, store });
    const { tenant } = await before.as(systemActor('test')).tenants.create({ ownerId: 'alice' });
    await before.as(systemActor('test')).members.add({ tenantId: tenant.id, userId: 'ivy', role: 'auditor' });
    const after = createTenantry({ capabilities, roles, store });
    const access = await after.forRequest({ userId: 'ivy' }).access(tenant.id);
    expect(access).toMatchObject({ member: true, role: 'auditor' });
    for (const capability of capabilities.all()) expect(access.check(capability).status).toBe(403);
  });

  it('a system actor is allowed everything in an existing tenant, has no role, and gets 404 answers elsewhere', async () => {
    const { tenantry, store } = setup();
    const tenantId = await tenantWith(tenantry, 'alice');
    store.reset();
    const system = tenantry.as(systemActor('jobs'));
    const access = await system.access(tenantId);
    expect(access).toMatchObject({ member: true, role: undefined, standing: 'system' });
    for (const capability of capabilities.all()) expect(access.can(capability)).toBe(true);
    expect((await system.access(UNKNOWN_TENANT)).can('tenant.read')).toBe(false);
    expect(store.counts.findTenant).toBe(2);
    expect(store.counts.findActiveMembership).toBe(0);
  });
});

describe('denials on the access object', () => {
  it('fire onDenied on every denied can/check (403 and 404), with the malformed id reported as null, and never for an allowed one', async () => {
    const events: DenialEvent[] = [];
    const { tenantry } = setup({ onDenied: (event) => events.push(event) });
    const tenantId = await tenantWith(tenantry, 'alice', { olga: 'operator' });
    const scope = tenantry.forRequest({ userId: 'olga' });
    const access = await scope.access(tenantId);
    access.can('project.read');
    access.check('project.read');
    expect(events).toHaveLength(0);
    access.can('billing.read');
    access.check('billing.read');
    await scope.can(tenantId, 'billing.read');
    const expected = { capability: 'billing.read', tenantId, actor: { type: 'user', id: 'olga' }, reason: 'missing_capability', status: 403 };
    expect(events).toEqual([expected, expected, expected]);
    events.length = 0;
    (await scope.access('garbage')).can('tenant.read');
    (await scope.access(UNKNOWN_TENANT)).check('tenant.read');
    expect(events).toEqual([
      { capability: 'tenant.read', tenantId: null, actor: { type: 'user', id: 'olga' }, reason: 'malformed_tenant_id', status: 404 },
      { capability: 'tenant.read', tenantId: UNKNOWN_TENANT, actor: { type: 'user', id: 'olga' }, reason: 'not_member', status: 404 },
    ]);
  });

  it('a throwing hook never changes a synchronous answer; the failure goes to onError', async () => {
    const failures: string[] = [];
    const { tenantry } = setup({
      onDenied: () => {
        throw new Error('hook down');
      },
      onError: (error, { source }) => failures.push(`${source}: ${(error as Error).message}`),
    });
    const tenantId = await tenantWith(tenantry, 'alice', { olga: 'operator' });
    const access = await tenantry.forRequest({ userId: 'olga' }).access(tenantId);
    expect(access.can('billing.read')).toBe(false);
    expect(access.check('billing.read').status).toBe(403);
    expect(failures).toEqual(['onDenied: hook down', 'onDenied: hook down']);
  });
});

describe('scope.access() with the cross-request cache', () => {
  const cache = { memberships: { max: 100, ttlMs: 60_000 } } as const;

  it('serves a later request from the cache without a lookup, and a membership change through tenantry replaces the object', async () => {
    const { tenantry, store } = setup({ cache });
    const tenantId = await tenantWith(tenantry, 'alice', { bob: 'readonly' });
    const first = await tenantry.forRequest({ userId: 'bob' }).access(tenantId);
    store.reset();
    const again = await tenantry.forRequest({ userId: 'bob' }).access(tenantId);
    expect(again).toBe(first);
    expect(await tenantry.forRequest({ userId: 'bob' }).check(tenantId, 'tenant.read')).toBe(first.check('tenant.read'));
    expect(store.total()).toBe(0);
    await tenantry.forRequest({ userId: 'alice' }).members.changeRole({ tenantId, userId: 'bob', role: 'manager' });
    const changed = await tenantry.forRequest({ userId: 'bob' }).access(tenantId);
    expect(changed).not.toBe(first);
    expect(changed.can('tenant.manage')).toBe(true);
  });

  it('answers malformed ids with 404 even when they embed a cached key, without a lookup', async () => {
    const { tenantry, store } = setup({ cache });
    const tenantId = await tenantWith(tenantry, 'alice', { bob: 'readonly' });
    await tenantry.forRequest({ userId: 'bob' }).check(tenantId, 'tenant.read');
    store.reset();
    const scope = tenantry.forRequest({ userId: 'bob' });
    for (const forged of [`${tenantId}\u0000bob`, `${tenantId}\u0000`, tenantId.toUpperCase(), `${tenantId} `, 'x'.repeat(200)]) {
      const access = await scope.access(forged);
      expect(access.standing).toBe('malformed');
      expect((await scope.check(forged, 'tenant.read')).status).toBe(404);
    }
    expect(store.total()).toBe(0);
    expect((await scope.access(tenantId)).can('tenant.read')).toBe(true);
  });

  it('keeps the same denial events and actor for cached objects', async () => {
    const events: DenialEvent[] = [];
    const { tenantry } = setup({ cache, onDenied: (event) => events.push(event) });
    const tenantId = await tenantWith(tenantry, 'alice');
    await tenantry.forRequest({ userId: 'eve' }).can(tenantId, 'tenant.read');
    await tenantry.forRequest({ userId: 'eve' }).can(tenantId, 'tenant.read');
    expect(events).toHaveLength(2);
    expect(events[1]).toEqual({ capability: 'tenant.read', tenantId, actor: { type: 'user', id: 'eve' }, reason: 'not_member', status: 404 });
  });
});
