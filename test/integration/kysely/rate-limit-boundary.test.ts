import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { kyselyStore } from '../../../src/kysely.js';
import type { RateLimitResult } from '../../../src/store/rate-limit-operations.js';
import type { Store } from '../../../src/store/store.js';
import { describeSqlDatabases } from '../../support/databases.js';

const WINDOW_MS = 60_000;
const ROUNDS = 20;
const HITS = 40;
const LIMIT = 15;
/** Hits counted in the ending window before each burst, so it fills up during the burst. */
const WARM_UP = 3;
/** Rounds are three windows apart: each round's new windows prune the earlier rounds' (retention is one minute) while its burst runs. */
const ROUND_SPACING_MS = 3 * WINDOW_MS;
const FIRST_BOUNDARY = Date.parse('2024-07-01T00:00:00.000Z');
const KEY = 'stress:tenant:t:user:u';

/** A hit at instant `now` (the injected clock), with the window `tenantry.limiter` computes for it: epoch-aligned, `[start, start + WINDOW_MS)`. */
function hitAt(now: number, cost = 1) {
  const start = Math.floor(now / WINDOW_MS) * WINDOW_MS;
  return { key: KEY, windowStart: new Date(start), expiresAt: new Date(start + WINDOW_MS), limit: LIMIT, cost };
}

/** The counts `allowed` hits report when `attempts` hits land on a window already holding `before`: before+1 ... limit. */
function expectedCounts(before: number, attempts: number): number[] {
  return Array.from({ length: Math.min(attempts, LIMIT - before) }, (_, i) => before + i + 1);
}

function sortedCounts(results: readonly RateLimitResult[]): number[] {
  return results
    .filter((r) => r.allowed)
    .map((r) => r.count)
    .sort((a, b) => a - b);
}

await describeSqlDatabases(['postgres', 'mysql', 'sqlite-file'], (database) => {
  it(`${String(ROUNDS)} rounds of ${String(HITS)} concurrent hits straddling a window boundary: no error, exact counts, old windows pruned`, async () => {
    // Two stores on separate pools (separate connections for SQLite), as two app instances.
    const stores: readonly Store[] = [database.store(), kyselyStore(database.connect())];
    const failures: unknown[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const boundary = FIRST_BOUNDARY + round * ROUND_SPACING_MS;
      for (let i = 0; i < WARM_UP; i += 1) await stores[0]?.hitRateLimit(hitAt(boundary - 1000));
      // Half the clocks read just before the boundary, half just after, interleaved.
      const instants = Array.from({ length: HITS }, (_, i) => boundary + (i % 2 === 0 ? -1 - i : i));
      const settled = await Promise.allSettled(instants.map((now, i) => (stores[i % stores.length] as Store).hitRateLimit(hitAt(now))));
      const results = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : (failures.push(outcome.reason), [])));
      expect(failures, `round ${String(round)}`).toEqual([]);
      const ending = results.filter((_, i) => (instants[i] ?? boundary) < boundary);
      const starting = results.filter((_, i) => (instants[i] ?? boundary) >= boundary);
      expect(sortedCounts(ending), `round ${String(round)}, ending window`).toEqual(expectedCounts(WARM_UP, HITS / 2));
      expect(sortedCounts(starting), `round ${String(round)}, starting window`).toEqual(expectedCounts(0, HITS / 2));
      // Every refusal reports the full window.
      expect(results.filter((r) => !r.allowed)).toEqual(Array.from({ length: HITS - (LIMIT - WARM_UP) - LIMIT }, () => ({ allowed: false, count: LIMIT })));
      // A cost that never fits reads the window's count without writing.
      expect(await stores[1]?.hitRateLimit(hitAt(boundary - 1, LIMIT + 1))).toEqual({ allowed: false, count: LIMIT });
      expect(await stores[0]?.hitRateLimit(hitAt(boundary, LIMIT + 1))).toEqual({ allowed: false, count: LIMIT });
    }
    // Every earlier round's windows ended more than a minute before the last round's: pruned. The last round's two remain.
    const rows = await sql<{ window_start: unknown }>`select window_start from tenantry_rate_limits`.execute(database.db);
    expect(rows.rows).toHaveLength(2);
    // SQLite's two connections take turns at the database's write lock, which makes 880 hits take seconds.
  }, 120_000);
});
