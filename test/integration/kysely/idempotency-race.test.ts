import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { createTenantry, isIdempotencyConflictError, systemActor, type Store } from 'tenantry';
import { requestFingerprint } from '../../../src/integrations/http/request-fingerprint.js';
import { kyselyStore } from '../../../src/kysely.js';
import { capabilities, roles } from '../../../examples/catalog.js';
import { packages } from '../../../examples/plans.js';
import { describeSqlDatabases } from '../../support/databases.js';

const CONNECTIONS = 16;
const ROUNDS = 4;
const BODIES = [
  requestFingerprint('POST', '/tenants/:tenantId/ai', '{"tokens":5,"prompt":"a"}'),
  requestFingerprint('POST', '/tenants/:tenantId/ai', '{"tokens":5,"prompt":"b"}'),
];

/**
 * 16 requests carrying one Idempotency-Key with two different bodies (as the
 * HTTP guard fingerprints them) race over separate connections: exactly one
 * is counted and would run its handler; the others replay it (same body) or
 * conflict (the other body). Checked after every round.
 */
async function race(stores: readonly Store[]): Promise<void> {
  const instances = stores.map((store) => createTenantry({ store, capabilities, roles, entitlements: { packages } }));
  const [first] = instances;
  if (first === undefined) throw new Error('no store');
  const { tenant } = await first.as(systemActor('race')).tenants.create({ ownerId: 'alice' });
  await first.as(systemActor('race')).provisioning.assignPackage({ tenantId: tenant.id, packageKey: 'free' });
  for (let round = 0; round < ROUNDS; round += 1) {
    const key = randomUUID();
    const outcomes = await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, index) => {
        const scope = (instances[index % instances.length] ?? first).forRequest({ userId: 'alice' });
        const fingerprint = BODIES[index % 2] ?? '';
        try {
          const decision = await scope.usage.consume({ tenantId: tenant.id, featureKey: 'ai.tokens', amount: 5, idempotencyKey: key, fingerprint });
          return decision.replayed ? { outcome: 'replayed', fingerprint } : { outcome: 'ran', fingerprint };
        } catch (error) {
          if (isIdempotencyConflictError(error)) return { outcome: 'conflict', fingerprint };
          throw error;
        }
      }),
    );
    const ran = outcomes.filter((o) => o.outcome === 'ran');
    expect(ran).toHaveLength(1);
    // Every request with the winner's body replays it; every one with the other body conflicts.
    for (const o of outcomes) if (o.outcome !== 'ran') expect(o.outcome).toBe(o.fingerprint === ran[0]?.fingerprint ? 'replayed' : 'conflict');
    const used = (await first.as(systemActor('race')).usage.report({ tenantId: tenant.id })).features.find((u) => u.featureKey === 'ai.tokens')?.used;
    expect(used).toBe(5 * (round + 1));
  }
  await Promise.all(instances.map((instance) => instance.close()));
}

await describeSqlDatabases(['postgres', 'mysql'], (database) => {
  it(`one key, two bodies, ${CONNECTIONS} pooled connections: exactly one is counted, every round`, async () => {
    await race([kyselyStore(database.connect({ maxConnections: CONNECTIONS }))]);
  }, 60_000);
});

await describeSqlDatabases(['sqlite-file'], (database) => {
  it('one key, two bodies, separate connections on one file: exactly one is counted, every round', async () => {
    await race(Array.from({ length: 8 }, () => kyselyStore(database.connect())));
  }, 60_000);
});
