import { tenantryMigrationStatus } from '../../kysely.js';
import type { Command } from '../command.js';

/** `tenantry status`: applied and pending migrations. Read-only. */
export const statusCommand: Command = {
  name: 'status',
  summary: 'List applied and pending migrations (read-only).',
  flags: {},
  async run(context) {
    const { db, dialect } = await context.database();
    const states = await tenantryMigrationStatus(db, context.tablePrefix === undefined ? {} : { tablePrefix: context.tablePrefix });
    const pending = states.filter((state) => state.executedAt === undefined).length;
    if (context.json) {
      context.io.out(
        `${JSON.stringify({ dialect, pending, migrations: states.map((state) => ({ name: state.name, executedAt: state.executedAt?.toISOString() ?? null })) })}\n`,
      );
      return;
    }
    const width = Math.max(...states.map((state) => state.name.length));
    const lines = states.map(
      (state) => `${state.name.padEnd(width)}  ${state.executedAt === undefined ? 'pending' : `applied ${state.executedAt.toISOString()}`}`,
    );
    context.io.out(`${lines.join('\n')}\n${pending === 0 ? 'Up to date.' : `${pending} pending: run tenantry migrate.`}\n`);
  },
};
