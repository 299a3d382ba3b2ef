import fc from 'fast-check';
import { it } from 'vitest';
import { memoryStore } from '../../../src/memory.js';
import { describeSqlDatabases, SQL_DATABASE_NAMES } from '../../support/databases.js';
import { newIds, storeCommands } from './support/store-commands.js';

/** Fixed so failures reproduce; override with TENANTRY_FC_SEED. fast-check prints seed and path on failure. */
const SEED = Number(process.env.TENANTRY_FC_SEED ?? 20240229);

await describeSqlDatabases(SQL_DATABASE_NAMES, (database) => {
  it('agrees with the memory store on random operation sequences', async () => {
    const store = database.store();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.commands(storeCommands, { maxCommands: 40, size: 'medium' }), async (commands) => {
        run += 1;
        const ids = newIds(run);
        await fc.asyncModelRun(() => ({ model: { model: memoryStore(), ids }, real: { store } }), commands);
      }),
      { numRuns: 40, seed: SEED },
    );
  }, 120_000);
});
