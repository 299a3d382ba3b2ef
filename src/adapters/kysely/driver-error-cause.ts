import { errorField } from './dialects/driver-error.js';

/** Longest message kept from a driver error. */
const MAX_MESSAGE_LENGTH = 300;

/**
 * Single-quoted literals in a driver message: values copied from the
 * statement (MySQL's `near '...'`, `Duplicate entry '...'`), which may be
 * secrets such as an idempotency key.
 */
const QUOTED_LITERAL = /'(?:[^'\\]|\\.)*'/gs;

function redactedMessage(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  const statement = errorField(error, 'sql');
  if (typeof statement === 'string' && statement !== '') message = message.split(statement).join('[statement]');
  message = message.replace(QUOTED_LITERAL, "'[redacted]'");
  return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}…` : message;
}

/** The stack frames of `error` (the `at ...` lines), without the message lines that head its stack. */
function framesOf(error: unknown): readonly string[] {
  const stack = errorField(error, 'stack');
  return typeof stack === 'string' ? stack.split('\n').filter((line) => /^\s+at /.test(line)) : [];
}

/**
 * What a `StorageUnavailableError` keeps of the driver error that caused it,
 * as its `cause`: the identifying fields and a redacted message, never the
 * statement text (mysql2's `sql`, which has every parameter interpolated),
 * parameter values, PostgreSQL's `detail`, `where` or `internalQuery`, or
 * the driver error's own `cause`. So the error can be logged whole
 * (`console.error(error)`, `util.inspect`, JSON) without leaking what the
 * statement carried, idempotency keys included.
 */
export class DriverErrorCause extends Error {
  /** The driver's code: PostgreSQL's SQLSTATE, mysql2's `ER_...` name, SQLite's result code, or a Node code such as `ECONNRESET`. */
  declare readonly code?: string;
  /** MySQL/MariaDB's error number, or Node's negative errno. */
  declare readonly errno?: number;
  /** MySQL/MariaDB's SQLSTATE. */
  declare readonly sqlState?: string;
  /** PostgreSQL's severity (`ERROR`, `FATAL`, ...). */
  declare readonly severity?: string;

  constructor(error: unknown) {
    super(redactedMessage(error));
    this.name = 'DriverErrorCause';
    const code = errorField(error, 'code');
    const errno = errorField(error, 'errno');
    const sqlState = errorField(error, 'sqlState');
    const severity = errorField(error, 'severity');
    // Only the fields the driver set, so a logged cause shows no empty keys.
    if (typeof code === 'string') this.code = code;
    if (typeof errno === 'number') this.errno = errno;
    if (typeof sqlState === 'string') this.sqlState = sqlState;
    if (typeof severity === 'string') this.severity = severity;
    this.stack = [`${this.name}: ${this.message}`, ...framesOf(error)].join('\n');
  }
}
