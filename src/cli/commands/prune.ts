import { optionalFlag, type Command } from '../command.js';
import { parseDateFlag, parsePositiveIntegerFlag } from '../parse-values.js';
import { kyselyStore } from '../../kysely.js';

/**
 * `tenantry prune [--audit-older-than <iso>] [--batch-size <n>]`: deletes
 * expired idempotency records and old rate-limit windows (and, when asked,
 * audit entries older than a date) in bounded batches until none is left.
 */
export const pruneCommand: Command = {
  name: 'prune',
  summary: 'Delete expired idempotency records and rate-limit windows in bounded batches.',
  flags: {
    'audit-older-than': {
      type: 'string',
      value: '<iso-date>',
      description: 'Also delete audit entries created before this time (default: keep the audit log).',
    },
    'batch-size': { type: 'string', value: '<n>', description: 'Rows per table per batch (default 1000).' },
  },
  async run(context) {
    const { db } = await context.database();
    const store = kyselyStore(db, context.tablePrefix === undefined ? {} : { tablePrefix: context.tablePrefix });
    const auditOlderThan = parseDateFlag('audit-older-than', optionalFlag(context, 'audit-older-than'));
    const batchSize = parsePositiveIntegerFlag('batch-size', optionalFlag(context, 'batch-size')) ?? 1000;
    const totals: Record<string, number> = {};
    const now = new Date();
    for (;;) {
      const result = { ...(await store.prune({ now, batchSize, ...(auditOlderThan === undefined ? {} : { auditOlderThan }) })) } as Readonly<
        Record<string, number>
      >;
      for (const [table, count] of Object.entries(result)) totals[table] = (totals[table] ?? 0) + count;
      // A full batch in any table means more may be left there.
      if (Math.max(...Object.values(result)) < batchSize) break;
    }
    if (context.json) context.io.out(`${JSON.stringify(totals)}\n`);
    else
      context.io.out(
        `Deleted ${Object.entries(totals)
          .map(([table, count]) => `${count} ${table}`)
          .join(', ')}.\n`,
      );
  },
};
