import { RATE_LIMIT_RETENTION_MS } from '../../../store/rate-limit-hit-rules.js';
import { assertBatchSize, DEFAULT_PRUNE_BATCH_SIZE, type PruneRequest, type PruneResult } from '../../../store/retention-operations.js';
import type { QueryContext } from './query-context.js';

// Every table is pruned the same way on every dialect: a plain read of at
// most `batchSize` candidate keys, then one delete by those keys that
// repeats the condition (a row refreshed in between is kept). MySQL cannot
// delete from a table it selects from in a subquery, and a ranged
// `DELETE ... LIMIT` would next-key lock the index other writers insert into.

async function pruneIdempotency(ctx: QueryContext, now: Date, batchSize: number): Promise<number> {
  const { q, tables, dialect } = ctx;
  const cutoff = dialect.writeTimestamp(now);
  const rows = await q
    .selectFrom(tables.idempotency_keys)
    .select(['tenant_id', 'idempotency_key'])
    .where('expires_at', '<=', cutoff)
    .limit(batchSize)
    .execute();
  if (rows.length === 0) return 0;
  const result = await q
    .deleteFrom(tables.idempotency_keys)
    .where('expires_at', '<=', cutoff)
    .where((eb) => eb.or(rows.map((row) => eb.and([eb('tenant_id', '=', row.tenant_id), eb('idempotency_key', '=', row.idempotency_key)]))))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

async function pruneRateLimits(ctx: QueryContext, now: Date, batchSize: number): Promise<number> {
  const { q, tables, dialect } = ctx;
  const cutoff = dialect.writeTimestamp(new Date(now.getTime() - RATE_LIMIT_RETENTION_MS));
  const rows = await q
    .selectFrom(tables.rate_limits)
    .select(['limiter_key', dialect.selectTimestamp('window_start').as('window_start')])
    .where('expires_at', '<', cutoff)
    .limit(batchSize)
    .execute();
  if (rows.length === 0) return 0;
  const result = await q
    .deleteFrom(tables.rate_limits)
    .where('expires_at', '<', cutoff)
    .where((eb) =>
      eb.or(
        rows.map((row) =>
          eb.and([eb('limiter_key', '=', row.limiter_key), eb('window_start', '=', dialect.writeTimestamp(dialect.readTimestamp(row.window_start)))]),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

async function pruneAudit(ctx: QueryContext, olderThan: Date, batchSize: number): Promise<number> {
  const { q, tables, dialect } = ctx;
  const cutoff = dialect.writeTimestamp(olderThan);
  const rows = await q.selectFrom(tables.audit_log).select('id').where('created_at', '<', cutoff).orderBy('id', 'asc').limit(batchSize).execute();
  if (rows.length === 0) return 0;
  const result = await q
    .deleteFrom(tables.audit_log)
    .where('created_at', '<', cutoff)
    .where(
      'id',
      'in',
      rows.map((row) => row.id),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** `Store.prune`: each table in its own short statements, at most `batchSize` rows each. */
export async function prune(run: <T>(work: (ctx: QueryContext) => Promise<T>) => Promise<T>, request: PruneRequest): Promise<PruneResult> {
  const { now, auditOlderThan, batchSize = DEFAULT_PRUNE_BATCH_SIZE } = request;
  assertBatchSize(batchSize);
  const idempotencyKeys = await run((ctx) => pruneIdempotency(ctx, now, batchSize));
  const rateLimitWindows = await run((ctx) => pruneRateLimits(ctx, now, batchSize));
  const auditEntries = auditOlderThan === undefined ? 0 : await run((ctx) => pruneAudit(ctx, auditOlderThan, batchSize));
  return Object.freeze({ idempotencyKeys, rateLimitWindows, auditEntries });
}
