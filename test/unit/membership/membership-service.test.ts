import { describe, expect, it } from 'vitest';
import {
  ActorNotAllowedError,
  AlreadyExistsError,
  createTenantry,
  ForbiddenError,
  LastOwnerError,
  NotFoundError,
  OwnerRequiredError,
  systemActor,
  UnknownRoleError,
  ValidationError,
} from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { bootstrap, capabilities, roles, setup, tenantWith } from '../../support/catalog.js';

describe('tenants.create', () => {
  it('creates the tenant and its owner membership with provenance', async () => {
    const now = new Date('2026-01-02T03:04:05.678Z');
    const { tenantry, store } = setup({ now: () => now });
    const { tenant, owner } = await tenantry.forRequest({ userId: 'alice' }).tenants.create();
    expect(tenant).toEqual({ id: tenant.id, createdBy: { type: 'user', id: 'alice' }, createdAt: now });
    expect(owner).toEqual({
      tenantId: tenant.id,
      userId: 'alice',
      role: 'owner',
      joinedAt: now,
      addedBy: { type: 'user', id: 'alice' },
      source: 'tenant_create',
    });
    expect(tenant.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await store.findMembership(tenant.id, 'alice')).toMatchObject({ createdByType: 'user', createdBy: 'alice', source: 'tenant_create' });
  });

  it('records the system actor as such', async () => {
    const { tenantry, store } = setup();
    const { tenant, owner } = await tenantry.as(systemActor('signup')).tenants.create({ ownerId: 'alice' });
    expect(tenant.createdBy).toEqual({ type: 'system', id: 'signup' });
    expect(owner.addedBy).toEqual({ type: 'system', id: 'signup' });
    expect(await store.findTenant(tenant.id)).toMatchObject({ createdByType: 'system', createdBy: 'system:signup' });
  });

  it('lets a user create only tenants they own, and a system actor only tenants with a named owner', async () => {
    const { tenantry, store } = setup();
    await expect(tenantry.forRequest({ userId: 'alice' }).tenants.create({ ownerId: 'bob' })).rejects.toThrow(ActorNotAllowedError);
    const unnamed = await tenantry
      .as(bootstrap)
      .tenants.create()
      .catch((error: unknown) => error);
    expect(unnamed).toBeInstanceOf(ValidationError);
    expect((unnamed as ValidationError).issues).toEqual([{ path: ['ownerId'], message: 'Required.' }]);
    expect(await store.listMembershipsOfUser('bob')).toEqual([]);
    const { tenant } = await tenantry.forRequest({ userId: 'alice' }).tenants.create({ ownerId: 'alice' });
    expect(await tenantry.forRequest({ userId: 'alice' }).roleIn(tenant.id)).toBe('owner');
  });

  it('rejects a malformed or taken id and writes nothing', async () => {
    const { tenantry, store } = setup();
    const system = tenantry.as(bootstrap);
    const malformed = await system.tenants.create({ ownerId: 'alice', id: 'nope' }).catch((error: unknown) => error);
    expect(malformed).toBeInstanceOf(ValidationError);
    expect((malformed as ValidationError).issues).toEqual([{ path: ['id'], message: 'Malformed tenant id.' }]);
    const id = '11111111-1111-4111-8111-111111111111';
    await system.tenants.create({ ownerId: 'alice', id });
    await expect(system.tenants.create({ ownerId: 'bob', id })).rejects.toThrow(AlreadyExistsError);
    expect(await store.findMembership(id, 'bob')).toBeUndefined();
    expect(await store.listMembershipsOfUser('alice')).toHaveLength(1);
  });

  it('accepts a custom tenant id format', async () => {
    const { tenantry } = setup({ tenantIds: { pattern: /^acme-[a-z]+$/ } });
    const { tenant } = await tenantry.forRequest({ userId: 'alice' }).tenants.create({ id: 'acme-west' });
    expect(await tenantry.forRequest({ userId: 'alice' }).can(tenant.id, 'tenant.read')).toBe(true);
    expect((await tenantry.forRequest({ userId: 'alice' }).check('11111111-1111-4111-8111-111111111111', 'tenant.read')).status).toBe(404);
  });
});

describe('tenants.get', () => {
  it('returns the tenant to a member and a system actor, and the canonical NotFoundError to anyone else', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { bob: 'readonly' });
    const expected = { id: tenantId, createdBy: { type: 'system', id: 'test' }, createdAt: expect.any(Date) as unknown };
    expect(await tenantry.forRequest({ userId: 'bob' }).tenants.get(tenantId)).toEqual(expected);
    expect(await tenantry.as(bootstrap).tenants.get(tenantId)).toEqual(expected);
    await expect(tenantry.forRequest({ userId: 'eve' }).tenants.get(tenantId)).rejects.toThrow(NotFoundError);
  });
});

describe('members', () => {
  it('lets a member with the managing capability add, change and remove members', async () => {
    const now = new Date('2026-01-02T03:04:05.678Z');
    const { tenantry } = setup({ now: () => now });
    const tenantId = await tenantWith(tenantry, 'alice');
    const alice = tenantry.forRequest({ userId: 'alice' });
    const added = await alice.members.add({ tenantId, userId: 'bob', role: 'operator' });
    expect(added).toEqual({ tenantId, userId: 'bob', role: 'operator', joinedAt: now, addedBy: { type: 'user', id: 'alice' }, source: 'member_add' });
    expect(Object.isFrozen(added)).toBe(true);
    expect(await alice.members.changeRole({ tenantId, userId: 'bob', role: 'manager' })).toEqual({ ...added, role: 'manager' });
    expect(await alice.members.remove({ tenantId, userId: 'bob' })).toEqual({ ...added, role: 'manager' });
    expect((await alice.members.list({ tenantId })).items.map((m) => m.userId)).toEqual(['alice']);
  });

  it('answers a non-member actor with NotFoundError and a member without the capability with ForbiddenError', async () => {
    const { tenantry, store } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { max: 'manager' });
    const max = tenantry.forRequest({ userId: 'max' });
    await expect(tenantry.forRequest({ userId: 'eve' }).members.add({ tenantId, userId: 'x', role: 'readonly' })).rejects.toThrow(NotFoundError);
    await expect(max.members.add({ tenantId, userId: 'x', role: 'readonly' })).rejects.toThrow(ForbiddenError);
    await expect(max.members.changeRole({ tenantId, userId: 'alice', role: 'readonly' })).rejects.toThrow(ForbiddenError);
    await expect(max.members.remove({ tenantId, userId: 'alice' })).rejects.toThrow(ForbiddenError);
    const refusal = await max.members.add({ tenantId, userId: 'x', role: 'readonly' }).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code: 'forbidden', capability: 'membership.manage', status: 403 });
    expect(await store.findMembership(tenantId, 'x')).toBeUndefined();
    expect((await store.findMembership(tenantId, 'alice'))?.role).toBe('owner');
  });

  it('defaults to owner-only management when no managing capability is configured: others get OwnerRequiredError', async () => {
    const tenantry = createTenantry({ capabilities, roles, store: memoryStore() });
    const { tenant } = await tenantry.forRequest({ userId: 'alice' }).tenants.create();
    await tenantry.forRequest({ userId: 'alice' }).members.add({ tenantId: tenant.id, userId: 'max', role: 'manager' });
    const refusal = await tenantry
      .forRequest({ userId: 'max' })
      .members.add({ tenantId: tenant.id, userId: 'x', role: 'readonly' })
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(OwnerRequiredError);
    expect(refusal).toMatchObject({ code: 'owner_required', reason: 'owner_role', status: 403 });
    expect(refusal).not.toBeInstanceOf(ForbiddenError);
  });

  it('rejects duplicates, unknown roles and unknown tenants with typed errors', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { bob: 'readonly' });
    const system = tenantry.as(bootstrap);
    await expect(system.members.add({ tenantId, userId: 'bob', role: 'operator' })).rejects.toThrow(AlreadyExistsError);
    await expect(system.members.add({ tenantId, userId: 'carl', role: 'admin' as never })).rejects.toThrow(UnknownRoleError);
    await expect(system.members.add({ tenantId: '00000000-0000-4000-8000-000000000000', userId: 'carl', role: 'readonly' })).rejects.toThrow(NotFoundError);
  });

  it('answers an unknown role with UnknownRoleError in every operation that takes a role, for every actor', async () => {
    const { tenantry, store } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { bob: 'readonly' });
    for (const scope of [tenantry.as(bootstrap), tenantry.forRequest({ userId: 'alice' }), tenantry.forRequest({ userId: 'bob' })]) {
      const attempts = [
        scope.members.add({ tenantId, userId: 'carl', role: 'admin' as never }),
        scope.members.changeRole({ tenantId, userId: 'bob', role: 'admin' as never }),
        scope.members.transferOwnership({ tenantId, fromUserId: 'alice', toUserId: 'bob', previousOwnerRole: 'admin' as never }),
      ];
      for (const attempt of attempts) {
        const error = await attempt.catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(UnknownRoleError);
        expect(error).toMatchObject({ code: 'unknown_role', status: 400 });
      }
    }
    expect(await store.findMembership(tenantId, 'carl')).toBeUndefined();
    expect((await store.findMembership(tenantId, 'bob'))?.role).toBe('readonly');
  });

  it('never quotes the unknown role it was given (it may be anything a client sent)', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { bob: 'readonly' });
    const planted = '<b>SECRET_token</b>';
    const alice = tenantry.forRequest({ userId: 'alice' });
    for (const attempt of [
      alice.members.add({ tenantId, userId: 'carl', role: planted as never }),
      alice.members.changeRole({ tenantId, userId: 'bob', role: planted as never }),
      alice.members.transferOwnership({ tenantId, toUserId: 'bob', previousOwnerRole: planted as never }),
    ]) {
      const error = await attempt.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UnknownRoleError);
      expect((error as UnknownRoleError).message).not.toContain('SECRET_token');
      expect((error as UnknownRoleError).message).not.toMatch(/[<>]/);
    }
  });

  it('refuses to demote or remove the last owner, and allows it once another owner exists', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'alice');
    const alice = tenantry.forRequest({ userId: 'alice' });
    const system = tenantry.as(bootstrap);
    await expect(alice.members.changeRole({ tenantId, userId: 'alice', role: 'manager' })).rejects.toThrow(LastOwnerError);
    await expect(system.members.remove({ tenantId, userId: 'alice' })).rejects.toThrow(LastOwnerError);
    await alice.members.add({ tenantId, userId: 'bob', role: 'owner' });
    await alice.members.changeRole({ tenantId, userId: 'alice', role: 'manager' });
    await expect(system.members.remove({ tenantId, userId: 'bob' })).rejects.toThrow(LastOwnerError);
  });

  it('leave() answers an unknown tenant and a tenant the actor is not a member of with the same NotFoundError', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { bob: 'readonly' });
    const refusal = async (id: string) => {
      const error = await tenantry
        .forRequest({ userId: 'eve' })
        .members.leave({ tenantId: id })
        .then(
          () => undefined,
          (reason: unknown) => reason,
        );
      expect(error).toBeInstanceOf(NotFoundError);
      const { name, code, message, cause } = error as NotFoundError;
      return { name, code, message, cause, keys: Object.keys(error as object) };
    };
    expect(await refusal(tenantId)).toEqual(await refusal('00000000-0000-4000-8000-000000000000'));
  });

  it('leave() removes the acting user and resolves with the membership they left', async () => {
    const { tenantry, store } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { bob: 'readonly' });
    const bob = tenantry.forRequest({ userId: 'bob' });
    expect(await bob.members.leave({ tenantId })).toMatchObject({
      tenantId,
      userId: 'bob',
      role: 'readonly',
      addedBy: { type: 'system', id: 'test' },
      source: 'system',
    });
    expect(await store.findMembership(tenantId, 'bob')).toBeUndefined();
    // The scope that left sees it at once.
    expect((await bob.check(tenantId, 'tenant.read')).status).toBe(404);
  });

  it('pages the member list with a cursor', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'u00', Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`u0${i + 1}`, 'readonly' as const])));
    const reader = tenantry.forRequest({ userId: 'u05' });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await reader.members.list({ tenantId, limit: 4, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((m) => m.userId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => `u0${i}`));
    await expect(tenantry.forRequest({ userId: 'eve' }).members.list({ tenantId })).rejects.toThrow(NotFoundError);
  });
});
