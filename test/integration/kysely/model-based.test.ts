import fc from 'fast-check';
import { it } from 'vitest';
import { memoryStore } from '../../../src/memory.js';
import { DATABASE_NAMES, describeDatabases, describeSqlDatabases, SQL_DATABASE_NAMES } from '../../support/databases.js';
import { invitationCommands, invitationRun } from './support/invitation-commands.js';
import { roleCommands, roleRun } from './support/role-commands.js';
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

// The invitation lifecycle against an explicit model, on every store including memory (there is no reference store to compare with here).
await describeDatabases(DATABASE_NAMES, (database) => {
  it('invitation sequences match the model: one membership per acceptance, a rotated token dead at once', async () => {
    const store = database.store();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.commands(invitationCommands, { maxCommands: 30, size: 'medium' }), async (commands) => {
        run += 1;
        // Each run has its own tenant and its own stretch of time.
        const setup = await invitationRun(store, Date.UTC(2030, 0, 1) + run * 365 * 86_400_000);
        await fc.asyncModelRun(() => setup, commands);
      }),
      { numRuns: 50, seed: SEED },
    );
  }, 120_000);
});

// Tenant roles against an explicit model, on every store: the role set, each member's role and every decision on a fresh scope.
await describeDatabases(DATABASE_NAMES, (database) => {
  it('tenant-role sequences match the model: declared roles win, deletions guard their holders, decisions follow every edit', async () => {
    const store = database.store();
    await fc.assert(
      fc.asyncProperty(fc.commands(roleCommands, { maxCommands: 30, size: 'medium' }), async (commands) => {
        // Each run has its own tenant.
        const setup = await roleRun(store);
        await fc.asyncModelRun(() => setup, commands);
      }),
      { numRuns: 50, seed: SEED },
    );
  }, 120_000);
});
