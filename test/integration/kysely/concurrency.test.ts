import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { kyselyStore } from '../../../src/kysely.js';
import type { GuardedWriteResult, NewMembership } from '../../../src/store/records.js';
import type { Store } from '../../../src/store/store.js';
import { describeSqlDatabases } from '../../support/databases.js';

/**
 * Many connections race to take the owner role away from every owner of many
 * tenants at once; the last-owner guard must hold on every dialect.
 */
const CONNECTIONS = 16;
const TENANTS = 24;
const OWNERS = ['a', 'b', 'c'] as const;
const ROUNDS = 3;
const at = new Date('2024-05-01T12:00:00.000Z');

function membership(tenantId: string, userId: string, role: string): NewMembership {
  return { id: randomUUID(), tenantId, userId, role, createdByType: 'system', createdBy: 'system:race', createdAt: at, source: 'system' };
}

/** One way of taking the owner role away, chosen per owner so demotions, removals and transactions interleave. */
const attacks: readonly ((store: Store, tenantId: string, userId: string) => Promise<GuardedWriteResult>)[] = [
  (store, tenantId, userId) => store.updateMembershipRole({ tenantId, userId, role: 'member', ownerRole: 'owner' }),
  (store, tenantId, userId) => store.deleteMembership({ tenantId, userId, ownerRole: 'owner' }),
  // A service-style transaction: authorise by reading first, then write.
  (store, tenantId, userId) =>
    store.transaction(async (tx) => {
      await tx.findMembership(tenantId, userId);
      return tx.updateMembershipRole({ tenantId, userId, role: 'member', ownerRole: 'owner' });
    }),
];

async function race(stores: readonly Store[]): Promise<void> {
  const [setup] = stores;
  if (setup === undefined) throw new Error('no store');
  const tenantIds = Array.from({ length: TENANTS }, () => `race-${randomUUID()}`);
  for (const tenantId of tenantIds) {
    await setup.createTenant({ id: tenantId, createdByType: 'system', createdBy: 'system:race', createdAt: at }, membership(tenantId, OWNERS[0], 'owner'));
    for (const userId of OWNERS.slice(1)) await setup.insertMembership(membership(tenantId, userId, 'owner'));
  }
  let next = 0;
  const results = await Promise.all(
    tenantIds.map((tenantId) =>
      Promise.all(
        OWNERS.map((userId, index) => {
          const store = stores[next++ % stores.length] ?? setup;
          const attack = attacks[index % attacks.length];
          if (attack === undefined) throw new Error('no attack');
          return attack(store, tenantId, userId);
        }),
      ),
    ),
  );
  for (const [index, tenantId] of tenantIds.entries()) {
    const outcomes = (results[index] ?? []).map((r) => r.outcome).sort();
    expect(outcomes, tenantId).toEqual(['applied', 'applied', 'last_owner']);
    const owners = (await setup.listMembers(tenantId, { limit: 10 })).filter((m) => m.role === 'owner');
    expect(owners, tenantId).toHaveLength(1);
  }
}

await describeSqlDatabases(['postgres', 'mysql'], (database) => {
  it(`keeps an owner in every tenant with ${CONNECTIONS} pooled connections racing`, async () => {
    const store = kyselyStore(database.connect({ maxConnections: CONNECTIONS }));
    for (let round = 0; round < ROUNDS; round += 1) await race([store]);
  }, 60_000);
});

await describeSqlDatabases(['sqlite-file'], (database) => {
  it('keeps an owner in every tenant with separate connections racing on one file', async () => {
    // Separate connections, as separate processes would have: writers wait for
    // each other's immediate transactions instead of failing with SQLITE_BUSY.
    const stores = Array.from({ length: 8 }, () => kyselyStore(database.connect()));
    for (let round = 0; round < ROUNDS; round += 1) await race(stores);
  }, 60_000);
});
