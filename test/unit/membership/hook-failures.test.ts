import { describe, expect, it, vi } from 'vitest';
import { defaultDisabledReason, type ErrorHookContext, type InvalidationBus } from 'tenantry';
import { setup, tenantWith } from '../../support/catalog.js';

const user = (userId: string) => ({ type: 'user', userId }) as const;

/** An `onError` that records what it receives. */
function recorder() {
  const reported: { error: unknown; context: ErrorHookContext }[] = [];
  return { reported, onError: (error: unknown, context: ErrorHookContext) => reported.push({ error, context }) };
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

describe('after-commit effects that throw', () => {
  it('never fail the committed membership change; the failure goes to onError', async () => {
    const failure = new Error('bus down');
    const bus: InvalidationBus = {
      publish: () => {
        throw failure;
      },
      subscribe: () => () => undefined,
    };
    const { reported, onError } = recorder();
    const { tenantry, store } = setup({ cache: { max: 100, ttlMs: 60_000 }, invalidationBus: bus, onError });
    const { tenant } = await tenantry.tenants.create({ ownerId: 'alice' });
    await expect(tenantry.members.add({ actor: user('alice'), tenantId: tenant.id, userId: 'bob', role: 'readonly' })).resolves.toMatchObject({ userId: 'bob' });
    await expect(tenantry.members.changeRole({ actor: user('alice'), tenantId: tenant.id, userId: 'bob', role: 'operator' })).resolves.toMatchObject({ role: 'operator' });
    expect((await store.findMembership(tenant.id, 'bob'))?.role).toBe('operator');
    // The local cache was dropped before the bus failed: the change is visible at once.
    expect(await tenantry.forRequest({ userId: 'bob' }).can(tenant.id, 'project.write')).toBe(true);
    expect(reported.map(({ error, context }) => [error, context.source])).toEqual([
      [failure, 'membership.changed'],
      [failure, 'membership.changed'],
      [failure, 'membership.changed'],
    ]);
  });
});
