import { sql } from 'kysely';
import type { RateLimitHit, RateLimitResult } from '../../../store/rate-limit-operations.js';
import { readCount } from '../column-values.js';
import { insertUnlessDuplicate } from './insert-rows.js';
import type { QueryContext } from './query-context.js';

/**
 * `hitRateLimit`, run in a transaction of its own: make sure the window's
 * row exists, then one guarded increment (`hits + cost <= limit` in the
 * `WHERE`, arithmetic in SQL: the same guarded write as a usage counter),
 * then read the count under the row lock the update took. A hit that opens
 * a new window also deletes the key's older windows, so a busy key keeps one
 * row.
 */
export async function hitRateLimit(ctx: QueryContext, hit: RateLimitHit): Promise<RateLimitResult> {
  const { q, tables, dialect } = ctx;
  const windowStart = dialect.writeTimestamp(hit.windowStart);
  const opened = await insertUnlessDuplicate(
    ctx,
    q.insertInto(tables.rate_limits).values({
      limiter_key: hit.key,
      window_start: windowStart,
      hits: 0,
      expires_at: dialect.writeTimestamp(hit.expiresAt),
    }),
  );
  const updated = await q
    .updateTable(tables.rate_limits)
    .set({ hits: sql<number>`hits + ${hit.cost}` })
    .where('limiter_key', '=', hit.key)
    .where('window_start', '=', windowStart)
    .where(sql<boolean>`hits + ${hit.cost} <= ${hit.limit}`)
    .executeTakeFirst();
  const row = await q
    .selectFrom(tables.rate_limits)
    .select('hits')
    .where('limiter_key', '=', hit.key)
    .where('window_start', '=', windowStart)
    .executeTakeFirstOrThrow();
  if (opened !== 'duplicate' && opened > 0n) {
    await q.deleteFrom(tables.rate_limits).where('limiter_key', '=', hit.key).where('window_start', '<', windowStart).execute();
  }
  return Object.freeze({ allowed: updated.numUpdatedRows > 0n, count: readCount(row.hits) });
}
