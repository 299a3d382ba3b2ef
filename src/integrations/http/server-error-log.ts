import { isTenantryError } from '../../core/errors/index.js';

/** What the default `onServerError` says about one failed request. */
export interface ServerErrorLog {
  /** One line: `tenantry: <method> <path> answered <status> <code>: <error name> [(code <error code>)]`. */
  readonly message: string;
  /**
   * What to log with the message: a tenantry error itself (safe to log
   * whole), or, for any other value, its stack frames without the message
   * lines (`undefined` when it has none).
   */
  readonly detail: unknown;
}

/** Names and codes as identifiers only: whatever else a foreign error carries there is not logged. */
const IDENTIFIER = /^[A-Za-z0-9_$.:-]{1,64}$/;

function nameOf(error: unknown): string {
  if (error instanceof Error || (typeof error === 'object' && error !== null)) {
    const name = (error as { name?: unknown }).name;
    return typeof name === 'string' && IDENTIFIER.test(name) ? name : 'Error';
  }
  return `a thrown ${typeof error}`;
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  const text = typeof code === 'number' ? String(code) : code;
  return typeof text === 'string' && IDENTIFIER.test(text) ? text : undefined;
}

/**
 * The stack frames of `error` (`    at ...` lines) without the first lines,
 * which repeat the message: a driver's message may carry the SQL statement
 * with every parameter interpolated.
 */
function framesOf(error: unknown): string | undefined {
  const stack = typeof error === 'object' && error !== null ? (error as { stack?: unknown }).stack : undefined;
  if (typeof stack !== 'string') return undefined;
  const frames = stack.split('\n').filter((line) => /^\s+at\s/.test(line));
  return frames.length === 0 ? undefined : frames.join('\n');
}

/**
 * What the default `onServerError` of both adapters logs for `error`,
 * answered with `status` and problem `code` on `method path` (the path
 * without query string, as in `instance`). Never the message of an error
 * that is not a tenantry error.
 */
export function serverErrorLog(
  error: unknown,
  request: { readonly method: string; readonly path: string; readonly status: number; readonly code: string },
): ServerErrorLog {
  const method = IDENTIFIER.test(request.method) ? request.method : 'request';
  const head = `tenantry: ${method} ${request.path} answered ${String(request.status)} ${request.code}`;
  if (isTenantryError(error)) return { message: `${head}: ${error.name}`, detail: error };
  const code = codeOf(error);
  return { message: `${head}: ${nameOf(error)}${code === undefined ? '' : ` (code ${code})`}`, detail: framesOf(error) };
}
