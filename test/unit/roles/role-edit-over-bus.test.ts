import { expect, it, vi } from 'vitest';
import { createTenantry, tenantRole, type InvalidationMessage, type Store } from 'tenantry';
import { networkBus } from '../../../src/adapters/buses/network-bus.js';
import { barrier } from '../../../src/testing/conformance/barrier.js';
import { countingStore } from '../../../src/testing.js';
import { describeDatabases } from '../../support/databases.js';
import { MemoryBroker } from '../../support/memory-transport.js';
import { bootstrap, capabilities, roles } from './role-catalog.js';

const timing = { heartbeatMs: 20, probeTimeoutMs: 30, reconnectMinMs: 1, reconnectMaxMs: 5, maxPayloadBytes: 7900 };
const cache = { max: 1000, ttlMs: 3_600_000 };
const CHECKERS = 40;

async function up(bus: { readonly status: string }): Promise<void> {
  await vi.waitFor(
    () => {
      if (bus.status !== 'up') throw new Error('bus not up');
    },
    { timeout: 2000, interval: 2 },
  );
}

/** Two instances over one store and a memory-transport bus, each with the cross-request membership cache. */
async function twoInstances(shared: Store) {
  const broker = new MemoryBroker();
  const buses = [networkBus(broker.transport(0), timing), networkBus(broker.transport(1), timing)] as const;
  const storeB = countingStore(shared);
  const options = { capabilities, roles, manageMembers: 'members.manage' as const, manageRoles: 'roles.manage' as const };
  const a = createTenantry({ ...options, store: shared, cache: { memberships: cache, bus: buses[0] } });
  const b = createTenantry({ ...options, store: storeB, cache: { memberships: cache, bus: buses[1] } });
  await Promise.all(buses.map(up));
  // Resolves once B's bus delivered a membership message for the tenant (its own listener, subscribed after B's, runs after it).
  const delivered = (tenantId: string) =>
    new Promise<void>((resolve) => {
      const stop = buses[1].subscribe((message: InvalidationMessage) => {
        if (message.topic === 'membership' && message.tenantId === tenantId) {
          void stop();
          resolve();
        }
      });
    });
  return { a, b, storeB, delivered, close: () => Promise.all([a.close(), b.close()]) };
}

await describeDatabases(['memory', 'sqlite-memory', 'postgres'], (database) => {
  it('a role edit racing checks on another instance: once committed and delivered, no check there answers from the old role', async () => {
    const { a, b, delivered, close } = await twoInstances(database.store());
    try {
      const { tenant } = await a.as(bootstrap).tenants.create({ ownerId: 'alice' });
      const tenantId = tenant.id;
      const owner = a.forRequest({ userId: 'alice' });
      await owner.roles.create({ tenantId, name: 'auditor', capabilities: ['audit.read'] });
      const users = Array.from({ length: CHECKERS }, (_, i) => `aud${i}`);
      for (const userId of users) await owner.members.add({ tenantId, userId, role: tenantRole('auditor') });
      const check = (userId: string) => b.forRequest({ userId }).can(tenantId, 'audit.read');
      // B caches every member's access with the old role.
      expect(await Promise.all(users.map(check))).toEqual(users.map(() => true));

      // Checks on B race the edit on A: every one may answer either way while the edit is in flight...
      const arrived = delivered(tenantId);
      const racing = Promise.all(users.map(async (userId) => [await check(userId), await check(userId)]));
      await owner.roles.update({ tenantId, name: 'auditor', capabilities: ['billing.read'] });
      await racing;
      await arrived;
      // ...but after the commit and the delivery, none answers from the old role, on either instance.
      for (const instance of [a, b]) {
        const answers = await Promise.all(users.map((userId) => instance.forRequest({ userId }).access(tenantId)));
        expect(answers.map((access) => [access.can('audit.read'), access.can('billing.read')])).toEqual(users.map(() => [false, true]));
      }
    } finally {
      await close();
    }
  });

  it('a lookup on the other instance that read the old role before the edit does not put it back in the cache', async () => {
    const { a, b, storeB, delivered, close } = await twoInstances(database.store());
    try {
      const { tenant } = await a.as(bootstrap).tenants.create({ ownerId: 'alice' });
      const tenantId = tenant.id;
      const owner = a.forRequest({ userId: 'alice' });
      await owner.roles.create({ tenantId, name: 'auditor', capabilities: ['audit.read'] });
      await owner.members.add({ tenantId, userId: 'aud', role: tenantRole('auditor') });

      // B's lookup reads the role definitions, then stalls until the edit committed and reached B.
      const read = barrier();
      const resume = barrier();
      const list = storeB.listTenantRoles.bind(storeB);
      storeB.listTenantRoles = async (id) => {
        const roles = await list(id);
        read.open();
        await resume.reached;
        return roles;
      };
      const stale = b.forRequest({ userId: 'aud' }).can(tenantId, 'audit.read');
      await read.reached;
      const arrived = delivered(tenantId);
      await owner.roles.update({ tenantId, name: 'auditor', capabilities: ['billing.read'] });
      await arrived;
      storeB.listTenantRoles = list;
      resume.open();
      // The stalled request answers from what it read (the old role)...
      expect(await stale).toBe(true);
      // ...and the next request does not: the invalidation kept that answer out of the cache.
      expect(await b.forRequest({ userId: 'aud' }).can(tenantId, 'audit.read')).toBe(false);
      expect(await b.forRequest({ userId: 'aud' }).can(tenantId, 'billing.read')).toBe(true);
    } finally {
      await close();
    }
  });
});
