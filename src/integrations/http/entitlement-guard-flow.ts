import { ConfigurationError, isTenantryError, ValidationError } from '../../core/errors/index.js';
import type { ConsumeOptions } from '../../services/entitlements/entitlement-service.js';
import type { EntitlementDecision } from '../../services/entitlements/entitlement-types.js';
import type { ResolvedEntitlementGuardOptions } from './entitlement-guard-options.js';
import { errorResponse } from './error-response.js';
import { guardIdempotencyKey } from './guard-idempotency-key.js';
import { readIdempotencyKey } from './idempotency-key-header.js';
import { PROBLEM_CATALOG } from './problem-catalog.js';
import type { ProblemResponse } from './problem-response.js';
import type { TenantryRequestContext } from './request-context.js';
import type { RequestReader } from './tenant-context-flow.js';

/**
 * The part of an entitlements instance (the result of `createEntitlements()`)
 * the entitlement guard uses. Structural, so the HTTP layer does not depend
 * on how the instance is assembled.
 *
 * @typeParam L - the limit-feature keys of the catalog: the features the
 * guard can consume.
 */
export interface EntitlementSource<L extends string> {
  readonly packages: {
    readonly features: {
      assert(key: string): string;
      isLimit(key: string): boolean;
    };
  };
  readonly usage: {
    consume(tenantId: string, feature: L, amount: number, options?: ConsumeOptions): Promise<EntitlementDecision<L>>;
  };
}

/**
 * Checks the guarded feature when the guard is created, so that a string
 * that escaped the type checker fails at start-up rather than on every
 * request: `FeatureNotFoundError` for an undeclared feature,
 * `ConfigurationError` for a boolean one (it is switched on, never consumed)
 * or for something that is not an entitlements instance.
 */
export function declaredLimitFeature<L extends string>(entitlements: EntitlementSource<L>, feature: L): L {
  // Typed loosely on purpose: plain JavaScript callers can pass anything, e.g. the tenantry instance.
  const loose = entitlements as { packages?: { features?: Partial<EntitlementSource<L>['packages']['features']> }; usage?: { consume?: unknown } } | null;
  const catalog = loose?.packages?.features;
  if (typeof catalog?.assert !== 'function' || typeof catalog.isLimit !== 'function' || typeof loose?.usage?.consume !== 'function') {
    throw new ConfigurationError('requireEntitlement() needs the result of createEntitlements() as its first argument.');
  }
  catalog.assert(feature);
  if (!catalog.isLimit(feature)) {
    throw new ConfigurationError(
      `requireEntitlement() consumes limit features; "${String(feature)}" is a boolean feature: check it with entitlements.usage.check() instead.`,
    );
  }
  return feature;
}

/** Everything one guard needs, fixed when it is created. */
export interface EntitlementGuard<L extends string, Request> {
  readonly entitlements: EntitlementSource<L>;
  readonly feature: L;
  readonly options: ResolvedEntitlementGuardOptions<Request>;
}

/** Either the decision to attach to the request, or the problem to answer instead. */
export type EntitlementGuardOutcome<L extends string> =
  | { readonly ok: true; readonly decision: EntitlementDecision<L> }
  | { readonly ok: false; readonly response: ProblemResponse };

/**
 * The framework-free body of the entitlement guard:
 *
 * 1. read the idempotency key header; a malformed key is a 400
 *    `validation_failed` problem, before any storage access;
 * 2. work out the amount and the namespace from the request;
 * 3. consume atomically for the request's tenant. A retry with the same key
 *    is counted once and resolves with `replayed: true`. The key is scoped to
 *    the feature (see `guardIdempotencyKey`), so several guards on one route
 *    can share the client's key.
 *
 * Refusals (`limit_exceeded` 403, `feature_not_enabled` 403,
 * `idempotency_conflict` 409, an invalid computed amount or namespace 400)
 * are answered directly, like the capability guard's 403, so their bytes do
 * not depend on the host's error handler. Anything else (storage failures,
 * programming errors) rejects, for the problem handler to render as 5xx.
 *
 * Throws `ConfigurationError` when the tenant context did not run first:
 * that is a wiring mistake, rendered as a 500.
 */
export async function enforceEntitlement<L extends string, Request>(
  guard: EntitlementGuard<L, Request>,
  context: TenantryRequestContext | null | undefined,
  request: Request,
  reader: RequestReader<Request>,
): Promise<EntitlementGuardOutcome<L>> {
  if (context === undefined || context === null) {
    throw new ConfigurationError('requireEntitlement() needs tenantContext() to run before it on the same route.');
  }
  const { options } = guard;
  const instance = reader.path(request);
  const reading = readIdempotencyKey(reader.header(request, options.idempotencyKeyHeader));
  if (!reading.ok) {
    const issue = { path: ['headers', options.idempotencyKeyHeader], message: reading.message };
    return { ok: false, response: errorResponse(new ValidationError(`Invalid ${options.idempotencyKeyHeader} header.`, [issue]), instance) };
  }
  const amount = typeof options.amount === 'number' ? options.amount : await options.amount(request);
  const namespace = options.namespace === undefined ? undefined : await options.namespace(request);
  try {
    const key = reading.key === undefined ? undefined : guardIdempotencyKey(guard.feature, reading.key);
    const decision = await guard.entitlements.usage.consume(context.tenantId, guard.feature, amount, consumeOptions(key, namespace));
    return { ok: true, decision };
  } catch (error) {
    if (isClientRefusal(error)) return { ok: false, response: errorResponse(error, instance) };
    throw error;
  }
}

/** Only the options that are set: the service validates what it is given, and `undefined` is not a namespace. */
function consumeOptions(idempotencyKey: string | undefined, namespace: string | undefined): ConsumeOptions {
  return {
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    ...(namespace === undefined ? {} : { namespace }),
  };
}

/** A tenantry error with a 4xx status: the request is refused, the server is fine. */
function isClientRefusal(error: unknown): boolean {
  return isTenantryError(error) && Object.hasOwn(PROBLEM_CATALOG, error.code) && PROBLEM_CATALOG[error.code].status < 500;
}
