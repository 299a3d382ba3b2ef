import { z } from 'zod';
import { isTooManyAttemptsError } from '../../core/errors/index.js';
import { parseConfig } from '../../core/validation/parse-input.js';
import { isHttpProblemError } from './http-problem-error.js';
import { notFoundResponse } from './not-found-response.js';
import { isFunction } from './option-schemas.js';
import { EXTENSION_MEMBERS } from './problem-extensions.js';
import { PROBLEM_TYPE_BASE } from './problem-catalog.js';
import { problemDetailsFor, type ProblemDetails } from './problem-details.js';
import { renderProblem, type ProblemResponse } from './problem-response.js';

/**
 * Extra members for a problem body, e.g. `(problem, error, req) => ({ traceId: req.id })`.
 * Called for every problem except the canonical 404 (which must not vary
 * with the request), with the details about to be sent, the error, and the
 * request. Return `undefined` to add nothing.
 *
 * Reserved names are never overwritten, and dropped: the RFC 9457 members
 * and `code`, every extension member name tenantry uses for any code
 * (`issues`, `capability`, `reason`, `featureKey`, `limit`, `used`,
 * `requested`), and whatever else the problem already has. If the hook
 * throws, or returns something `JSON.stringify` cannot serialize, the
 * problem is sent without extra members: a broken hook never breaks an
 * error response.
 */
export type ProblemExtender<Request> = (problem: ProblemDetails, error: unknown, request: Request) => Readonly<Record<string, unknown>> | undefined;

/** Receives every error answered with a 5xx status, before the response is written. */
export type ServerErrorReporter<Request> = (error: unknown, request: Request) => void;

/** Options of the Express and Fastify `problemHandler()`. */
export interface ProblemHandlerOptions<Request> {
  /**
   * Prefix of every tenantry problem `type` URI: the code in kebab case is
   * appended (`<typeBase>not-found`). An absolute URI, usually ending in
   * `/`. It applies to every problem the application sends, the canonical
   * 404 and the guards' refusals included, because the guards hand their
   * refusals to the error handler. Default is `https://tenantry.dev/problems/`.
   */
  readonly typeBase?: string;
  /** Adds members such as `traceId` to problem bodies; see {@link ProblemExtender}. Default: none. */
  readonly extend?: ProblemExtender<Request>;
  /**
   * Called with every error that is answered with a 5xx status (including
   * `storage_unavailable` and non-tenantry errors), before the response is
   * written, so the host can log what the generic body hides. An exception it
   * throws is swallowed: reporting must not change the response.
   *
   * Default: one `console.error` line per error (through the request logger
   * on Fastify when its logger is enabled) naming the method, the path, the
   * status and code, and the error's name and code. A tenantry error is
   * logged whole (its message never echoes input, and a
   * `StorageUnavailableError` keeps only a sanitized driver error as
   * `cause`); any other error only by name, code and stack frames, never its
   * message, which for a driver error may hold SQL with its parameters.
   */
  readonly onServerError?: ServerErrorReporter<Request>;
}

/** The members of RFC 9457 and tenantry's `code`: never overwritten. */
const RESERVED = new Set(['type', 'title', 'status', 'detail', 'instance', 'code']);

const isAbsoluteUri = (value: string): boolean => /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(value) && URL.canParse(value);

const optionsSchema = z
  .object({
    typeBase: z.string().refine(isAbsoluteUri, { message: 'expected an absolute URI, e.g. "https://example.com/problems/"' }).optional(),
    extend: z.custom(isFunction, { message: 'expected a function returning extra members' }).optional(),
    onServerError: z.custom(isFunction, { message: 'expected a function receiving the error and the request' }).optional(),
  })
  .strict();

/** Renders errors as problem responses with one handler's options; see {@link problemRenderer}. */
export interface ProblemRenderer<Request> {
  /** The response for `error` on `request` (at path `instance`), after reporting it when it is a 5xx. */
  respond(error: unknown, request: Request, instance: string): ProblemResponse;
}

/**
 * Validates a problem handler's options once, when it is created
 * (`ConfigurationError` naming the option), and returns its renderer.
 * `defaultReport` is the framework's default `onServerError`.
 */
export function problemRenderer<Request>(options: ProblemHandlerOptions<Request>, defaultReport: ServerErrorReporter<Request>): ProblemRenderer<Request> {
  parseConfig(optionsSchema, options, 'problemHandler() options');
  const typeBase = options.typeBase ?? PROBLEM_TYPE_BASE;
  const { extend } = options;
  const report = options.onServerError ?? defaultReport;
  const notFound = notFoundResponse({ typeBase });
  return Object.freeze({
    respond(error: unknown, request: Request, instance: string): ProblemResponse {
      const details = problemDetailsFor(error, { instance, typeBase });
      const response = details.code === 'not_found' ? notFound : render(details, error, request, extend);
      if (response.status >= 500) shielded(report, error, request);
      return response;
    },
  });
}

function render<Request>(details: ProblemDetails, error: unknown, request: Request, extend: ProblemExtender<Request> | undefined): ProblemResponse {
  const options = isHttpProblemError(error)
    ? { headers: error.headers }
    : isTooManyAttemptsError(error)
      ? { headers: { 'retry-after': String(error.retryAfterSeconds) } }
      : {};
  if (extend === undefined) return renderProblem(details, options);
  try {
    // The hook reads a copy: whatever it does to it, the members it may not overwrite stay as they are.
    const copy = JSON.parse(JSON.stringify(details)) as ProblemDetails;
    return renderProblem(extended(details, extend(copy, error, request)), options);
  } catch {
    // The hook threw, or returned what JSON cannot hold (a BigInt, a cycle): send the problem as it is.
    return renderProblem(details, options);
  }
}

/** `details` with the members of `extra` whose names are free, in `extra`'s order. */
function extended(details: ProblemDetails, extra: unknown): ProblemDetails {
  if (typeof extra !== 'object' || extra === null) return details;
  const result: Record<string, unknown> = { ...details };
  for (const [name, value] of Object.entries(extra)) {
    if (RESERVED.has(name) || EXTENSION_MEMBERS.has(name) || Object.hasOwn(details, name) || name === '__proto__') continue;
    result[name] = value;
  }
  return result as ProblemDetails;
}

function shielded<Request>(report: ServerErrorReporter<Request>, error: unknown, request: Request): void {
  try {
    report(error, request);
  } catch {
    // A broken logger must not turn a problem response into a crashed request.
  }
}
