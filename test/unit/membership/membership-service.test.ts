import { describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  ConfigurationError,
  createTenantry,
  ForbiddenError,
  LastOwnerError,
  NotFoundError,
  systemActor,
  ValidationError,
} from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { bootstrap, capabilities, roles, setup, tenantWith } from '../../support/catalog.js';

const user = (userId: string) => ({ type: 'user', userId }) as const;

describe('tenants.create', () => {
  it('creates the tenant and its owner membership with provenance', async () => {
    const now = new Date('2026-01-02T03:04:05.678Z');
    const { tenantry } = setup({ now: () => now });
    const { tenant, owner } = await tenantry.tenants.create({ ownerId: 'alice' });
    expect(tenant).toMatchObject({ createdByType: 'user', createdBy: 'alice', createdAt: now });
    expect(owner).toMatchObject({ tenantId: tenant.id, userId: 'alice', role: 'owner', createdByType: 'user', createdBy: 'alice', source: 'tenant_create' });
    expect(owner.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('records the system actor as such', async () => {
    const { tenantry } = setup();
    const { tenant, owner } = await tenantry.tenants.create({ ownerId: 'alice', actor: systemActor('signup') });
    expect(tenant).toMatchObject({ createdByType: 'system', createdBy: 'system:signup' });
    expect(owner).toMatchObject({ createdByType: 'system', createdBy: 'system:signup' });
  });

  it('rejects a malformed or taken id and writes nothing', async () => {
    const { tenantry, store } = setup();
    await expect(tenantry.tenants.create({ ownerId: 'alice', id: 'nope' })).rejects.toThrow(ValidationError);
    const id = '11111111-1111-4111-8111-111111111111';
    await tenantry.tenants.create({ ownerId: 'alice', id });
    await expect(tenantry.tenants.create({ ownerId: 'bob', id })).rejects.toThrow(AlreadyExistsError);
    expect(await store.findMembership(id, 'bob')).toBeUndefined();
  });

  it('accepts a custom tenant id format', async () => {
    const { tenantry } = setup({ tenantIdPattern: /^acme-[a-z]+$/ });
    const { tenant } = await tenantry.tenants.create({ ownerId: 'alice', id: 'acme-west' });
    expect(await tenantry.forRequest({ userId: 'alice' }).can(tenant.id, 'tenant.read')).toBe(true);
    expect((await tenantry.forRequest({ userId: 'alice' }).check('11111111-1111-4111-8111-111111111111', 'tenant.read')).status).toBe(404);
  });
});

describe('members', () => {
  it('lets a member with the managing capability add, change and remove members', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'alice');
    const added = await tenantry.members.add({ actor: user('alice'), tenantId, userId: 'bob', role: 'operator' });
    expect(added).toMatchObject({ userId: 'bob', role: 'operator', createdByType: 'user', createdBy: 'alice', source: 'member_add' });
    expect(await tenantry.members.changeRole({ actor: user('alice'), tenantId, userId: 'bob', role: 'manager' })).toMatchObject({ role: 'manager' });
    expect(await tenantry.members.remove({ actor: user('alice'), tenantId, userId: 'bob' })).toMatchObject({ userId: 'bob' });
    expect((await tenantry.members.list({ actor: user('alice'), tenantId })).items.map((m) => m.userId)).toEqual(['alice']);
  });

  it('answers a non-member actor with NotFoundError and a member without the capability with ForbiddenError', async () => {
    const { tenantry, store } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { max: 'manager' });
    await expect(tenantry.members.add({ actor: user('eve'), tenantId, userId: 'x', role: 'readonly' })).rejects.toThrow(NotFoundError);
    await expect(tenantry.members.add({ actor: user('max'), tenantId, userId: 'x', role: 'readonly' })).rejects.toThrow(ForbiddenError);
    await expect(tenantry.members.changeRole({ actor: user('max'), tenantId, userId: 'alice', role: 'readonly' })).rejects.toThrow(ForbiddenError);
    await expect(tenantry.members.remove({ actor: user('max'), tenantId, userId: 'alice' })).rejects.toThrow(ForbiddenError);
    expect(await store.findMembership(tenantId, 'x')).toBeUndefined();
    expect((await store.findMembership(tenantId, 'alice'))?.role).toBe('owner');
  });

  it('defaults to owner-only management when no managing capability is configured', async () => {
    const tenantry = createTenantry({ capabilities, roles, store: memoryStore() });
    const { tenant } = await tenantry.tenants.create({ ownerId: 'alice' });
    await tenantry.members.add({ actor: user('alice'), tenantId: tenant.id, userId: 'max', role: 'manager' });
    await expect(tenantry.members.add({ actor: user('max'), tenantId: tenant.id, userId: 'x', role: 'readonly' })).rejects.toThrow(ForbiddenError);
  });

  it('rejects duplicates, unknown roles and unknown tenants with typed errors', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { bob: 'readonly' });
    await expect(tenantry.members.add({ actor: bootstrap, tenantId, userId: 'bob', role: 'operator' })).rejects.toThrow(AlreadyExistsError);
    await expect(tenantry.members.add({ actor: bootstrap, tenantId, userId: 'carl', role: 'admin' as never })).rejects.toThrow(ValidationError);
    await expect(
      tenantry.members.add({ actor: bootstrap, tenantId: '00000000-0000-4000-8000-000000000000', userId: 'carl', role: 'readonly' }),
    ).rejects.toThrow(NotFoundError);
  });

  it('refuses to demote or remove the last owner, and allows it once another owner exists', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'alice');
    await expect(tenantry.members.changeRole({ actor: user('alice'), tenantId, userId: 'alice', role: 'manager' })).rejects.toThrow(LastOwnerError);
    await expect(tenantry.members.remove({ actor: bootstrap, tenantId, userId: 'alice' })).rejects.toThrow(LastOwnerError);
    await tenantry.members.add({ actor: user('alice'), tenantId, userId: 'bob', role: 'owner' });
    await tenantry.members.changeRole({ actor: user('alice'), tenantId, userId: 'alice', role: 'manager' });
    await expect(tenantry.members.remove({ actor: bootstrap, tenantId, userId: 'bob' })).rejects.toThrow(LastOwnerError);
  });

  it('leave() answers an unknown tenant and a tenant the actor is not a member of with the same NotFoundError', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { bob: 'readonly' });
    const refusal = async (id: string) => {
      const error = await tenantry.members.leave({ actor: user('eve'), tenantId: id }).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(NotFoundError);
      const { name, code, message, cause } = error as NotFoundError;
      return { name, code, message, cause, keys: Object.keys(error as object) };
    };
    expect(await refusal(tenantId)).toEqual(await refusal('00000000-0000-4000-8000-000000000000'));
  });

  it('pages the member list with a cursor', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'u00', Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`u0${i + 1}`, 'readonly' as const])));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await tenantry.members.list({ actor: user('u05'), tenantId, limit: 4, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((m) => m.userId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => `u0${i}`));
    await expect(tenantry.members.list({ actor: user('eve'), tenantId })).rejects.toThrow(NotFoundError);
  });
});

describe('createTenantry options', () => {
  it.each([
    ['a missing store', { store: undefined }, 'store'],
    ['a cache with max 0', { cache: { max: 0, ttlMs: 10 } }, 'cache'],
    ['an unknown cache option', { cache: { max: 1, ttlMs: 10, size: 3 } }, 'cache'],
  ])('rejects %s with a ConfigurationError naming the option', (_label, override, option) => {
    const create = () => createTenantry({ capabilities, roles, store: memoryStore(), ...(override as object) });
    expect(create).toThrow(ConfigurationError);
    expect(create).toThrow(option);
  });

  it('rejects roles defined over another registry and an unknown managing capability', () => {
    expect(() => createTenantry({ capabilities: { ...capabilities }, roles, store: memoryStore() })).toThrow(ConfigurationError);
    expect(() => createTenantry({ capabilities, roles, store: memoryStore(), manageMembersCapability: 'members.admin' as never })).toThrow('members.admin');
  });
});
