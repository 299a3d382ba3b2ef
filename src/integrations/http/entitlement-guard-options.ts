import { z } from 'zod';
import { MAX_CONSUME_AMOUNT } from '../../core/entitlements/limit.js';
import { parseConfig } from '../../core/validation/parse-input.js';
import { DEFAULT_IDEMPOTENCY_KEY_HEADER } from './idempotency-key-header.js';
import { headerNameSchema, isFunction } from './option-schemas.js';
import {
  resolveResponseReplayOptions,
  responseReplayOptionsSchema,
  type ResolvedResponseReplayOptions,
  type ResponseReplayOptions,
} from './response-replay-options.js';

/**
 * How much of the feature a guarded request consumes: a fixed positive
 * integer of at most `MAX_CONSUME_AMOUNT` (2^31 − 1), or a function of the
 * request (for example the number of tokens its body asks for). A computed
 * amount that is not a positive integer is answered 400 `validation_failed`
 * (issue path `['amount']`), and nothing is consumed.
 */
export type EntitlementAmount<Request> = number | ((request: Request) => number | Promise<number>);

/**
 * The namespace inside the tenant a request consumes in (for example a
 * project id), or `undefined` for the tenant pool only. A namespace always
 * draws on the tenant pool too; see the entitlement docs. An invalid name is
 * answered 400 `validation_failed` (issue path `['namespace']`).
 */
export type NamespaceResolver<Request> = (request: Request) => string | undefined | Promise<string | undefined>;

/**
 * Options of the Express and Fastify `requireEntitlement()`.
 *
 * @typeParam L - the limit features of the instance's catalog.
 */
export interface EntitlementGuardOptions<L extends string, Request> {
  /** The limit feature to consume. Typed from the catalog: a typo or a boolean feature does not compile. */
  readonly featureKey: L;
  /** How much a request consumes; see {@link EntitlementAmount}. */
  readonly amount: EntitlementAmount<Request>;
  /** The namespace to consume in; see {@link NamespaceResolver}. Default is none (the tenant pool). */
  readonly namespace?: NamespaceResolver<Request>;
  /**
   * The request header carrying the client's idempotency key (case-insensitive).
   * A request without it consumes every time it is sent; one with it counts
   * once however often it is retried. Default is `'Idempotency-Key'`.
   */
  readonly idempotencyKeyHeader?: string;
  /**
   * What a replay (a request whose key was already consumed) gets:
   * `'refuse'` (default) answers 409 `idempotent_replay` without running the
   * handler, so a retry never buys the handler's work for free; `'pass'` runs
   * the handler with `entitlementOf(req, featureKey).replayed === true`
   * (answer it yourself); `'respond'` stores the first response (see
   * {@link EntitlementGuardOptions.responses}) and answers every retry with
   * it, byte for byte, plus `Idempotent-Replayed: true`, without running the
   * handler.
   */
  readonly onReplay?: 'refuse' | 'pass' | 'respond';
  /** The response-replay helper's options, with `onReplay: 'respond'` only; see {@link ResponseReplayOptions}. */
  readonly responses?: ResponseReplayOptions;
  /**
   * The request fingerprint bound to the key: the same key with another
   * fingerprint is 409 `idempotency_conflict`. Default: a SHA-256 of the
   * method, the route pattern and the body (see `requestFingerprint`);
   * a function to choose yourself; `false` to bind the key to the amount and
   * namespace only.
   */
  readonly fingerprint?: false | ((request: Request) => string | Promise<string>);
}

/** The guard's options after validation, with defaults applied. */
export interface ResolvedEntitlementGuardOptions<Request> {
  readonly featureKey: string;
  readonly amount: EntitlementAmount<Request>;
  /** Lower case, for Node's header map. */
  readonly idempotencyKeyHeader: string;
  readonly namespace: NamespaceResolver<Request> | undefined;
  readonly onReplay: 'refuse' | 'pass' | 'respond';
  /** Set with `onReplay: 'respond'` only. */
  readonly responses: ResolvedResponseReplayOptions | undefined;
  readonly fingerprint: false | ((request: Request) => string | Promise<string>) | undefined;
}

const optionsSchema = z
  .object({
    featureKey: z.string({ message: 'expected a limit feature of the catalog' }),
    amount: z.union([z.number().int().min(1).max(MAX_CONSUME_AMOUNT), z.custom(isFunction)], {
      message: `expected a positive integer up to ${MAX_CONSUME_AMOUNT} or a function of the request`,
    }),
    namespace: z.custom(isFunction, { message: 'expected a function of the request returning the namespace' }).optional(),
    idempotencyKeyHeader: headerNameSchema.optional(),
    onReplay: z.enum(['refuse', 'pass', 'respond']).optional(),
    responses: responseReplayOptionsSchema.optional(),
    fingerprint: z.union([z.literal(false), z.custom(isFunction)], { message: 'expected false or a function of the request' }).optional(),
  })
  .strict()
  .refine((options) => options.responses === undefined || options.onReplay === 'respond', {
    message: "responses is an option of onReplay: 'respond'",
    path: ['responses'],
  });

/**
 * Validates the guard's options once, when the guard is created, so a
 * misconfiguration fails at start-up with a `ConfigurationError` naming the
 * option.
 */
export function resolveEntitlementGuardOptions<Request>(options: EntitlementGuardOptions<string, Request>): ResolvedEntitlementGuardOptions<Request> {
  parseConfig(optionsSchema, options, 'requireEntitlement() options');
  return Object.freeze({
    featureKey: options.featureKey,
    amount: options.amount,
    idempotencyKeyHeader: (options.idempotencyKeyHeader ?? DEFAULT_IDEMPOTENCY_KEY_HEADER).toLowerCase(),
    namespace: options.namespace,
    onReplay: options.onReplay ?? 'refuse',
    responses: options.onReplay === 'respond' ? resolveResponseReplayOptions(options.responses) : undefined,
    fingerprint: options.fingerprint,
  });
}
