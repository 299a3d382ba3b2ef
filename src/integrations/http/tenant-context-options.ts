import { z } from 'zod';
import { parseConfig } from '../../core/validation/parse-input.js';
import { headerNameSchema, isFunction } from './option-schemas.js';

/**
 * Where the tenant id of a request comes from:
 *
 * - `{ param: name }`: the route parameter `name` (e.g. `/tenants/:tenantId`);
 * - `{ header: name }`: the request header `name` (case-insensitive); a header
 *   sent twice counts as missing;
 * - a function of the request, returning `undefined` when there is none.
 *
 * A missing id is treated like a malformed one: the canonical 404.
 */
export type TenantIdSource<Request> =
  | { readonly param: string }
  | { readonly header: string }
  | ((request: Request) => string | undefined);

/**
 * Resolves the acting user's id from the request, e.g.
 * `(req) => req.user?.id` after your authentication middleware. Returning
 * `undefined` (or `null`) means "not authenticated" and is answered with the
 * 401 `unauthenticated` problem. A returned id that is not a valid user id
 * (empty, control characters, longer than 255) is answered 400
 * `validation_failed`.
 */
export type ActorResolver<Request> = (request: Request) => string | null | undefined | Promise<string | null | undefined>;

/** Options of the Express and Fastify `tenantContext()`. */
export interface TenantContextOptions<Request> {
  /** The acting user; see {@link ActorResolver}. Required: tenantry has no notion of sessions. */
  readonly actor: ActorResolver<Request>;
  /** Where the tenant id comes from; see {@link TenantIdSource}. Default is `{ param: 'tenantId' }`. */
  readonly tenantId?: TenantIdSource<Request>;
  /**
   * Value of the `WWW-Authenticate` header of the 401 response, e.g.
   * `Bearer realm="api"`. RFC 9110 requires the header on a 401; only the
   * host knows its scheme. Default is no header.
   */
  readonly wwwAuthenticate?: string;
}

/** {@link TenantContextOptions} after validation, with defaults applied. */
export interface ResolvedTenantContextOptions<Request> {
  readonly actor: ActorResolver<Request>;
  readonly tenantId: TenantIdSource<Request>;
  readonly wwwAuthenticate: string | undefined;
}

const optionsSchema = z
  .object({
    actor: z.custom(isFunction, { message: 'expected a function of the request returning the user id' }),
    tenantId: z
      .union([
        z.object({ param: z.string().min(1) }).strict(),
        z.object({ header: headerNameSchema }).strict(),
        z.custom(isFunction),
      ])
      .optional(),
    wwwAuthenticate: z.string().min(1).optional(),
  })
  .strict();

/**
 * Validates tenant-context options once, when the middleware is created, so
 * a misconfiguration fails at start-up with a `ConfigurationError` naming the
 * option instead of on the first request.
 */
export function resolveTenantContextOptions<Request>(options: TenantContextOptions<Request>): ResolvedTenantContextOptions<Request> {
  parseConfig(optionsSchema, options, 'tenantContext() options');
  const source = options.tenantId ?? { param: 'tenantId' };
  // Header lookups go through Node's lower-cased header map.
  const tenantId = typeof source === 'object' && 'header' in source ? { header: source.header.toLowerCase() } : source;
  return Object.freeze({ actor: options.actor, tenantId, wwwAuthenticate: options.wwwAuthenticate });
}
