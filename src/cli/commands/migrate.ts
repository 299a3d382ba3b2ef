import { migrateTenantryTo, migrateToLatest, tenantryMigrationStatus } from '../../kysely.js';
import { optionalFlag, type Command } from '../command.js';

/** `tenantry migrate [--to <name>] [--dry-run]`: brings tenantry's tables up (or down) to date. */
export const migrateCommand: Command = {
  name: 'migrate',
  summary: "Run tenantry's pending migrations (or migrate to one by name).",
  flags: {
    to: { type: 'string', value: '<migration>', description: 'Migrate up or down to this migration (e.g. 0007_tenant_lifecycle); going down drops tables.' },
    'dry-run': { type: 'boolean', description: 'Print what would run, change nothing.' },
  },
  async run(context) {
    const { db } = await context.database();
    const options = context.tablePrefix === undefined ? {} : { tablePrefix: context.tablePrefix };
    const to = optionalFlag(context, 'to');
    if (context.flags['dry-run'] === true) {
      const states = await tenantryMigrationStatus(db, options);
      const names = states.map((state) => state.name);
      const targetIndex = to === undefined ? names.length - 1 : names.indexOf(to);
      const up = states.filter((state, index) => state.executedAt === undefined && index <= targetIndex).map((state) => state.name);
      const down = states.filter((state, index) => state.executedAt !== undefined && index > targetIndex).map((state) => state.name);
      if (context.json) context.io.out(`${JSON.stringify({ dryRun: true, up, down: down.reverse() })}\n`);
      else if (up.length === 0 && down.length === 0) context.io.out('Nothing to migrate.\n');
      else context.io.out([...up.map((name) => `would apply  ${name}`), ...down.reverse().map((name) => `would revert ${name}`)].join('\n') + '\n');
      return;
    }
    const results = to === undefined ? await migrateToLatest(db, options) : await migrateTenantryTo(db, to, options);
    if (context.json) {
      context.io.out(
        `${JSON.stringify({ results: results.map((result) => ({ name: result.migrationName, direction: result.direction, status: result.status })) })}\n`,
      );
    } else if (results.length === 0) {
      context.io.out('Nothing to migrate.\n');
    } else {
      context.io.out(results.map((result) => `${result.direction === 'Up' ? 'applied ' : 'reverted'} ${result.migrationName}`).join('\n') + '\n');
    }
  },
};
