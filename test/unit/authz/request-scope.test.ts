import { describe, expect, it } from 'vitest';
import { createTenantry, ForbiddenError, NotFoundError, systemActor, UnknownCapabilityError, ValidationError, type DenialEvent } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { capabilities, roles, setup, tenantWith } from '../../support/catalog.js';

describe('Scope decisions', () => {
  it('allows a member whose role grants the capability (200)', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'alice');
    const decision = await tenantry.forRequest({ userId: 'alice' }).check(tenantId, 'billing.manage');
    expect(decision).toEqual({ allowed: true, status: 200, reason: 'allowed', capability: 'billing.manage', tenantId });
    expect(Object.isFrozen(decision)).toBe(true);
  });

  it('forbids a member whose role lacks the capability (403 missing_capability)', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { bob: 'operator' });
    const decision = await tenantry.forRequest({ userId: 'bob' }).check(tenantId, 'billing.read');
    expect(decision).toMatchObject({ allowed: false, status: 403, reason: 'missing_capability' });
  });

  it('answers a non-member, an unknown tenant and a malformed id with the same 404 decision', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'alice');
    const scope = tenantry.forRequest({ userId: 'mallory' });
    const nonMember = await scope.check(tenantId, 'tenant.read');
    const unknownTenant = await scope.check('00000000-0000-4000-8000-000000000000', 'tenant.read');
    const malformed = await scope.check('not-a-uuid', 'tenant.read');
    for (const decision of [nonMember, unknownTenant, malformed]) {
      expect(decision).toMatchObject({ allowed: false, status: 404, reason: 'not_member', capability: 'tenant.read' });
    }
    const { tenantId: _a, ...a } = nonMember;
    const { tenantId: _b, ...b } = unknownTenant;
    const { tenantId: _c, ...c } = malformed;
    expect(a).toEqual(b);
    expect(b).toEqual(c);
  });

  it('never touches storage for a malformed tenant id', async () => {
    const { tenantry, store } = setup();
    store.reset();
    const scope = tenantry.forRequest({ userId: 'alice' });
    for (const id of ['', 'x'.repeat(10_000), "' OR 1=1 --", '../../etc/passwd', 'ABCDEF00-0000-4000-8000-000000000000']) {
      expect((await scope.check(id, 'tenant.read')).status).toBe(404);
    }
    expect(store.total()).toBe(0);
  });

  it('rejects an unknown capability with UnknownCapabilityError before any storage access, whatever the membership', async () => {
    const { tenantry, store } = setup();
    const tenantId = await tenantWith(tenantry, 'alice');
    store.reset();
    for (const userId of ['alice', 'mallory']) {
      const scope = tenantry.forRequest({ userId });
      await expect(scope.check(tenantId, 'billing.delete' as never)).rejects.toThrow(UnknownCapabilityError);
      await expect(scope.can(tenantId, 'billing.delete' as never)).rejects.toThrow(UnknownCapabilityError);
      await expect(scope.authorize('garbage', 'billing.delete' as never)).rejects.toThrow(UnknownCapabilityError);
    }
    expect(store.total()).toBe(0);
  });

  it('can() is the boolean form and authorize() throws NotFoundError / ForbiddenError', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { bob: 'readonly' });
    const bob = tenantry.forRequest({ userId: 'bob' });
    expect(await bob.can(tenantId, 'tenant.read')).toBe(true);
    expect(await bob.can(tenantId, 'tenant.manage')).toBe(false);
    await expect(bob.authorize(tenantId, 'tenant.read')).resolves.toMatchObject({ allowed: true });
    const forbidden = await bob.authorize(tenantId, 'tenant.manage').catch((error: unknown) => error);
    expect(forbidden).toBeInstanceOf(ForbiddenError);
    expect((forbidden as ForbiddenError).capability).toBe('tenant.manage');
    await expect(tenantry.forRequest({ userId: 'eve' }).authorize(tenantId, 'tenant.read')).rejects.toThrow(NotFoundError);
  });

  it('rejects a malformed actor id with ValidationError', () => {
    const { tenantry } = setup();
    expect(() => tenantry.forRequest({ userId: '' })).toThrow(ValidationError);
    expect(() => tenantry.forRequest({ userId: 'a\nb' })).toThrow(ValidationError);
    expect(() => tenantry.forRequest({} as never)).toThrow(ValidationError);
  });
});

describe('Scope.actionState', () => {
  it('hides actions from non-members, disables them with a reason for members without the capability, enables them otherwise', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { olga: 'operator' });
    expect(await tenantry.forRequest({ userId: 'eve' }).actionState(tenantId, 'project.delete')).toEqual({
      visible: false,
      disabled: true,
      reason: null,
    });
    const disabled = await tenantry.forRequest({ userId: 'olga' }).actionState(tenantId, 'project.delete');
    expect(disabled.visible).toBe(true);
    expect(disabled.disabled).toBe(true);
    expect(disabled.reason).toContain('operator');
    expect(disabled.reason).toContain('project.delete');
    expect(await tenantry.forRequest({ userId: 'alice' }).actionState(tenantId, 'project.delete')).toEqual({
      visible: true,
      disabled: false,
      reason: null,
    });
  });

  it('uses a custom tooltip formatter', async () => {
    const { tenantry } = setup({ formatDisabledReason: ({ capability }) => `Ask an owner for ${capability}.` });
    const tenantId = await tenantWith(tenantry, 'alice', { olga: 'operator' });
    const state = await tenantry.forRequest({ userId: 'olga' }).actionState(tenantId, 'billing.read');
    expect(state.reason).toBe('Ask an owner for billing.read.');
  });
});

describe('Scope memoization', () => {
  it('100 sequential checks on one tenant cost one membership lookup', async () => {
    const { tenantry, store } = setup();
    const tenantId = await tenantWith(tenantry, 'alice');
    store.reset();
    const scope = tenantry.forRequest({ userId: 'alice' });
    const all = tenantry.capabilities.all();
    for (let i = 0; i < 100; i += 1) await scope.check(tenantId, all[i % all.length]!);
    expect(store.counts.findActiveMembership).toBe(1);
    expect(store.total()).toBe(1);
  });

  it('10 concurrent first checks share one in-flight lookup', async () => {
    const { tenantry, store } = setup();
    const tenantId = await tenantWith(tenantry, 'alice');
    store.reset();
    const scope = tenantry.forRequest({ userId: 'alice' });
    const decisions = await Promise.all(Array.from({ length: 10 }, () => scope.check(tenantId, 'tenant.read')));
    expect(decisions.every((d) => d.allowed)).toBe(true);
    expect(store.counts.findActiveMembership).toBe(1);
  });

  it('costs one lookup per tenant, not per capability', async () => {
    const { tenantry, store } = setup();
    const first = await tenantWith(tenantry, 'alice');
    const second = await tenantWith(tenantry, 'alice');
    store.reset();
    const scope = tenantry.forRequest({ userId: 'alice' });
    for (const capability of tenantry.capabilities.all()) {
      await scope.check(first, capability);
      await scope.check(second, capability);
    }
    expect(store.counts.findActiveMembership).toBe(2);
  });

  it('a failed lookup is not memoized: the next check retries', async () => {
    const inner = memoryStore();
    let failures = 1;
    // A spread copy of a store is still a store; only its membership lookup is flaky.
    const store = {
      ...inner,
      findActiveMembership: (tenantId: string, userId: string) => {
        if (failures-- > 0) return Promise.reject(new Error('connection reset'));
        return inner.findActiveMembership(tenantId, userId);
      },
    };
    const tenantry = createTenantry({ capabilities, roles, store });
    const { tenant } = await tenantry.as(systemActor('test')).tenants.create({ ownerId: 'alice' });
    const tenantId = tenant.id;
    const scope = tenantry.forRequest({ userId: 'alice' });
    await expect(scope.check(tenantId, 'tenant.read')).rejects.toThrow('connection reset');
    await expect(scope.check(tenantId, 'tenant.read')).resolves.toMatchObject({ allowed: true });
  });

  it('tenants.mine() lists only the actor’s tenants in one query and primes the memo', async () => {
    const { tenantry, store } = setup();
    const mine = [await tenantWith(tenantry, 'alice'), await tenantWith(tenantry, 'bob', { alice: 'readonly' })];
    await tenantWith(tenantry, 'bob');
    store.reset();
    const scope = tenantry.forRequest({ userId: 'alice' });
    const { items: tenants, nextCursor } = await scope.tenants.mine();
    expect(nextCursor).toBeNull();
    expect(tenants.map((t) => t.tenantId).sort()).toEqual([...mine].sort());
    expect(new Map(tenants.map((t) => [t.tenantId, t.role])).get(mine[1]!)).toBe('readonly');
    for (const tenantId of mine) await scope.check(tenantId, 'tenant.read');
    expect(store.counts.listActiveMembershipsOfUser).toBe(1);
    expect(store.total()).toBe(1);
  });

  it('tenants.mine() leaves out an archived tenant and does not prime it: the check after it is 404, as on a fresh scope', async () => {
    const { tenantry, store } = setup();
    const active = await tenantWith(tenantry, 'alice');
    const archived = await tenantWith(tenantry, 'alice');
    await tenantry.as(systemActor('test')).tenants.archive({ tenantId: archived });
    store.reset();
    const scope = tenantry.forRequest({ userId: 'alice' });
    expect((await scope.tenants.mine()).items.map((t) => t.tenantId)).toEqual([active]);
    expect(await scope.check(archived, 'tenant.read')).toMatchObject({ allowed: false, status: 404, reason: 'not_member' });
    await expect(scope.authorize(archived, 'tenant.read')).rejects.toBeInstanceOf(NotFoundError);
    expect(await scope.can(active, 'tenant.read')).toBe(true);
    // One listing, one cold lookup of the archived tenant (memoized after), none for the listed one.
    expect(store.counts.listActiveMembershipsOfUser).toBe(1);
    expect(store.counts.findActiveMembership).toBe(1);
    expect(store.total()).toBe(2);
  });

  it('is a snapshot until refresh(): a later change is seen only after refresh', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { bob: 'readonly' });
    const scope = tenantry.forRequest({ userId: 'bob' });
    expect(await scope.can(tenantId, 'project.write')).toBe(false);
    await tenantry.forRequest({ userId: 'alice' }).members.changeRole({ tenantId, userId: 'bob', role: 'operator' });
    expect(await scope.can(tenantId, 'project.write')).toBe(false);
    scope.refresh(tenantId);
    expect(await scope.can(tenantId, 'project.write')).toBe(true);
    expect(await tenantry.forRequest({ userId: 'bob' }).can(tenantId, 'project.write')).toBe(true);
  });
});

describe('denial diagnostics', () => {
  it('emits one structured event per denied check, including memoized ones, and none for allowed checks', async () => {
    const events: DenialEvent[] = [];
    const { tenantry } = setup({ onDenied: (event) => events.push(event) });
    const tenantId = await tenantWith(tenantry, 'alice', { olga: 'operator' });
    const olga = tenantry.forRequest({ userId: 'olga' });
    await olga.check(tenantId, 'billing.read');
    await olga.check(tenantId, 'billing.read');
    await olga.check(tenantId, 'tenant.read');
    await tenantry.forRequest({ userId: 'eve' }).check(tenantId, 'tenant.read');
    await tenantry.forRequest({ userId: 'eve' }).check('../secret', 'tenant.read');
    expect(events).toEqual([
      { capability: 'billing.read', tenantId, actor: { type: 'user', id: 'olga' }, reason: 'missing_capability', status: 403 },
      { capability: 'billing.read', tenantId, actor: { type: 'user', id: 'olga' }, reason: 'missing_capability', status: 403 },
      { capability: 'tenant.read', tenantId, actor: { type: 'user', id: 'eve' }, reason: 'not_member', status: 404 },
      { capability: 'tenant.read', tenantId: null, actor: { type: 'user', id: 'eve' }, reason: 'malformed_tenant_id', status: 404 },
    ]);
  });

  it('isMember() answers without a capability and emits a capability-free denial for non-members', async () => {
    const events: DenialEvent[] = [];
    const { tenantry, store } = setup({ onDenied: (event) => events.push(event) });
    const tenantId = await tenantWith(tenantry, 'alice');
    store.reset();
    const alice = tenantry.forRequest({ userId: 'alice' });
    expect(await alice.isMember(tenantId)).toBe(true);
    await alice.check(tenantId, 'tenant.read');
    expect(store.counts.findActiveMembership).toBe(1);
    expect(await tenantry.forRequest({ userId: 'eve' }).isMember(tenantId)).toBe(false);
    expect(await tenantry.forRequest({ userId: 'eve' }).isMember('bogus')).toBe(false);
    expect(events).toEqual([
      { capability: null, tenantId, actor: { type: 'user', id: 'eve' }, reason: 'not_member', status: 404 },
      { capability: null, tenantId: null, actor: { type: 'user', id: 'eve' }, reason: 'malformed_tenant_id', status: 404 },
    ]);
  });

  it('a throwing hook never changes the outcome; the failure goes to onError', async () => {
    const failure = new Error('logger down');
    const reported: unknown[] = [];
    const { tenantry } = setup({
      onDenied: () => {
        throw failure;
      },
      onError: (error, context) => reported.push([error, context.source]),
    });
    const tenantId = await tenantWith(tenantry, 'alice');
    await expect(tenantry.forRequest({ userId: 'eve' }).check(tenantId, 'tenant.read')).resolves.toMatchObject({ status: 404 });
    expect(reported).toEqual([[failure, 'onDenied']]);
  });

  it('a system scope is denied only for a tenant that does not exist, reported with its system actor', async () => {
    const events: DenialEvent[] = [];
    const { tenantry } = setup({ onDenied: (event) => events.push(event) });
    await tenantry.as(systemActor('billing')).check('00000000-0000-4000-8000-000000000000', 'tenant.read');
    expect(events).toEqual([
      {
        capability: 'tenant.read',
        tenantId: '00000000-0000-4000-8000-000000000000',
        actor: { type: 'system', id: 'billing' },
        reason: 'not_member',
        status: 404,
      },
    ]);
  });
});

describe('system scope', () => {
  it('is allowed every capability in an existing tenant and gets the 404 decision for an unknown or malformed one', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'alice');
    const system = tenantry.as(systemActor('billing'));
    for (const capability of tenantry.capabilities.all()) {
      expect(await system.check(tenantId, capability)).toEqual({ allowed: true, status: 200, reason: 'allowed', capability, tenantId });
    }
    const unknown = await system.check('00000000-0000-4000-8000-000000000000', 'tenant.read');
    const malformed = await system.check('not-a-uuid', 'tenant.read');
    for (const decision of [unknown, malformed])
      expect(decision).toMatchObject({ allowed: false, status: 404, reason: 'not_member', capability: 'tenant.read' });
    await expect(system.authorize('not-a-uuid', 'tenant.read')).rejects.toThrow(NotFoundError);
    expect(await system.isMember(tenantId)).toBe(true);
    expect(await system.roleIn(tenantId)).toBeUndefined();
  });

  it('memoizes whether the tenant exists: one lookup per tenant, whatever the number of checks', async () => {
    const { tenantry, store } = setup();
    const tenantId = await tenantWith(tenantry, 'alice');
    store.reset();
    const system = tenantry.as(systemActor('billing'));
    for (const capability of tenantry.capabilities.all()) await system.check(tenantId, capability);
    await Promise.all(Array.from({ length: 5 }, () => system.check(tenantId, 'tenant.read')));
    expect(store.counts.findTenant).toBe(1);
    expect(store.total()).toBe(1);
  });
});

describe('writes through a scope', () => {
  it('refresh the scope’s memo for the tenant they changed', async () => {
    const { tenantry } = setup({ previousOwnerRole: 'manager' });
    const tenantId = await tenantWith(tenantry, 'alice', { bob: 'readonly' });
    const alice = tenantry.forRequest({ userId: 'alice' });
    expect(await alice.can(tenantId, 'membership.manage')).toBe(true);
    expect(await alice.roleIn(tenantId)).toBe('owner');
    await alice.members.transferOwnership({ tenantId, toUserId: 'bob' });
    // The transfer made alice a manager; the same scope sees it without refresh().
    expect(await alice.roleIn(tenantId)).toBe('manager');
    expect(await alice.can(tenantId, 'membership.manage')).toBe(false);
  });
});
