import { describe, expect, it, vi } from 'vitest';
import { createTenantry, isConfigurationError, systemActor } from 'tenantry';
import { postgresInvalidationBus, redisInvalidationBus, type PgPoolLike } from 'tenantry/buses';
import { memoryStore } from 'tenantry/memory';
import { networkBus } from '../../../src/adapters/buses/network-bus.js';
import { countingStore } from '../../../src/testing.js';
import { capabilities, roles } from '../../support/catalog.js';
import { packages } from '../../support/entitlements.js';
import { MemoryBroker } from '../../support/memory-transport.js';

const timing = { heartbeatMs: 20, probeTimeoutMs: 30, reconnectMinMs: 1, reconnectMaxMs: 5, maxPayloadBytes: 7900 };
const billing = systemActor('billing');

async function up(bus: { readonly status: string }): Promise<void> {
  await vi.waitFor(
    () => {
      if (bus.status !== 'up') throw new Error('bus not up');
    },
    { timeout: 2000, interval: 2 },
  );
}

describe('tenantry on a network bus', () => {
  it('carries grants invalidations to the other instance, and suspends the grants cache while down', async () => {
    const store = countingStore(memoryStore());
    const broker = new MemoryBroker();
    const buses = [networkBus(broker.transport(0), timing), networkBus(broker.transport(1), timing)] as const;
    const errors: string[] = [];
    const make = (bus: (typeof buses)[number]) =>
      createTenantry({
        store,
        capabilities,
        roles,
        entitlements: { packages },
        cache: { grants: { max: 100, ttlMs: 3_600_000 }, bus },
        onError: (_error, { source }) => errors.push(source),
      });
    const a = make(buses[0]);
    const b = make(buses[1]);
    await Promise.all(buses.map(up));
    const { tenant } = await a.as(billing).tenants.create({ ownerId: 'owner' });
    await a.as(billing).provisioning.assignPackage({ tenantId: tenant.id, packageKey: 'free' });
    const used = async () => (await b.as(billing).usage.tryConsume({ tenantId: tenant.id, featureKey: 'seats', amount: 1 })).allowed;
    expect(await used()).toBe(true); // b caches the free plan's grants (3 seats)
    const reads = () => store.counts.readGrants;
    const before = reads();
    expect(await used()).toBe(true);
    expect(reads()).toBe(before); // served from b's grants cache

    await a.as(billing).provisioning.cancelPackage({ tenantId: tenant.id, packageKey: 'free' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(await used()).toBe(false); // the cancellation reached b: no plan, no seats

    broker.refuse.add(1);
    broker.cut(1);
    expect(errors).toContain('bus.connection');
    const whileDown = reads();
    await used();
    await used();
    expect(reads()).toBe(whileDown + 2); // nothing served from the cache while down
    broker.refuse.delete(1);
    await up(buses[1]);
    await Promise.all([a.close(), b.close()]);
    expect(broker.connections(0) + broker.connections(1)).toBe(0);
  });

  it('close() resolves once the bus let go of its connection', async () => {
    const broker = new MemoryBroker();
    const bus = networkBus(broker.transport(0), timing);
    const tenantry = createTenantry({ store: memoryStore(), capabilities, roles, cache: { memberships: { max: 10, ttlMs: 1000 }, bus } });
    await up(bus);
    expect(broker.connections(0)).toBe(1);
    await tenantry.close();
    expect(broker.connections(0)).toBe(0);
    expect(bus.status).toBe('down');
  });

  it('the bus factories refuse bad options with ConfigurationError naming them', () => {
    const pool: PgPoolLike = { connect: () => Promise.reject(new Error('unused')), query: () => Promise.resolve() };
    expect(() => postgresInvalidationBus({ pool, channel: 'Bad-Channel' })).toThrow(/channel/);
    expect(() => postgresInvalidationBus({ pool: {} as PgPoolLike })).toThrow(/pool/);
    expect(() => redisInvalidationBus({ client: {} as never })).toThrow(/client/);
    expect(() => postgresInvalidationBus({ pool, heartbeatMs: 0 })).toThrow(/heartbeatMs/);
    try {
      postgresInvalidationBus({ pool, extra: true } as never);
      expect.unreachable();
    } catch (error) {
      expect(isConfigurationError(error)).toBe(true);
    }
  });
});
