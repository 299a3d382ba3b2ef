import { sql } from 'kysely';
import type { StoreDialect, StoreQueries } from './dialects/store-dialect.js';

async function rollbackQuietly(connection: StoreQueries): Promise<void> {
  try {
    await sql`rollback`.execute(connection);
  } catch {
    // The transaction is already gone (the connection died, or the server
    // rolled it back itself); the error worth reporting is the one that got us here.
  }
}

/**
 * Runs `work` in a transaction on one connection of `db`, begun the dialect's
 * way. Commits when `work` resolves; rolls back and rethrows `work`'s own
 * error when it rejects, even if the rollback fails too. A failed commit is
 * rolled back and rethrown.
 *
 * Kysely's `db.transaction()` is not used because SQLite needs `BEGIN
 * IMMEDIATE` (see `sqlite-begin-immediate.ts`), and one code path for every
 * dialect keeps their behaviour identical.
 */
export function runInTransaction<T>(db: StoreQueries, dialect: StoreDialect, work: (connection: StoreQueries) => Promise<T>): Promise<T> {
  return db.connection().execute((connection) => runOnConnection(connection, dialect, work));
}

/** {@link runInTransaction} on a connection the caller already holds (a single-connection instance must not be asked for it again). */
export async function runOnConnection<T>(connection: StoreQueries, dialect: StoreDialect, work: (connection: StoreQueries) => Promise<T>): Promise<T> {
  {
    await dialect.begin(connection);
    let result: T;
    try {
      result = await work(connection);
    } catch (error) {
      await rollbackQuietly(connection);
      throw error;
    }
    try {
      await sql`commit`.execute(connection);
    } catch (error) {
      await rollbackQuietly(connection);
      throw error;
    }
    return result;
  }
}

/**
 * Runs `work` inside the current transaction under a savepoint, so that when
 * it fails part-way the transaction is back where it was and still usable.
 * Savepoints are standard on PostgreSQL, MySQL/MariaDB (InnoDB) and SQLite.
 */
export async function withSavepoint<T>(connection: StoreQueries, work: () => Promise<T>, name = 'tenantry_operation'): Promise<T> {
  // A distinct name per nesting level: MySQL replaces a savepoint of the same name instead of nesting it.
  const savepoint = sql.id(name);
  await sql`savepoint ${savepoint}`.execute(connection);
  let result: T;
  try {
    result = await work();
  } catch (error) {
    // If this rollback fails, its error propagates instead of `error`: the
    // transaction is then in an unknown state and must not be committed.
    await sql`rollback to savepoint ${savepoint}`.execute(connection);
    await sql`release savepoint ${savepoint}`.execute(connection);
    throw error;
  }
  await sql`release savepoint ${savepoint}`.execute(connection);
  return result;
}
