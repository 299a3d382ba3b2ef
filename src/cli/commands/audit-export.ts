import type { AuditEntry } from '../../index.js';
import { CliError } from '../cli-errors.js';
import { CLI_ACTOR, optionalFlag, stringFlag, TENANT_FLAG, type Command } from '../command.js';
import { parseChoiceFlag, parseDateFlag } from '../parse-values.js';

const PAGE_SIZE = 500;
const CSV_COLUMNS = ['id', 'created_at', 'action', 'actor_type', 'actor_id', 'subject_user_id', 'metadata'] as const;

/**
 * `tenantry audit export --tenant <id> [--since <iso>] --format ndjson|csv`:
 * the tenant's audit log, newest first, to stdout; progress (entries so
 * far) to stderr every page, so a long export shows it is alive.
 */
export const auditExportCommand: Command = {
  name: 'audit export',
  summary: "Export a tenant's audit log as NDJSON or CSV (newest first).",
  flags: {
    tenant: TENANT_FLAG,
    since: { type: 'string', value: '<iso-date>', description: 'Only entries created at or after this time.' },
    format: { type: 'string', value: 'ndjson|csv', description: 'Output format.', required: true },
  },
  async run(context) {
    const format = parseChoiceFlag('format', optionalFlag(context, 'format'), ['ndjson', 'csv'] as const);
    if (format === undefined) throw new CliError('usage', 'missing_option', '--format is required (ndjson or csv).');
    const since = parseDateFlag('since', optionalFlag(context, 'since'));
    const tenantry = await context.tenantry();
    const audit = tenantry.as(CLI_ACTOR).audit;
    const tenantId = stringFlag(context, 'tenant');
    if (format === 'csv') context.io.out(`${CSV_COLUMNS.join(',')}\n`);
    let cursor: string | undefined;
    let exported = 0;
    for (;;) {
      const page = await audit.list({ tenantId, limit: PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) });
      const kept = since === undefined ? page.items : page.items.filter((entry) => entry.createdAt >= since);
      for (const entry of kept) context.io.out(format === 'csv' ? csvLine(entry) : `${JSON.stringify(entry)}\n`);
      exported += kept.length;
      context.io.err(`\rexported ${exported} entries`);
      // Newest first: once an entry is older than --since, every later page is too.
      const reachedSince = kept.length < page.items.length;
      if (page.nextCursor === null || reachedSince) break;
      cursor = page.nextCursor;
    }
    context.io.err('\n');
  },
};

/** One RFC 4180 CSV record; a field is quoted when it holds a comma, quote or line break, and a leading =+-@ is neutralised against spreadsheet formula injection. */
function csvLine(entry: AuditEntry): string {
  const fields = [
    entry.id,
    entry.createdAt.toISOString(),
    entry.action,
    entry.actor.type,
    entry.actor.id,
    entry.subjectUserId ?? '',
    JSON.stringify(entry.metadata),
  ];
  return `${fields.map(csvField).join(',')}\n`;
}

function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
