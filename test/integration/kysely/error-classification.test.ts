import { NoResultError, SelectQueryNode } from 'kysely';
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
    for (const dialect of [postgresDialect, mysqlDialect, sqliteDialect]) {
      expect(dialect.classifyError(destroyed)).toBe('unavailable');
      expect(dialect.unavailableReason(destroyed)).toBe('closed');
    }
  });

  it('every dialect: "no result" and programming errors are not outages', () => {
    const notOutages = [
      new NoResultError(SelectQueryNode.create()),
      new TypeError("Cannot read properties of undefined (reading 'hits')"),
      new RangeError('Invalid time value'),
      new URIError('URI malformed'),
      new Error('This transaction has already ended; use the store, not tx.'),
    ];
    for (const dialect of [postgresDialect, mysqlDialect, sqliteDialect]) {
      for (const error of notOutages) {
        expect(dialect.classifyError(error), `${dialect.name}: ${error.message}`).toBeUndefined();
        expect(dialect.unavailableReason(error), `${dialect.name}: ${error.message}`).toBeUndefined();
      }
    }
  });

  it('postgres: the reason of each outage', () => {
    const reason = postgresDialect.unavailableReason;
    const server: Record<string, string> = {
      '55P03': 'timeout',
      '57014': 'timeout',
      '40P01': 'deadlock',
      '40001': 'serialization_failure',
      '57P01': 'connection_lost',
      '57P02': 'connection_lost',
      '57P05': 'connection_lost',
      '25P03': 'connection_lost',
      '57P03': 'unreachable',
      '08001': 'unreachable',
      '08006': 'connection_lost',
      '53300': 'resources_exhausted',
      '53100': 'resources_exhausted',
      '58030': 'server_error',
    };
    for (const [code, expected] of Object.entries(server)) expect(reason(driverError({ severity: 'ERROR', code })), code).toBe(expected);
    expect(postgresDialect.classifyError(driverError({ severity: 'ERROR', code: '55P03' }))).toBe('unavailable');
    expect(postgresDialect.classifyError(driverError({ severity: 'ERROR', code: '57014' }))).toBe('unavailable');
    // Other codes of the same classes stay bugs: 55000 object_not_in_prerequisite_state, 57P04 database_dropped.
    expect(reason(driverError({ severity: 'ERROR', code: '55000' }))).toBeUndefined();
    expect(reason(driverError({ severity: 'ERROR', code: '57P04' }))).toBeUndefined();
    expect(reason(new Error('Connection terminated unexpectedly'))).toBe('connection_lost');
    expect(reason(new Error('Client has encountered a connection error and is not queryable'))).toBe('connection_lost');
    expect(reason(new Error('Cannot use a pool after calling end on the pool'))).toBe('closed');
    expect(reason(new Error('timeout exceeded when trying to connect'))).toBe('resources_exhausted');
    expect(reason(new Error('Query read timeout'))).toBe('timeout');
    expect(reason(driverError({ code: 'ECONNREFUSED', syscall: 'connect' }))).toBe('unreachable');
    expect(reason(driverError({ code: 'ECONNRESET', syscall: 'read' }))).toBe('connection_lost');
    expect(reason(new AggregateError([driverError({ code: 'ECONNREFUSED' }), driverError({ code: 'ECONNREFUSED' })]))).toBe('unreachable');
    expect(reason(new AggregateError([driverError({ code: 'ECONNREFUSED' }), new TypeError('bug')]))).toBeUndefined();
  });

  it('mysql: the reason of each outage', () => {
    const reason = mysqlDialect.unavailableReason;
    const server: Record<number, string> = {
      1205: 'timeout',
      1969: 'timeout',
      3024: 'timeout',
      1213: 'deadlock',
      1040: 'resources_exhausted',
      1053: 'connection_lost',
      1927: 'connection_lost',
      2006: 'connection_lost',
      2013: 'connection_lost',
      4031: 'connection_lost',
      2002: 'unreachable',
      2003: 'unreachable',
      1317: 'server_error',
    };
    for (const [errno, expected] of Object.entries(server)) expect(reason(driverError({ errno: Number(errno), sqlState: 'HY000' })), errno).toBe(expected);
    expect(reason(driverError({ code: 'PROTOCOL_CONNECTION_LOST', fatal: true }))).toBe('connection_lost');
    expect(reason(driverError({ code: 'ECONNREFUSED', errno: -111, fatal: true }))).toBe('unreachable');
    expect(reason(new Error('Pool is closed.'))).toBe('closed');
    expect(reason(new Error('Queue limit reached.'))).toBe('resources_exhausted');
    // A client-side error mysql2 does not raise for an outage is a bug, SQL state or not.
    expect(reason(new Error('Bind parameters must not contain undefined. To pass SQL NULL specify JS null'))).toBeUndefined();
  });

  it('sqlite: the reason of each outage', () => {
    const reason = sqliteDialect.unavailableReason;
    expect(reason(driverError({ code: 'SQLITE_BUSY' }))).toBe('busy');
    expect(reason(driverError({ code: 'SQLITE_BUSY_SNAPSHOT' }))).toBe('busy');
    expect(reason(driverError({ code: 'SQLITE_LOCKED_SHAREDCACHE' }))).toBe('busy');
    expect(reason(driverError({ code: 'SQLITE_FULL' }))).toBe('resources_exhausted');
    expect(reason(driverError({ code: 'SQLITE_IOERR_WRITE' }))).toBe('server_error');
    expect(reason(driverError({ code: 'SQLITE_BUSYX' }))).toBeUndefined();
    expect(reason(new TypeError('The database connection is not open'))).toBe('closed');
  });
});
