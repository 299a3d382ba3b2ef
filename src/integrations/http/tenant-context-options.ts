import { z } from 'zod';
import { parseConfig } from '../../core/validation/parse-input.js';
import { headerNameSchema, isFunction } from './option-schemas.js';

/**
 * Where the tenant id of a request comes from:
 *
 * - `{ param: name }`: the route parameter `name` (e.g. `/tenants/:tenantId`);
 * - `{ header: name }`: the request header `name` (case-insensitive);
 * - a function of the request, returning `undefined` when there is none.
 *
 * A missing id is treated like a malformed one: the canonical 404.
 */
export type TenantIdSource<Request> = { readonly param: string } | { readonly header: string } | ((request: Request) => string | undefined);

/**
 * Resolves the signed-in user's id from the request, e.g.
 * `(req) => req.user?.id` after your authentication middleware. Returning
 * `undefined` (or `null`) means "not authenticated": 401 `unauthenticated`.
 * A returned id that is not a valid user id (empty, control characters,
 * longer than 255) is answered 400 `validation_failed`, issue path `['userId']`.
 */
export type UserIdResolver<Request> = (request: Request) => string | null | undefined | Promise<string | null | undefined>;

/**
 * Where the signed-in user's id comes from:
 *
 * - a {@link UserIdResolver} (your session or token layer);
 * - `{ header: name }`: a request header set by a trusted gateway that
 *   authenticated the request (case-insensitive). No header is a 401; a
 *   malformed value is a 400 `validation_failed` with issue path
 *   `['headers', '<name in lower case>']`. Node joins a repeated header into
 *   one value (`a, b`), so the gateway must replace the client's header,
 *   never append to it.
 */
export type UserIdSource<Request> = UserIdResolver<Request> | { readonly header: string };

/** Options of the Express and Fastify `tenantContext()`. */
export interface TenantContextOptions<Request> {
  /** The signed-in user; see {@link UserIdSource}. Required: tenantry has no notion of sessions. */
  readonly userId: UserIdSource<Request>;
  /** Where the tenant id comes from; see {@link TenantIdSource}. Default is `{ param: 'tenantId' }`. */
  readonly tenantId?: TenantIdSource<Request>;
  /**
   * Value of the `WWW-Authenticate` header of the 401 response, e.g.
   * `Bearer realm="api"`. RFC 9110 requires the header on a 401; only the
   * host knows its scheme. Default is no header.
   */
  readonly wwwAuthenticate?: string;
  /**
   * When the user last verified a second factor, from your session
   * (`twoFactor.verify()`'s `verifiedAt`); passed to
   * `forRequest({ userId, secondFactorAt })` so step-up capabilities are
   * allowed while it is fresh. Default: none (step-up capabilities answer
   * 401 `second_factor_required`).
   */
  readonly secondFactorAt?: (request: Request) => Date | null | undefined | Promise<Date | null | undefined>;
}

/** {@link TenantContextOptions} after validation, with defaults applied and header names in lower case. */
export interface ResolvedTenantContextOptions<Request> {
  readonly userId: UserIdSource<Request>;
  readonly tenantId: TenantIdSource<Request>;
  readonly wwwAuthenticate: string | undefined;
  readonly secondFactorAt: TenantContextOptions<Request>['secondFactorAt'];
}

const optionsSchema = z
  .object({
    userId: z.union([z.custom(isFunction), z.object({ header: headerNameSchema }).strict()], {
      message: 'expected a function of the request returning the user id, or { header: name }',
    }),
    tenantId: z
      .union([z.object({ param: z.string().min(1) }).strict(), z.object({ header: headerNameSchema }).strict(), z.custom(isFunction)], {
        message: 'expected { param: name }, { header: name } or a function of the request',
      })
      .optional(),
    // A header value: visible ASCII and spaces, no line breaks (which would split the response head).
    wwwAuthenticate: z
      .string()
      .regex(/^[\x21-\x7e][\x20-\x7e]*$/, { message: 'expected a header value such as Bearer realm="api"' })
      .optional(),
    secondFactorAt: z.custom(isFunction, { message: 'expected a function of the request returning a Date or undefined' }).optional(),
  })
  .strict();

/** Header lookups go through Node's lower-cased header map. */
function lowerCased<T extends object>(source: T): T {
  return 'header' in source && typeof source.header === 'string' ? ({ header: source.header.toLowerCase() } as T) : source;
}

/**
 * Validates tenant-context options once, when the middleware is created, so
 * a misconfiguration fails at start-up with a `ConfigurationError` naming the
 * option instead of on the first request.
 */
export function resolveTenantContextOptions<Request>(options: TenantContextOptions<Request>): ResolvedTenantContextOptions<Request> {
  parseConfig(optionsSchema, options, 'tenantContext() options');
  const tenantId = options.tenantId ?? { param: 'tenantId' };
  return Object.freeze({
    userId: typeof options.userId === 'function' ? options.userId : lowerCased(options.userId),
    tenantId: typeof tenantId === 'function' ? tenantId : lowerCased(tenantId),
    wwwAuthenticate: options.wwwAuthenticate,
    secondFactorAt: options.secondFactorAt,
  });
}
