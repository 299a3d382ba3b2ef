import { it } from 'vitest';
import { kyselyStore } from '../../../src/kysely.js';
import type { Store } from '../../../src/store/store.js';
import type { TestKysely } from '../../support/db-config.js';
import { describeSqlDatabases } from '../../support/databases.js';
import { describeFigures, prepareStress, runStress } from './support/entitlement-stress.js';

/**
 * Hundreds of concurrent consumptions of random amounts against small
 * limits, over a two-level pool and two namespaces, with idempotency keys
 * retried concurrently, on real servers with many connections. After every
 * run: no counter above its limit, every counter equal to the sum of the
 * consumptions that succeeded, every key counted once. Fixed seeds
 * (override with TENANTRY_STRESS_SEED); the figures of each run are attached
 * to the test as annotations (`vitest --reporter=verbose` prints them).
 */
const SEED = Number(process.env.TENANTRY_STRESS_SEED ?? 20240301);
const RUNS = 3;
const CONNECTIONS = 16;

/**
 * Opens `connections` connections of `store` before the race: a cold pool
 * would let the first one-statement consumptions fill the pool while
 * transactions still wait for their connection to be established.
 */
async function warmUp(store: Store, connections: number): Promise<void> {
  await Promise.all(
    Array.from({ length: connections }, () =>
      store.transaction(async (tx) => {
        await tx.findTenant('warm-up');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }),
    ),
  );
}

/** The tenant's rows in the counters table (default prefix). */
function counterRowsIn(db: TestKysely): (tenantId: string) => Promise<number> {
  return async (tenantId) => {
    const rows = await db.selectFrom('tenantry_usage_counters').select('tenant_id').where('tenant_id', '=', tenantId).execute();
    return rows.length;
  };
}

async function stress(stores: readonly Store[], db: TestKysely, annotate: (message: string, type?: string) => Promise<unknown>): Promise<void> {
  const [first] = stores;
  if (first === undefined) throw new Error('no store');
  const prefix = 'stress.';
  if (stores.length === 1) await warmUp(first, CONNECTIONS);
  for (let run = 0; run < RUNS; run += 1) {
    const tenantId = await prepareStress(first, prefix);
    const figures = await runStress(stores, tenantId, prefix, SEED + run, counterRowsIn(db));
    await annotate(`run ${run + 1} (seed ${SEED + run}): ${describeFigures(figures)}`, 'figures');
  }
}

await describeSqlDatabases(['postgres', 'mysql'], (database) => {
  it(`keeps every counter within its limit and equal to its successful consumptions, ${CONNECTIONS} pooled connections`, async ({ annotate }) => {
    await stress([kyselyStore(database.connect({ maxConnections: CONNECTIONS }))], database.db, annotate);
  }, 60_000);
});

await describeSqlDatabases(['sqlite-file'], (database) => {
  it(`keeps every counter within its limit and equal to its successful consumptions, ${CONNECTIONS} connections on one file`, async ({ annotate }) => {
    await stress(
      Array.from({ length: CONNECTIONS }, () => kyselyStore(database.connect())),
      database.db,
      annotate,
    );
  }, 60_000);
});
