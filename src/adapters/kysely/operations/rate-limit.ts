import { sql } from 'kysely';
import type { RateLimitHit, RateLimitResult } from '../../../store/rate-limit-operations.js';
import { readCount } from '../column-values.js';
import { insertUnlessDuplicate } from './insert-rows.js';
import type { QueryContext } from './query-context.js';

/**
 * First step of `hitRateLimit`: make sure the window's row exists, as a
 * statement of its own (outside any transaction where the dialect allows).
 * Creating the row apart from the counting keeps InnoDB from deadlocking
 * concurrent first hits on the new key's gap. Resolves whether this call
 * created the row.
 */
export async function openRateLimitWindow(ctx: QueryContext, hit: RateLimitHit): Promise<boolean> {
  const { q, tables, dialect } = ctx;
  const inserted = await insertUnlessDuplicate(
    ctx,
    q.insertInto(tables.rate_limits).values({
      limiter_key: hit.key,
      window_start: dialect.writeTimestamp(hit.windowStart),
      hits: 0,
      expires_at: dialect.writeTimestamp(hit.expiresAt),
    }),
  );
  return inserted !== 'duplicate' && inserted > 0n;
}

/**
 * Second step of `hitRateLimit`, in a transaction: one guarded increment
 * (`hits + cost <= limit` in the `WHERE`, arithmetic in SQL: the same guarded
 * write as a usage counter), then the count read under the row lock the update
 * took. A hit that opened a new window also deletes the key's older windows,
 * so a busy key keeps one row.
 */
export async function countRateLimitHit(ctx: QueryContext, hit: RateLimitHit, opened: boolean): Promise<RateLimitResult> {
  const { q, tables, dialect } = ctx;
  const windowStart = dialect.writeTimestamp(hit.windowStart);
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
  if (opened) await q.deleteFrom(tables.rate_limits).where('limiter_key', '=', hit.key).where('window_start', '<', windowStart).execute();
  return Object.freeze({ allowed: updated.numUpdatedRows > 0n, count: readCount(row.hits) });
}
