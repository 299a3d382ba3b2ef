import { describe, expect, it } from 'vitest';
import { mysqlDialect } from '../../../src/adapters/kysely/dialects/mysql.js';
import { postgresDialect } from '../../../src/adapters/kysely/dialects/postgres.js';
import { sqliteDialect } from '../../../src/adapters/kysely/dialects/sqlite.js';

/** Builds an error shaped like the driver's. */
function driverError(fields: Record<string, unknown>, message = 'driver error'): Error {
  return Object.assign(new Error(message), fields);
}

describe('driver error classification', () => {
  it('postgres: SQLSTATE codes from the server, anything else from the client side', () => {
    const classify = postgresDialect.classifyError;
    expect(classify(driverError({ severity: 'ERROR', code: '23505' }))).toBe('unique_violation');
    expect(classify(driverError({ severity: 'ERROR', code: '23503' }))).toBe('foreign_key_violation');
    for (const code of ['57P01', '57P02', '57P03', '08006', '08001', '53300', '58030', '40001', '40P01']) {
      expect(classify(driverError({ severity: 'FATAL', code })), code).toBe('unavailable');
    }
    // A bug (syntax error, missing table) is not an outage.
    expect(classify(driverError({ severity: 'ERROR', code: '42601' }))).toBeUndefined();
    expect(classify(driverError({ severity: 'ERROR', code: '42P01' }))).toBeUndefined();
    expect(classify(new Error('Connection terminated unexpectedly'))).toBe('unavailable');
    expect(classify(driverError({ code: 'ECONNREFUSED' }))).toBe('unavailable');
    expect(classify('not an error')).toBeUndefined();
  });

  it('mysql: server error numbers, fatal client errors', () => {
    const classify = mysqlDialect.classifyError;
    expect(classify(driverError({ errno: 1062, sqlState: '23000', code: 'ER_DUP_ENTRY' }))).toBe('unique_violation');
    expect(classify(driverError({ errno: 1452, sqlState: '23000', code: 'ER_NO_REFERENCED_ROW_2' }))).toBe('foreign_key_violation');
    for (const errno of [1040, 1053, 1205, 1213, 1317, 1927, 2006, 2013, 4031]) {
      expect(classify(driverError({ errno, sqlState: 'HY000' })), String(errno)).toBe('unavailable');
    }
    expect(classify(driverError({ code: 'PROTOCOL_CONNECTION_LOST', fatal: true }))).toBe('unavailable');
    expect(classify(new Error('Pool is closed.'))).toBe('unavailable');
    expect(classify(driverError({ errno: 1064, sqlState: '42000', code: 'ER_PARSE_ERROR' }))).toBeUndefined();
  });

  it('sqlite: extended result codes, and a closed connection', () => {
    const classify = sqliteDialect.classifyError;
    expect(classify(driverError({ code: 'SQLITE_CONSTRAINT_UNIQUE' }))).toBe('unique_violation');
    expect(classify(driverError({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }))).toBe('unique_violation');
    expect(classify(driverError({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' }))).toBe('foreign_key_violation');
    for (const code of ['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED', 'SQLITE_IOERR_WRITE', 'SQLITE_CANTOPEN', 'SQLITE_FULL', 'SQLITE_READONLY']) {
      expect(classify(driverError({ code })), code).toBe('unavailable');
    }
    expect(classify(new TypeError('The database connection is not open'))).toBe('unavailable');
    expect(classify(driverError({ code: 'SQLITE_ERROR' }, 'no such table: x'))).toBeUndefined();
    expect(classify(new TypeError('SQLite3 can only bind numbers, strings, bigints, buffers, and null'))).toBeUndefined();
  });

  it('every dialect: Kysely refusing to run on a destroyed driver', () => {
    const destroyed = new Error('driver has already been destroyed');
    for (const dialect of [postgresDialect, mysqlDialect, sqliteDialect]) expect(dialect.classifyError(destroyed)).toBe('unavailable');
  });
});
