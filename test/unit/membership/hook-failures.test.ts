import { describe, expect, it, vi } from 'vitest';
import { createTenantry, defaultDisabledReason, systemActor, type ErrorHookContext, type InvalidationBus } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { capabilities, roles, setup, tenantWith } from '../../support/catalog.js';
import { billing, packages } from '../../support/entitlements.js';

/**
 * An `onError` that records what it receives, with a barrier: `until(n)`
 * resolves once `n` failures have been reported (effects whose promise
 * rejects report a few ticks after the change resolved).
 */
function recorder() {
  const reported: { error: unknown; context: ErrorHookContext }[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  const onError = (error: unknown, context: ErrorHookContext) => {
    reported.push({ error, context });
    for (const waiter of waiting.filter((w) => reported.length >= w.count)) waiter.resolve();
  };
  const until = (count: number) => (reported.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ count, resolve })));
  const sources = () => reported.map(({ error, context }) => [error, context.source]);
  return { reported, onError, until, sources };
}

/** A bus whose publish fails: by throwing, or by returning a rejected promise. */
function failingBus(failure: Error, how: 'throws' | 'rejects'): InvalidationBus {
  return {
    publish: () => {
      if (how === 'throws') throw failure;
      return Promise.reject(failure);
    },
    subscribe: () => () => undefined,
  };
}

describe('a throwing formatDisabledReason', () => {
  it('falls back to the default tooltip and reports the failure to onError', async () => {
    const failure = new Error('i18n catalog missing');
    const { reported, onError } = recorder();
    const { tenantry } = setup({
      formatDisabledReason: () => {
        throw failure;
      },
      onError,
    });
    const tenantId = await tenantWith(tenantry, 'alice', { olga: 'operator' });
    const state = await tenantry.forRequest({ userId: 'olga' }).actionState(tenantId, 'billing.read');
    expect(state).toEqual({ visible: true, disabled: true, reason: defaultDisabledReason({ capability: 'billing.read', role: 'operator' }) });
    expect(reported).toEqual([{ error: failure, context: { source: 'formatDisabledReason' } }]);
  });

  it('treats a formatter that returns no string like one that throws', async () => {
    const { reported, onError } = recorder();
    const { tenantry } = setup({ formatDisabledReason: (() => undefined) as never, onError });
    const tenantId = await tenantWith(tenantry, 'alice', { olga: 'operator' });
    const state = await tenantry.forRequest({ userId: 'olga' }).actionState(tenantId, 'billing.read');
    expect(state.reason).toBe(defaultDisabledReason({ capability: 'billing.read', role: 'operator' }));
    expect(reported.map(({ error, context }) => [error instanceof TypeError, context.source])).toEqual([[true, 'formatDisabledReason']]);
  });

  it('still resolves when onError throws too', async () => {
    const { tenantry } = setup({
      formatDisabledReason: () => {
        throw new Error('formatter down');
      },
      onError: () => {
        throw new Error('logger down');
      },
    });
    const tenantId = await tenantWith(tenantry, 'alice', { olga: 'operator' });
    await expect(tenantry.forRequest({ userId: 'olga' }).actionState(tenantId, 'billing.read')).resolves.toMatchObject({ disabled: true });
  });

  it('goes to console.error when no onError is configured', async () => {
    // The test setup fails on console output; this spy replaces its recorder for this test only.
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const failure = new Error('formatter down');
    const { tenantry } = setup({
      formatDisabledReason: () => {
        throw failure;
      },
    });
    const tenantId = await tenantWith(tenantry, 'alice', { olga: 'operator' });
    await tenantry.forRequest({ userId: 'olga' }).actionState(tenantId, 'billing.read');
    expect(printed.mock.calls).toEqual([['tenantry: formatDisabledReason failed', failure]]);
  });
});

describe('after-commit effects that fail', () => {
  it.each(['throws', 'rejects'] as const)(
    'a bus whose publish %s never fails the committed membership change; each failure goes to onError as bus.publish',
    async (how) => {
      const failure = new Error('bus down');
      const { onError, until, sources } = recorder();
      const { tenantry, store } = setup({ cache: { memberships: { max: 100, ttlMs: 60_000 }, bus: failingBus(failure, how) }, onError });
      const alice = tenantry.forRequest({ userId: 'alice' });
      const { tenant } = await alice.tenants.create();
      const tenantId = tenant.id;
      await expect(alice.members.add({ tenantId, userId: 'bob', role: 'readonly' })).resolves.toMatchObject({ userId: 'bob' });
      await expect(alice.members.changeRole({ tenantId, userId: 'bob', role: 'operator' })).resolves.toMatchObject({ role: 'operator' });
      await expect(alice.members.remove({ tenantId, userId: 'bob' })).resolves.toMatchObject({ userId: 'bob' });
      await until(4);
      expect(sources()).toEqual([
        [failure, 'bus.publish'],
        [failure, 'bus.publish'],
        [failure, 'bus.publish'],
        [failure, 'bus.publish'],
      ]);
      // Each change was committed exactly once: no retry was needed, and none would have been right.
      expect(await store.findMembership(tenantId, 'bob')).toBeUndefined();
      const { items } = await alice.audit.list({ tenantId });
      expect(items.map((e) => e.action)).toEqual(['tenant_membership.remove', 'tenant_membership.role_change', 'tenant_membership.add', 'tenant.create']);
    },
  );

  it('the local cache is dropped before the bus fails: the change is visible at once', async () => {
    const { onError, sources } = recorder();
    const failure = new Error('bus down');
    const { tenantry } = setup({ cache: { memberships: { max: 100, ttlMs: 60_000 }, bus: failingBus(failure, 'throws') }, onError });
    const tenantId = await tenantWith(tenantry, 'alice', { bob: 'readonly' });
    expect(await tenantry.forRequest({ userId: 'bob' }).can(tenantId, 'project.write')).toBe(false);
    await tenantry.forRequest({ userId: 'alice' }).members.changeRole({ tenantId, userId: 'bob', role: 'operator' });
    expect(await tenantry.forRequest({ userId: 'bob' }).can(tenantId, 'project.write')).toBe(true);
    expect(sources().every(([, source]) => source === 'bus.publish')).toBe(true);
  });

  it.each(['throws', 'rejects'] as const)('a bus whose publish %s never fails a committed provisioning change', async (how) => {
    const failure = new Error('bus down');
    const { onError, until, sources } = recorder();
    const tenantry = createTenantry({
      capabilities,
      roles,
      store: memoryStore(),
      entitlements: { packages },
      cache: { grants: { max: 100, ttlMs: 60_000 }, bus: failingBus(failure, how) },
      onError,
    });
    const system = tenantry.as(billing);
    const { tenant } = await system.tenants.create({ ownerId: 'alice' });
    await expect(system.provisioning.assignPackage({ tenantId: tenant.id, packageKey: 'pro' })).resolves.toMatchObject({ packageKey: 'pro' });
    await until(2);
    expect(sources()).toEqual([
      [failure, 'bus.publish'],
      [failure, 'bus.publish'],
    ]);
    // The grants cache of this instance was dropped anyway: the new plan applies at once.
    expect((await system.usage.check({ tenantId: tenant.id, featureKey: 'sso' })).allowed).toBe(true);
  });

  it.each(['throws', 'rejects'] as const)(
    'an onAlert hook that %s never undoes or fails the consumption; the failure goes to onError as onAlert',
    async (how) => {
      const failure = new Error('pager down');
      const { onError, until, sources } = recorder();
      const tenantry = createTenantry({
        capabilities,
        roles,
        store: memoryStore(),
        entitlements: {
          packages,
          onAlert: () => {
            if (how === 'throws') throw failure;
            return Promise.reject(failure);
          },
        },
        onError,
      });
      const system = tenantry.as(billing);
      const { tenant } = await system.tenants.create({ ownerId: 'alice' });
      const tenantId = tenant.id;
      await system.provisioning.assignPackage({ tenantId, packageKey: 'free' });
      const alice = tenantry.forRequest({ userId: 'alice' });
      // 999 of 1000: crosses the 90% threshold, so the hook runs.
      await expect(alice.usage.consume({ tenantId, featureKey: 'api.requests', amount: 999 })).resolves.toMatchObject({ allowed: true, used: 999 });
      await until(1);
      expect(sources()).toEqual([[failure, 'onAlert']]);
      // Counted once: a retry was never needed (and would have counted twice).
      const report = await alice.usage.report({ tenantId });
      expect(report.features.find((usage) => usage.featureKey === 'api.requests')?.used).toBe(999);
      expect((await system.provisioning.alerts({ tenantId })).items).toMatchObject([{ featureKey: 'api.requests', threshold: 90 }]);
    },
  );

  it.each(['throws', 'rejects'] as const)('an onDenied hook that %s never changes a decision; the failure goes to onError as onDenied', async (how) => {
    const failure = new Error('logger down');
    const { onError, until, sources } = recorder();
    const { tenantry } = setup({
      onDenied: () => {
        if (how === 'throws') throw failure;
        return Promise.reject(failure);
      },
      onError,
    });
    const tenantId = await tenantWith(tenantry, 'alice', { olga: 'operator' });
    await expect(tenantry.forRequest({ userId: 'eve' }).check(tenantId, 'tenant.read')).resolves.toMatchObject({ allowed: false, status: 404 });
    await expect(tenantry.forRequest({ userId: 'olga' }).check(tenantId, 'billing.read')).resolves.toMatchObject({ allowed: false, status: 403 });
    await expect(tenantry.forRequest({ userId: 'eve' }).isMember(tenantId)).resolves.toBe(false);
    await expect(tenantry.forRequest({ userId: 'olga' }).authorize(tenantId, 'billing.read')).rejects.toMatchObject({ code: 'forbidden' });
    await until(4);
    expect(sources()).toEqual([
      [failure, 'onDenied'],
      [failure, 'onDenied'],
      [failure, 'onDenied'],
      [failure, 'onDenied'],
    ]);
  });

  it('tenant creation by a system actor with a failing bus resolves with the tenant it committed', async () => {
    const failure = new Error('bus down');
    const { onError, sources } = recorder();
    const { tenantry, store } = setup({ cache: { memberships: { max: 10, ttlMs: 60_000 }, bus: failingBus(failure, 'throws') }, onError });
    const { tenant } = await tenantry.as(systemActor('signup')).tenants.create({ ownerId: 'alice' });
    expect(await store.findTenant(tenant.id)).toMatchObject({ id: tenant.id });
    expect(await store.listMembershipsOfUser('alice')).toHaveLength(1);
    expect(sources()).toEqual([[failure, 'bus.publish']]);
  });
});
