import { describe, expect, it, vi } from 'vitest';
import { createTenantry, localInvalidationBus, NotFoundError, systemActor } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { countingStore } from 'tenantry/testing';
import { MembershipCache } from '../../../src/services/authz/membership-cache.js';
import { capabilities, roles, setup, tenantWith } from '../../support/catalog.js';

const cache = { memberships: { max: 100, ttlMs: 60_000 } } as const;

describe('cross-request membership cache', () => {
  it('serves later request scopes without a store lookup', async () => {
    const { tenantry, store } = setup({ cache });
    const tenantId = await tenantWith(tenantry, 'alice');
    store.reset();
    for (let i = 0; i < 5; i += 1) await tenantry.forRequest({ userId: 'alice' }).check(tenantId, 'tenant.read');
    expect(store.counts.findActiveMembership).toBe(1);
  });

  it('caches non-membership too, and drops it when the user is added', async () => {
    const { tenantry, store } = setup({ cache });
    const tenantId = await tenantWith(tenantry, 'alice');
    expect(await tenantry.forRequest({ userId: 'bob' }).can(tenantId, 'tenant.read')).toBe(false);
    store.reset();
    expect(await tenantry.forRequest({ userId: 'bob' }).can(tenantId, 'tenant.read')).toBe(false);
    expect(store.counts.findActiveMembership).toBe(0);
    await tenantry.forRequest({ userId: 'alice' }).members.add({ tenantId, userId: 'bob', role: 'readonly' });
    expect(await tenantry.forRequest({ userId: 'bob' }).can(tenantId, 'tenant.read')).toBe(true);
  });

  it('never serves a revoked capability after a role change or removal through tenantry', async () => {
    const { tenantry } = setup({ cache });
    const tenantId = await tenantWith(tenantry, 'alice', { bob: 'manager' });
    expect(await tenantry.forRequest({ userId: 'bob' }).can(tenantId, 'project.delete')).toBe(true);
    const alice = tenantry.forRequest({ userId: 'alice' });
    await alice.members.changeRole({ tenantId, userId: 'bob', role: 'readonly' });
    expect(await tenantry.forRequest({ userId: 'bob' }).can(tenantId, 'project.delete')).toBe(false);
    await alice.members.remove({ tenantId, userId: 'bob' });
    expect((await tenantry.forRequest({ userId: 'bob' }).check(tenantId, 'tenant.read')).status).toBe(404);
  });

  it('expires entries after the TTL', async () => {
    // lru-cache keeps its own reference to performance.now, so a real (short) TTL is used here.
    const { tenantry, store } = setup({ cache: { memberships: { max: 100, ttlMs: 40 } } });
    const tenantId = await tenantWith(tenantry, 'alice');
    store.reset();
    await tenantry.forRequest({ userId: 'alice' }).check(tenantId, 'tenant.read');
    await tenantry.forRequest({ userId: 'alice' }).check(tenantId, 'tenant.read');
    expect(store.counts.findActiveMembership).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 80));
    await tenantry.forRequest({ userId: 'alice' }).check(tenantId, 'tenant.read');
    expect(store.counts.findActiveMembership).toBe(2);
  });

  it('a lookup that started before an invalidation does not store its stale result', async () => {
    const cache = new MembershipCache({ max: 10, ttlMs: 60_000 });
    let finishLoad!: (fact: { role: string }) => void;
    const slow = cache.lookup('t', 'u', () => new Promise((resolve) => (finishLoad = resolve)));
    cache.invalidate('t', 'u');
    finishLoad({ role: 'owner' });
    await expect(slow).resolves.toEqual({ role: 'owner' });
    const fresh = vi.fn(() => Promise.resolve({ role: 'readonly' }));
    await expect(cache.lookup('t', 'u', fresh)).resolves.toEqual({ role: 'readonly' });
    expect(fresh).toHaveBeenCalledTimes(1);
  });

  it('invalidating a tenant drops every user of that tenant and nothing else', async () => {
    const cache = new MembershipCache({ max: 10, ttlMs: 60_000 });
    const load = (role: string) => () => Promise.resolve({ role });
    await cache.lookup('t1', 'a', load('owner'));
    await cache.lookup('t1', 'b', load('readonly'));
    await cache.lookup('t2', 'a', load('owner'));
    cache.invalidate('t1');
    expect(cache.size).toBe(1);
  });

  it('is bounded by max', async () => {
    const cache = new MembershipCache({ max: 3, ttlMs: 60_000 });
    for (let i = 0; i < 10; i += 1) await cache.lookup(`t${i}`, 'u', () => Promise.resolve(undefined));
    expect(cache.size).toBe(3);
  });

  it('when full, evicts the oldest entry not read since (a read entry gets a second chance)', async () => {
    const cache = new MembershipCache({ max: 3, ttlMs: 60_000 });
    const load = vi.fn((role: string) => Promise.resolve({ role }));
    for (const tenant of ['a', 'b', 'c']) await cache.lookup(tenant, 'u', () => load(tenant));
    expect(cache.peek('a', 'u')?.value).toEqual({ role: 'a' });
    await cache.lookup('d', 'u', () => load('d'));
    expect(cache.size).toBe(3);
    expect(cache.peek('b', 'u')).toBeUndefined();
    for (const tenant of ['a', 'c', 'd']) expect(cache.peek(tenant, 'u')?.value).toEqual({ role: tenant });
  });

  it('peek() serves a hit synchronously, caches "not a member" as a hit, and misses after the TTL', async () => {
    const cache = new MembershipCache({ max: 10, ttlMs: 30 });
    expect(cache.peek('t', 'u')).toBeUndefined();
    await cache.lookup('t', 'u', () => Promise.resolve(undefined));
    const hit = cache.peek('t', 'u');
    expect(hit).toBeDefined();
    expect(hit?.value).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(cache.peek('t', 'u')).toBeUndefined();
  });

  it('propagates invalidations to other instances through the bus', async () => {
    const bus = localInvalidationBus();
    const shared = memoryStore();
    const storeB = countingStore(shared);
    const a = createTenantry({ capabilities, roles, store: shared, cache: { ...cache, bus } });
    const b = createTenantry({ capabilities, roles, store: storeB, cache: { ...cache, bus } });
    const { tenant } = await a.as(systemActor('test')).tenants.create({ ownerId: 'alice' });
    const alice = a.forRequest({ userId: 'alice' });
    await alice.members.add({ tenantId: tenant.id, userId: 'bob', role: 'manager' });
    expect(await b.forRequest({ userId: 'bob' }).can(tenant.id, 'project.delete')).toBe(true);
    await alice.members.changeRole({ tenantId: tenant.id, userId: 'bob', role: 'readonly' });
    expect(await b.forRequest({ userId: 'bob' }).can(tenant.id, 'project.delete')).toBe(false);
    await b.close();
    await a.close();
  });

  it('tenantry.invalidate() drops entries after changes made outside tenantry', async () => {
    const { tenantry, store } = setup({ cache });
    const tenantId = await tenantWith(tenantry, 'alice', { bob: 'manager' });
    await tenantry.forRequest({ userId: 'bob' }).check(tenantId, 'tenant.read');
    store.reset();
    tenantry.invalidate({ tenantId, userId: 'bob' });
    await tenantry.forRequest({ userId: 'bob' }).check(tenantId, 'tenant.read');
    expect(store.counts.findActiveMembership).toBe(1);
    // Without a user id, every membership of the tenant is dropped.
    await tenantry.forRequest({ userId: 'alice' }).check(tenantId, 'tenant.read');
    store.reset();
    tenantry.invalidate({ tenantId });
    await tenantry.forRequest({ userId: 'alice' }).check(tenantId, 'tenant.read');
    await tenantry.forRequest({ userId: 'bob' }).check(tenantId, 'tenant.read');
    expect(store.counts.findActiveMembership).toBe(2);
  });

  it('tenantry.invalidate() refuses a malformed tenant id with the canonical NotFoundError', () => {
    const { tenantry } = setup({ cache });
    expect(() => {
      tenantry.invalidate({ tenantId: 'not-a-uuid' });
    }).toThrow(NotFoundError);
  });
});
