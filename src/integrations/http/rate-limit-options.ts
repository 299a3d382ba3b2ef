import { z } from 'zod';
import { parseConfig } from '../../core/validation/parse-input.js';
import { isFunction, positiveIntegerSchema } from './option-schemas.js';

/**
 * What a request is counted against, e.g. `(req) => req.params.email` for
 * login attempts per address. The limiter prefixes it with its `name`, so
 * different limiters never share a counter by accident. Must return a
 * non-empty string (else `ConfigurationError`, 500) without control
 * characters or lone surrogates (else `ValidationError`, 400: such a key is
 * usually built from client input); keys longer than the store's 200
 * characters are replaced by their SHA-256 digest, in a form no short key
 * can spell.
 */
export type RateLimitKeyResolver<Request> = (request: Request) => string | Promise<string>;

/**
 * How many units of the window a request uses: a fixed positive integer, or
 * a function of the request (a bulk endpoint may cost one per item). A
 * request costing more than `limit` is always refused.
 */
export type RateLimitCost<Request> = number | ((request: Request) => number | Promise<number>);

/** Options of the Express and Fastify `rateLimit()`. */
export interface RateLimitOptions<Request> {
  /**
   * Names the limiter's counters: limiters with the same name and key share
   * one counter, whatever the route or instance. 1 to 64 letters, digits,
   * `_`, `.` or `-`, starting with a letter or digit.
   */
  readonly name: string;
  /** Most units (requests, unless `cost` says otherwise) allowed per key and window. A positive integer. */
  readonly limit: number;
  /**
   * Length of the fixed window in milliseconds: an integer from 1000 (one
   * second, the resolution of `Retry-After`) to one year. Windows are aligned
   * to the epoch on the instance's clock (`createTenantry({ now })`): a
   * request at `now` counts in the window starting at
   * `floor(now / windowMs) * windowMs`.
   */
  readonly windowMs: number;
  /**
   * What a request is counted against; see {@link RateLimitKeyResolver}.
   * Default is the member (`tenant:<tenantId>:user:<userId>`) when
   * `tenantContext()` ran before the limiter, otherwise the client address
   * (`ip:<address>`, as the framework reports it after its proxy-trust
   * setting).
   */
  readonly key?: RateLimitKeyResolver<Request>;
  /** Units a request uses; see {@link RateLimitCost}. Default is 1. */
  readonly cost?: RateLimitCost<Request>;
}

/** {@link RateLimitOptions} after validation, with defaults applied. */
export interface ResolvedRateLimitOptions<Request> {
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
  readonly key: RateLimitKeyResolver<Request> | undefined;
  readonly cost: RateLimitCost<Request>;
}

/** One year: longer windows are a configuration mistake (a counter that never resets is an entitlement). */
const MAX_WINDOW_MS = 366 * 24 * 60 * 60 * 1000;

/** Limiter names: no `:` or `#`, which separate the name from the key in the stored key. */
const LIMITER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const optionsSchema = z
  .object({
    name: z.string().regex(LIMITER_NAME, { message: 'expected 1 to 64 letters, digits, "_", "." or "-"' }),
    limit: positiveIntegerSchema,
    windowMs: z.number().int().min(1000).max(MAX_WINDOW_MS),
    key: z.custom(isFunction, { message: 'expected a function of the request returning the key' }).optional(),
    cost: z.union([positiveIntegerSchema, z.custom(isFunction)], { message: 'expected a positive integer or a function of the request' }).optional(),
  })
  .strict()
  .refine((options) => typeof options.cost !== 'number' || options.cost <= options.limit, {
    message: 'must not exceed limit: such a request could never pass',
    path: ['cost'],
  });

/**
 * Validates rate-limit options once, when the limiter is created, so a
 * misconfiguration fails at start-up with a `ConfigurationError` naming the
 * option.
 */
export function resolveRateLimitOptions<Request>(options: RateLimitOptions<Request>): ResolvedRateLimitOptions<Request> {
  parseConfig(optionsSchema, options, 'rateLimit() options');
  return Object.freeze({ name: options.name, limit: options.limit, windowMs: options.windowMs, key: options.key, cost: options.cost ?? 1 });
}
