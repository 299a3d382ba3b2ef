import type { RateLimitHit, RateLimitResult } from '../../../store/rate-limit-operations.js';
import { assertValidRateLimitHit, rateLimitPruneCutoff } from '../../../store/rate-limit-hit-rules.js';
import { readCount } from '../column-values.js';
import { read, single, type Scope } from '../scope.js';
import type { QueryContext } from './query-context.js';
import { RATE_LIMIT_STATEMENTS, type WrittenHit } from './rate-limit-statements.js';

/**
 * How often a hit that lost a deadlock is tried in all. The hit is one
 * statement on its own, which the server rolled back whole, so trying again
 * is safe; InnoDB can pick it as a victim against a concurrent prune.
 */
const DEADLOCK_ATTEMPTS = 5;

function pause(attempt: number): Promise<void> {
  // Jittered back-off, so the statements that deadlocked do not collide again in step.
  return new Promise((resolve) => setTimeout(resolve, 2 ** attempt * Math.random()));
}

function written(ctx: QueryContext, hit: RateLimitHit): WrittenHit {
  return {
    key: hit.key,
    windowStart: ctx.dialect.writeTimestamp(hit.windowStart),
    expiresAt: ctx.dialect.writeTimestamp(hit.expiresAt),
    cost: hit.cost,
    limit: hit.limit,
  };
}

/** The window's count, `undefined` when it has no row; the latest committed value, even inside an older snapshot. */
async function readHits(ctx: QueryContext, hit: RateLimitHit): Promise<number | undefined> {
  const row = await ctx.dialect
    .lockRows(
      ctx.q
        .selectFrom(ctx.tables.rate_limits)
        .select('hits')
        .where('limiter_key', '=', hit.key)
        .where('window_start', '=', ctx.dialect.writeTimestamp(hit.windowStart)),
    )
    .executeTakeFirst();
  return row === undefined ? undefined : readCount(row.hits);
}

/** The guarded upsert, tried again when it alone lost a deadlock. */
async function countHit(scope: Scope, hit: RateLimitHit): Promise<number | undefined> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await single(scope, (ctx) => RATE_LIMIT_STATEMENTS[ctx.dialect.name].count(ctx.q, ctx.tables.rate_limits, written(ctx, hit)));
    } catch (error) {
      // Inside an enclosing transaction the deadlock ended the whole transaction: it propagates.
      if (scope.transaction !== undefined || attempt >= DEADLOCK_ATTEMPTS || !scope.dialect.isDeadlock(error)) throw error;
    }
    await pause(attempt);
  }
}

/**
 * Deletes a bounded batch of windows that ended well before `hit`'s
 * (see `RATE_LIMIT_RETENTION_MS`), as a statement of its own after the hit
 * was counted. Housekeeping only: the hit has taken effect whatever happens
 * here, so an outage or lost deadlock is left for the next prune to make up.
 */
async function pruneExpired(scope: Scope, hit: RateLimitHit): Promise<void> {
  try {
    await single(scope, (ctx) => RATE_LIMIT_STATEMENTS[ctx.dialect.name].prune(ctx, ctx.dialect.writeTimestamp(rateLimitPruneCutoff(hit))));
  } catch (error) {
    if (scope.dialect.classifyError(error) !== 'unavailable') throw error;
  }
}

/**
 * `hitRateLimit`: one guarded upsert keyed by (key, window), so concurrent
 * hits, the first ones of a window included, never race each other; there
 * is no separate "open the window" step whose row a concurrent hit could
 * remove. A refusal then reads the count that refused it: the row exists,
 * since the upsert found it and pruning never deletes a window that has not
 * long ended.
 *
 * A hit that created its window's row (outside an enclosing transaction,
 * whose locks it would otherwise extend) then prunes a batch of expired
 * windows, so the table stays bounded by the live windows without any
 * delete racing the hits.
 */
export async function hitRateLimit(scope: Scope, hit: RateLimitHit): Promise<RateLimitResult> {
  assertValidRateLimitHit(hit);
  // Never fits, whatever the window holds: refused without writing a row.
  if (hit.cost > hit.limit) return Object.freeze({ allowed: false, count: (await read(scope, (ctx) => readHits(ctx, hit))) ?? 0 });
  const count = await countHit(scope, hit);
  if (count === undefined) {
    const current = await read(scope, (ctx) => readHits(ctx, hit));
    // Only a window pruned since (a hit arriving long after its window ended)
    // has no row: it was full when it refused, so report it full.
    return Object.freeze({ allowed: false, count: current ?? hit.limit });
  }
  // Every row is created at `cost` and only grows, so this hit created it.
  if (count === hit.cost && scope.transaction === undefined) await pruneExpired(scope, hit);
  return Object.freeze({ allowed: true, count });
}
