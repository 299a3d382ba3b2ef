import { describe, expect, it } from 'vitest';
import { createTenantry, systemActor } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { capabilities, roles } from '../../../examples/catalog.js';
import { packages } from '../../support/entitlements.js';
import { Effects } from '../../../src/services/effects/effects.js';
import type { InvalidationBus } from '../../../src/services/authz/invalidation-bus.js';

describe('tenantry.close()', () => {
  it('waits for an after-commit effect still running, then unsubscribes from the bus', async () => {
    const order: string[] = [];
    let finishAlert!: () => void;
    const bus: InvalidationBus = {
      publish: () => undefined,
      subscribe: () => () => {
        order.push('bus closed');
        return Promise.resolve();
      },
    };
    const tenantry = createTenantry({
      capabilities,
      roles,
      store: memoryStore(),
      cache: { memberships: { max: 10, ttlMs: 1000 }, bus },
      entitlements: {
        packages,
        onAlert: () =>
          new Promise<void>((resolve) => {
            finishAlert = () => {
              order.push('alert done');
              resolve();
            };
          }),
      },
    });
    const system = tenantry.as(systemActor('billing'));
    const { tenant } = await system.tenants.create({ ownerId: 'owner' });
    await system.provisioning.assignPackage({ tenantId: tenant.id, packageKey: 'free' });
    // 90% of the free plan's 1000 tokens: the 80% alert fires, and its hook hangs until released.
    await tenantry.forRequest({ userId: 'owner' }).usage.consume({ tenantId: tenant.id, featureKey: 'ai.tokens', amount: 900 });
    const closed = tenantry.close().then(() => order.push('closed'));
    await Promise.resolve();
    expect(order).toEqual([]);
    finishAlert();
    await closed;
    expect(order).toEqual(['alert done', 'bus closed', 'closed']);
  });

  it('gives up on an effect that hangs after the timeout, reporting false', async () => {
    const effects = new Effects(() => undefined);
    effects.run('test', () => new Promise(() => undefined));
    expect(await effects.drain(20)).toBe(false);
    const quick = new Effects(() => undefined);
    quick.run('test', () => Promise.resolve());
    expect(await quick.drain(1000)).toBe(true);
  });
});
