import { describe, expect, it } from 'vitest';
import { isConfigurationError, type Store } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { routedStore } from 'tenantry/routed';
import type { NewMembership, NewTenant } from '../../../src/store/records.js';

const createdAt = new Date('2026-01-01T00:00:00.000Z');
const tenant = (id: string): NewTenant => ({ id, createdByType: 'system', createdBy: 'system:test', createdAt });
const member = (tenantId: string, userId: string, role = 'owner'): NewMembership => ({
  id: crypto.randomUUID(),
  tenantId,
  userId,
  role,
  createdByType: 'system',
  createdBy: 'system:test',
  createdAt,
  source: role === 'owner' ? 'tenant_create' : 'member_add',
});
const route = (tenantId: string) => (tenantId.startsWith('us') ? 'us' : 'eu');

function world() {
  const stores = { eu: memoryStore(), us: memoryStore() };
  return { stores, store: routedStore({ route, stores, home: 'eu' }) };
}

async function seed(store: Store, ids: readonly string[], userId: string): Promise<void> {
  for (const id of ids) await store.createTenant(tenant(id), member(id, userId));
}

describe('routedStore', () => {
  it('refuses bad options with ConfigurationError naming them', () => {
    const stores = { eu: memoryStore() };
    expect(() => routedStore({ route: () => 'eu', stores, home: 'us' as 'eu' })).toThrow(/home/);
    expect(() => routedStore({ route: () => 'eu', stores: {} as never, home: 'eu' })).toThrow(/at least one region/);
    expect(() => routedStore({ route: 'eu' as never, stores, home: 'eu' })).toThrow(/route/);
    expect(() => routedStore({ route: () => 'eu', stores: { eu: {} as Store }, home: 'eu' })).toThrow(/stores/);
  });

  it('merges the tenant switcher of every region in tenant-id (code-unit) order', async () => {
    const { store, stores } = world();
    await seed(store, ['us-b', 'eu-c', 'eu-A', 'us-a', 'eu-z'], 'ada');
    expect((await stores.eu.listMembershipsOfUser('ada')).map((m) => m.tenantId)).toEqual(['eu-A', 'eu-c', 'eu-z']);
    expect((await store.listMembershipsOfUser('ada')).map((m) => m.tenantId)).toEqual(['eu-A', 'eu-c', 'eu-z', 'us-a', 'us-b']);
  });

  it('keeps the catalog in every region and reports a refusal of any region when deleting', async () => {
    const { store, stores } = world();
    await store.syncFeatures([{ key: 'f', kind: 'limit', parentKey: null }]);
    expect((await stores.us.listFeatures()).map((f) => f.key)).toEqual(['f']);
    expect((await stores.eu.listFeatures()).map((f) => f.key)).toEqual(['f']);
    await seed(store, ['us-1'], 'ada');
    await store.setNamespaceLimit({ tenantId: 'us-1', namespace: 'n', featureKey: 'f', limit: 3 });
    expect(await store.deleteFeature('f')).toBe('in_use');
    expect(await store.deleteFeature('missing')).toBe('not_found');
  });

  it('opens no transaction for work that touches nothing, and binds a lazy one to its first tenant', async () => {
    const { store, stores } = world();
    expect(await store.transaction(() => Promise.resolve(7))).toBe(7);
    await store.transaction(async (tx) => {
      // A fan-out before anything is bound reads every region.
      expect(await tx.listMembershipsOfUser('ada')).toEqual([]);
      await tx.createTenant(tenant('us-9'), member('us-9', 'ada'));
      expect((await tx.listMembershipsOfUser('ada')).map((m) => m.tenantId)).toEqual(['us-9']);
    });
    expect(await stores.us.findTenant('us-9')).toBeDefined();
    expect(await stores.eu.findTenant('us-9')).toBeUndefined();
  });

  it('a lazy transaction that fails rolls back in its region and refuses a second region', async () => {
    const { store, stores } = world();
    const failure = new Error('work failed');
    await expect(
      store.transaction(async (tx) => {
        await tx.createTenant(tenant('eu-1'), member('eu-1', 'ada'));
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await stores.eu.findTenant('eu-1')).toBeUndefined();
    await expect(
      store.transaction(async (tx) => {
        await tx.createTenant(tenant('eu-2'), member('eu-2', 'ada'));
        await tx.createTenant(tenant('us-2'), member('us-2', 'ada'));
      }),
    ).rejects.toSatisfy(isConfigurationError);
    expect(await stores.eu.findTenant('eu-2')).toBeUndefined();
    expect(await stores.us.findTenant('us-2')).toBeUndefined();
  });

  it('refuses a cross-region operation in a lazy transaction before it opens, as after (never a fan-out outside it)', async () => {
    const { store } = world();
    await expect(store.transaction((tx) => tx.findInvitationBySelector('nope'))).rejects.toSatisfy(isConfigurationError);
    await expect(store.transaction((tx) => tx.prune({ now: createdAt }))).rejects.toSatisfy(isConfigurationError);
    await expect(
      store.transaction(async (tx) => {
        await tx.createTenant(tenant('eu-3'), member('eu-3', 'ada'));
        return tx.prune({ now: createdAt });
      }),
    ).rejects.toSatisfy(isConfigurationError);
  });

  it("serves a read of another region's tenant inside a transaction from that region", async () => {
    const { store } = world();
    await seed(store, ['eu-1', 'us-1'], 'ada');
    await store.transaction(
      async (tx) => {
        await tx.insertMembership(member('eu-1', 'bob', 'member'));
        expect((await tx.findMembership('us-1', 'ada'))?.role).toBe('owner');
        expect(await tx.findMembership('us-1', 'bob')).toBeUndefined();
      },
      { tenantId: 'eu-1' },
    );
  });

  it('counts rate limits in the home region', async () => {
    const { store, stores } = world();
    const hit = { key: 'login:ada', windowStart: createdAt, limit: 1, cost: 1, expiresAt: new Date(createdAt.getTime() + 60_000) };
    expect((await store.hitRateLimit(hit)).allowed).toBe(true);
    expect((await stores.eu.hitRateLimit(hit)).allowed).toBe(false);
    expect((await stores.us.hitRateLimit(hit)).allowed).toBe(true);
  });
});
