import fc from 'fast-check';
import { it } from 'vitest';
import { memoryStore } from '../../../src/memory.js';
import { describeSqlDatabases, SQL_DATABASE_NAMES } from '../../support/databases.js';
import { EntitlementIds, entitlementCommands, seedEntitlementRun } from './support/entitlement-commands.js';

/** Fixed so failures reproduce; override with TENANTRY_FC_SEED. fast-check prints seed and path on failure. */
const SEED = Number(process.env.TENANTRY_FC_SEED ?? 20240229);

await describeSqlDatabases(SQL_DATABASE_NAMES, (database) => {
  it('agrees with the memory store on random audit and entitlement operation sequences', async () => {
    const store = database.store();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.commands(entitlementCommands, { maxCommands: 30, size: 'medium' }), async (commands) => {
        run += 1;
        const ids = new EntitlementIds(`e${run.toString(36)}${Math.random().toString(36).slice(2, 8)}`);
        const model = memoryStore();
        await seedEntitlementRun(model, ids);
        await seedEntitlementRun(store, ids);
        await fc.asyncModelRun(() => ({ model: { model, ids }, real: { store } }), commands);
      }),
      { numRuns: 30, seed: SEED },
    );
  }, 120_000);
});
