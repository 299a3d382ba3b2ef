import { describe, expect, it } from 'vitest';
import { ActorNotAllowedError, isActorNotAllowedError, systemActor } from 'tenantry';
import { countingStore } from 'tenantry/testing';
import { memoryStore } from 'tenantry/memory';
import { entitlementWorld } from '../../support/entitlements.js';

/** The ActorNotAllowedError `promise` rejects with. */
async function notAllowed(promise: Promise<unknown>, required: 'system' | 'user'): Promise<void> {
  const error = await promise.then(
    () => new Error('expected ActorNotAllowedError, the call resolved'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ActorNotAllowedError);
  expect(isActorNotAllowedError(error)).toBe(true);
  expect(error).toMatchObject({ code: 'actor_not_allowed', status: 403, required });
}

describe('operations that need the other kind of actor', () => {
  it('provisioning by a user scope (even the owner) is ActorNotAllowedError, before storage, whatever the tenant id', async () => {
    const store = countingStore(memoryStore());
    const { owner, tenantId, tenantry } = await entitlementWorld({ store });
    const grantsBefore = await store.readGrants(tenantId);
    for (const scope of [owner, tenantry.forRequest({ userId: 'mallory' })]) {
      for (const id of [tenantId, 'not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
        store.reset();
        await notAllowed(scope.provisioning.assignPackage({ tenantId: id, packageKey: 'pro' }), 'system');
        await notAllowed(scope.provisioning.cancelPackage({ tenantId: id, packageKey: 'free' }), 'system');
        await notAllowed(scope.provisioning.addBoost({ tenantId: id, featureKey: 'seats', amount: 1 }), 'system');
        await notAllowed(scope.provisioning.setNamespaceLimit({ tenantId: id, namespace: 'ns', featureKey: 'seats', limit: 1 }), 'system');
        await notAllowed(scope.provisioning.alerts({ tenantId: id }), 'system');
        expect(store.total() + store.counts.transaction).toBe(0);
      }
    }
    expect(await store.readGrants(tenantId)).toEqual(grantsBefore);
  });

  it('members.leave by a system scope is ActorNotAllowedError, before storage', async () => {
    const store = countingStore(memoryStore());
    const { tenantry, tenantId, owner } = await entitlementWorld({ store });
    const system = tenantry.as(systemActor('ops'));
    for (const id of [tenantId, 'not-a-uuid']) {
      store.reset();
      await notAllowed(system.members.leave({ tenantId: id }), 'user');
      expect(store.total() + store.counts.transaction).toBe(0);
    }
    expect((await owner.members.list({ tenantId })).items.map((m) => m.userId)).toEqual(['owner']);
  });

  it('a user creates only tenants they own: naming another owner is ActorNotAllowedError, nothing is created', async () => {
    const store = countingStore(memoryStore());
    const { tenantry } = await entitlementWorld({ store });
    store.reset();
    await notAllowed(tenantry.forRequest({ userId: 'ada' }).tenants.create({ ownerId: 'bob' }), 'system');
    expect(store.total() + store.counts.transaction).toBe(0);
    expect(await store.listMembershipsOfUser('bob')).toEqual([]);
  });

  it('a system actor belongs to no tenant: its switcher is empty, without a query', async () => {
    const store = countingStore(memoryStore());
    const { tenantry } = await entitlementWorld({ store });
    store.reset();
    expect(await tenantry.as(systemActor('ops')).tenants.mine()).toEqual({ items: [], nextCursor: null });
    expect(store.total()).toBe(0);
  });

  it('the same system scope provisions, and a user scope reads what it did', async () => {
    const { tenantry, owner, tenantId } = await entitlementWorld();
    const ops = tenantry.as(systemActor('ops'));
    await ops.provisioning.assignPackage({ tenantId, packageKey: 'pro' });
    expect(await owner.usage.check({ tenantId, featureKey: 'sso' })).toMatchObject({ allowed: true });
  });
});
