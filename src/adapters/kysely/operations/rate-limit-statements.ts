import { sql } from 'kysely';
import { readCount } from '../column-values.js';
import type { StoreDialectName, StoreQueries } from '../dialects/store-dialect.js';
import type { QueryContext } from './query-context.js';

/** One hit's values, timestamps already in the dialect's written form. */
export interface WrittenHit {
  readonly key: string;
  readonly windowStart: Date | string;
  readonly expiresAt: Date | string;
  readonly cost: number;
  readonly limit: number;
}

/** How many expired windows one prune deletes at most, so a prune is one short statement however many have piled up. */
export const PRUNE_BATCH = 100;

/**
 * The rate-limit writes that differ between dialects. Each is one
 * statement (pruning on MySQL/MariaDB: a read, then one delete).
 */
interface RateLimitStatements {
  /**
   * Counts the hit in its window's row, creating the row at `cost` when it
   * does not exist, provided the window stays within `limit`; the caller
   * refuses `cost > limit` itself, so creating the row needs no guard.
   * Resolves with the window's count after the write, or `undefined` when
   * refused (nothing written). The `WHERE` that selects the row is the
   * guard: no other hit can interleave between the check and the write.
   */
  count(q: StoreQueries, table: string, hit: WrittenHit): Promise<number | undefined>;
  /**
   * Deletes at most {@link PRUNE_BATCH} windows whose `expires_at` is
   * before `cutoff`, and nothing else: never a window a hit may still
   * count in.
   */
  prune(ctx: QueryContext, cutoff: Date | string): Promise<void>;
}

/** The subquery shape: delete by primary key what a bounded select found (PostgreSQL, SQLite). */
async function pruneBySubquery(ctx: QueryContext, cutoff: Date | string, lock: 'skip_locked' | 'none'): Promise<void> {
  const table = sql.table(ctx.tables.rate_limits);
  // SKIP LOCKED: concurrent prunes take disjoint rows and never queue behind each other.
  const locking = lock === 'skip_locked' ? sql`for update skip locked` : sql``;
  await sql`delete from ${table} where expires_at < ${cutoff} and (limiter_key, window_start) in (
select limiter_key, window_start from ${table} where expires_at < ${cutoff} limit ${PRUNE_BATCH} ${locking})`.execute(ctx.q);
}

export const RATE_LIMIT_STATEMENTS: Readonly<Record<StoreDialectName, RateLimitStatements>> = Object.freeze({
  /**
   * `ON CONFLICT DO UPDATE ... WHERE` is the guard; `RETURNING` reports the
   * new count, and no row when refused.
   */
  postgres: {
    async count(q, table, hit) {
      const { rows } = await sql<{ hits: unknown }>`insert into ${sql.table(table)} as r (limiter_key, window_start, hits, expires_at)
values (${hit.key}, ${hit.windowStart}, ${hit.cost}, ${hit.expiresAt})
on conflict (limiter_key, window_start) do update set hits = r.hits + excluded.hits where r.hits + excluded.hits <= ${hit.limit}
returning hits`.execute(q);
      return rows[0] === undefined ? undefined : readCount(rows[0].hits);
    },
    prune: (ctx, cutoff) => pruneBySubquery(ctx, cutoff, 'skip_locked'),
  },
  /** The PostgreSQL shape; inside `DO UPDATE` a bare `hits` is the existing row's. */
  sqlite: {
    async count(q, table, hit) {
      const { rows } = await sql<{ hits: unknown }>`insert into ${sql.table(table)} (limiter_key, window_start, hits, expires_at)
values (${hit.key}, ${hit.windowStart}, ${hit.cost}, ${hit.expiresAt})
on conflict (limiter_key, window_start) do update set hits = hits + excluded.hits where hits + excluded.hits <= ${hit.limit}
returning hits`.execute(q);
      return rows[0] === undefined ? undefined : readCount(rows[0].hits);
    },
    // Immediate transactions already exclude every other writer.
    prune: (ctx, cutoff) => pruneBySubquery(ctx, cutoff, 'none'),
  },
  /**
   * `INSERT ... ON DUPLICATE KEY UPDATE` reporting the new count through
   * `LAST_INSERT_ID(expr)`, as `mysql-counters.ts` does for usage counters:
   * a new row sets it to `cost`; an existing one (locked exclusively by the
   * upsert) gets `hits + cost` when that stays within the limit, else keeps
   * its count and sets it to 0. A counted window holds at least 1, so 0
   * means refused.
   */
  mysql: {
    async count(q, table, hit) {
      const result = await sql`insert into ${sql.table(table)} (limiter_key, window_start, hits, expires_at)
values (${hit.key}, ${hit.windowStart}, last_insert_id(${hit.cost}), ${hit.expiresAt})
on duplicate key update hits = if(hits + ${hit.cost} <= ${hit.limit}, last_insert_id(hits + ${hit.cost}), last_insert_id(0) + hits)`.execute(q);
      // Kysely reports an insert id of 0 as undefined.
      const after = result.insertId === undefined ? 0 : Number(result.insertId);
      return after > 0 ? after : undefined;
    },
    /**
     * A plain (non-locking) read of the candidates, then a delete by primary
     * key: MySQL cannot delete from a table it selects from in a subquery,
     * and a ranged `DELETE ... LIMIT` would next-key lock the `expires_at`
     * index and make hits that insert new windows wait.
     */
    async prune(ctx, cutoff) {
      const { q, tables, dialect } = ctx;
      const expired = await q
        .selectFrom(tables.rate_limits)
        .select(['limiter_key', dialect.selectTimestamp('window_start').as('window_start')])
        .where('expires_at', '<', cutoff)
        .limit(PRUNE_BATCH)
        .execute();
      if (expired.length === 0) return;
      await q
        .deleteFrom(tables.rate_limits)
        .where('expires_at', '<', cutoff)
        .where((eb) =>
          eb.or(
            expired.map((row) =>
              eb.and([eb('limiter_key', '=', row.limiter_key), eb('window_start', '=', dialect.writeTimestamp(dialect.readTimestamp(row.window_start)))]),
            ),
          ),
        )
        .execute();
    },
  },
});
