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

  it('is not fooled by a memo primed by tenants.mine(), which lists archived tenants too', async () => {
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
