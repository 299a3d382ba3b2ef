import { expect, it } from 'vitest';
import { isTenantArchivedError, NotFoundError, systemActor, TenantArchivedError } from 'tenantry';
import { DATABASE_NAMES, describeDatabases } from '../../support/databases.js';
import { entitlementWorld } from '../../support/entitlements.js';

/** Entitlement consumption in an archived tenant is refused for every actor, the system actor included, on every store. */
await describeDatabases(DATABASE_NAMES, (database) => {
  it('refuses consumption in an archived tenant for members (404) and the system actor (TenantArchivedError), counting nothing; restore allows it again', async () => {
    const { tenantry, system, tenantId } = await entitlementWorld({ store: database.store(), plan: 'pro' });
    await system.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 10, idempotencyKey: 'before-archive' });
    await system.tenants.archive({ tenantId });
    const used = async () => (await system.usage.report({ tenantId })).features.find((f) => f.featureKey === 'ai.tokens')?.used;
    expect(await used()).toBe(10);

    const refusal = system.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 1 });
    await expect(refusal).rejects.toThrow(TenantArchivedError);
    await expect(refusal).rejects.toMatchObject({ code: 'tenant_archived', status: 409 });
    await expect(system.usage.tryConsume({ tenantId, featureKey: 'ai.tokens', amount: 1 })).rejects.toSatisfy(isTenantArchivedError);
    // A key recorded before the archive is no way around it.
    await expect(system.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 10, idempotencyKey: 'before-archive' })).rejects.toThrow(
      TenantArchivedError,
    );
    // Any system actor, not only the one that archived it.
    await expect(tenantry.as(systemActor('worker')).usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 1, namespace: 'team' })).rejects.toThrow(
      TenantArchivedError,
    );
    await expect(tenantry.forRequest({ userId: 'owner' }).usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 1 })).rejects.toThrow(NotFoundError);
    expect(await used()).toBe(10);

    await system.tenants.restore({ tenantId });
    expect(await tenantry.forRequest({ userId: 'owner' }).usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 1 })).toMatchObject({
      allowed: true,
      used: 11,
    });
  });
});
