import { describe, expect, it } from 'vitest';
import { ActorNotAllowedError } from 'tenantry';
import { bootstrap, setup, tenantWith } from '../../support/catalog.js';

describe('scope.tenantIds()', () => {
  it('lists the active tenants of the actor, leaving out archived and left ones, in id order', async () => {
    const { tenantry } = setup();
    const ids = await Promise.all(['o1', 'o2', 'o3'].map((owner) => tenantWith(tenantry, owner, { mia: 'readonly' })));
    const [first, second, third] = ids as [string, string, string];
    await tenantry.as(bootstrap).tenants.archive({ tenantId: second });
    await tenantry.forRequest({ userId: 'mia' }).members.leave({ tenantId: third });
    expect(await tenantry.forRequest({ userId: 'mia' }).tenantIds()).toEqual([first]);
    expect(await tenantry.forRequest({ userId: 'o2' }).tenantIds()).toEqual([]);
    expect(await tenantry.forRequest({ userId: 'nobody' }).tenantIds()).toEqual([]);
  });

  it('is one store query however many tenants, with no lookup per tenant', async () => {
    const { tenantry, store } = setup();
    const ids = await Promise.all(['o1', 'o2', 'o3', 'o4'].map((owner) => tenantWith(tenantry, owner, { mia: 'readonly' })));
    await tenantry.as(bootstrap).tenants.archive({ tenantId: ids[1]! });
    store.reset();
    expect(await tenantry.forRequest({ userId: 'mia' }).tenantIds()).toEqual([...ids].sort().filter((id) => id !== ids[1]));
    expect(store.counts.listActiveMembershipsOfUser).toBe(1);
    expect(store.total()).toBe(1);
  });

  it('agrees with tenants.mine() on an archived tenant', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'olivia', { mia: 'manager' });
    await tenantry.as(bootstrap).tenants.archive({ tenantId });
    const scope = tenantry.forRequest({ userId: 'mia' });
    await scope.tenants.mine();
    expect(await scope.tenantIds()).toEqual([]);
  });

  it('refuses a system actor', async () => {
    const { tenantry } = setup();
    await expect(tenantry.as(bootstrap).tenantIds()).rejects.toBeInstanceOf(ActorNotAllowedError);
  });
});
