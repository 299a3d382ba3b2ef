import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTenantry, isLimitExceededError, isNotFoundError, systemActor, type Store } from 'tenantry';
import { kyselyStore } from '../../../src/kysely.js';
import { capabilities, roles } from '../../unit/invitations/invitation-catalog.js';
import { packages } from '../../../examples/plans.js';
import { describeSqlDatabases } from '../../support/databases.js';
import type { TestKysely } from '../../support/db-config.js';

/**
 * `tenants.delete` races inserts naming the tenant (members.add, consume
 * with an idempotency key, invitations.create) over 16 connections. After
 * every round either the tenant exists and its rows agree with the writes
 * that succeeded, or no row of it is left in any tenant-scoped table.
 */
const CONNECTIONS = 16;
const ROUNDS = 8;
const DAY = 86_400_000;

/** Every table holding rows of one tenant, by its tenant column (the audit log is kept on purpose). */
const TENANT_TABLES = [
  ['tenants', 'id'],
  ['memberships', 'tenant_id'],
  ['package_assignments', 'tenant_id'],
  ['boosts', 'tenant_id'],
  ['namespace_limits', 'tenant_id'],
  ['usage_counters', 'tenant_id'],
  ['usage_alerts', 'tenant_id'],
  ['idempotency_keys', 'tenant_id'],
  ['billing_cycles', 'tenant_id'],
  ['invitations', 'tenant_id'],
  ['webhook_endpoints', 'tenant_id'],
  ['webhook_deliveries', 'tenant_id'],
] as const;

function instance(store: Store) {
  return createTenantry({
    capabilities,
    roles,
    store,
    manageMembers: 'membership.manage',
    entitlements: { packages, seats: 'seats' },
    invitations: { attempts: { limit: 1_000_000, windowMs: DAY }, resends: { limit: 1_000_000, windowMs: DAY } },
  });
}
type Instance = ReturnType<typeof instance>;

async function rowsOf(db: TestKysely, tenantId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [table, column] of TENANT_TABLES) {
    const row = await db
      .selectFrom(`tenantry_${table}` as never)
      .select(sql<number>`count(*)`.as('n'))
      .where(sql.ref(column), '=', tenantId)
      .executeTakeFirstOrThrow();
    counts[table] = Number((row as { n: unknown }).n);
  }
  return counts;
}

type Outcome = { readonly kind: 'member' | 'consume' | 'invite' | 'delete'; readonly ok: boolean };

async function round(instances: readonly Instance[], db: TestKysely, index: number): Promise<readonly Outcome[]> {
  const pick = (i: number) => instances[i % instances.length] as Instance;
  const system = pick(0).as(systemActor('race'));
  const { tenant } = await system.tenants.create({ ownerId: 'olga' });
  const tenantId = tenant.id;
  await system.provisioning.assignPackage({ tenantId, packageKey: 'pro' });
  // The delete goes out at a different position each round.
  const deleteAt = index % CONNECTIONS;
  const calls = Array.from({ length: CONNECTIONS }, async (_, i): Promise<Outcome> => {
    const owner = pick(i).forRequest({ userId: 'olga' });
    const kind = i === deleteAt ? 'delete' : (['member', 'consume', 'invite'] as const)[i % 3];
    try {
      if (kind === 'delete') await pick(i).as(systemActor('race')).tenants.delete({ tenantId });
      else if (kind === 'member') await owner.members.add({ tenantId, userId: `user-${index}-${i}`, role: 'member' });
      else if (kind === 'consume') await owner.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 5, idempotencyKey: `k-${i}` });
      else await owner.invitations.create({ tenantId, email: `u${i}-${index}@example.com`, role: 'member' });
      return { kind: kind ?? 'member', ok: true };
    } catch (error) {
      // The tenant was gone (or went while the write ran): refused, nothing written.
      if (isNotFoundError(error) || isLimitExceededError(error)) return { kind: kind ?? 'member', ok: false };
      throw error;
    }
  });
  const outcomes = await Promise.all(calls);
  expect(outcomes.find((o) => o.kind === 'delete')?.ok).toBe(true);
  const rows = await rowsOf(db, tenantId);
  // The delete succeeded: whatever ran before it was deleted with it, nothing after it got in.
  expect(rows).toEqual(Object.fromEntries(TENANT_TABLES.map(([table]) => [table, 0])));
  return outcomes;
}

/** Runs the rounds; across them the race really interleaved: some inserts landed before the delete, some were refused after it. */
async function race(instances: readonly Instance[], db: TestKysely): Promise<void> {
  const outcomes: Outcome[] = [];
  for (let i = 0; i < ROUNDS; i += 1) outcomes.push(...(await round(instances, db, i)));
  const inserts = outcomes.filter((o) => o.kind !== 'delete');
  expect(inserts.some((o) => o.ok)).toBe(true);
  expect(inserts.some((o) => !o.ok)).toBe(true);
}

await describeSqlDatabases(['postgres', 'mysql'], (database) => {
  it(`tenants.delete against members.add, consume and invitations.create over ${CONNECTIONS} pooled connections: no orphans, every round`, async () => {
    const store = kyselyStore(database.connect({ maxConnections: CONNECTIONS }));
    const instances = [instance(store)];
    await race(instances, database.db);
    await Promise.all(instances.map((tenantry) => tenantry.close()));
  }, 120_000);
});

await describeSqlDatabases(['sqlite-file'], (database) => {
  it('tenants.delete against members.add, consume and invitations.create over separate connections on one file: no orphans, every round', async () => {
    const instances = Array.from({ length: 8 }, () => instance(kyselyStore(database.connect())));
    await race(instances, database.db);
    await Promise.all(instances.map((tenantry) => tenantry.close()));
  }, 120_000);
});
