import { sql } from 'kysely';
import { errorField } from './driver-error.js';
import type { StoreQueries } from './store-dialect.js';

/** Longest pause between two attempts to take the write lock. */
const MAX_PAUSE_MS = 25;

function isBusy(error: unknown): boolean {
  const code = errorField(error, 'code');
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
}

function pause(attempt: number): Promise<void> {
  // Exponential back-off with jitter, so waiting connections do not retry in step.
  const ms = Math.min(2 ** attempt, MAX_PAUSE_MS) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Starts a `BEGIN IMMEDIATE` transaction on `connection`, waiting for the
 * database's write lock as long as the connection's own `busy_timeout`
 * (better-sqlite3's `timeout` option, 5000 ms by default) before failing with
 * `SQLITE_BUSY`.
 *
 * Why not simply rely on `busy_timeout`: better-sqlite3 is synchronous, so
 * SQLite's busy handler sleeps on the event loop's thread. When the lock is
 * held by another connection in the same process, that connection can only
 * finish (and release it) on the event loop, so a blocking wait would stall
 * until the timeout and then fail. The wait is therefore done here, with the
 * busy timeout set to zero for the `BEGIN IMMEDIATE` attempts and restored
 * right after, and pauses that yield to the event loop between attempts.
 *
 * Kysely's own `db.transaction()` issues a deferred `BEGIN`, which would only
 * take the write lock at the first write: two transactions could both read
 * the owner count first and then both write.
 */
export async function beginImmediate(connection: StoreQueries): Promise<void> {
  const { rows } = await sql<{ timeout: number | bigint }>`pragma busy_timeout`.execute(connection);
  const timeoutMs = Math.max(0, Math.trunc(Number(rows[0]?.timeout ?? 0)));
  await sql`pragma busy_timeout = 0`.execute(connection);
  try {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; ; attempt += 1) {
      try {
        await sql`begin immediate`.execute(connection);
        return;
      } catch (error) {
        if (!isBusy(error) || Date.now() >= deadline) throw error;
        await pause(attempt);
      }
    }
  } finally {
    // PRAGMA arguments cannot be bound parameters; timeoutMs is an integer we computed.
    await sql.raw(`pragma busy_timeout = ${timeoutMs}`).execute(connection);
  }
}
