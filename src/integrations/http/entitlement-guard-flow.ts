import { ConfigurationError, IdempotentReplayError } from '../../core/errors/index.js';
import { requestFingerprint } from './request-fingerprint.js';
import type { ConsumeInput, EntitlementDecision } from '../../index.js';
import { resolveEntitlementGuardOptions, type EntitlementGuardOptions, type ResolvedEntitlementGuardOptions } from './entitlement-guard-options.js';
import { readIdempotencyKey } from './idempotency-key-header.js';
import type { TenantContext } from './request-context.js';
import type { RequestReader } from './request-reader.js';
import { assertTenantry, type AnyTenantry } from './tenantry-instance.js';

/**
 * Validates a guard when it is created, so that a mistake fails at start-up
 * rather than on every request: `ConfigurationError` for something that is
 * not a tenantry instance, for an instance without entitlements, for a
 * boolean feature (it is switched on, never consumed) or for invalid
 * options; `FeatureNotFoundError` for a feature key the catalog does not
 * declare (the one code for that mistake everywhere).
 */
export function entitlementGuard<Request>(tenantry: AnyTenantry, options: EntitlementGuardOptions<string, Request>): ResolvedEntitlementGuardOptions<Request> {
  assertTenantry(tenantry, 'requireEntitlement()');
  const resolved = resolveEntitlementGuardOptions(options);
  const catalog = tenantry.packages?.features;
  if (catalog === undefined) {
    throw new ConfigurationError('requireEntitlement() needs a tenantry instance with entitlements: createTenantry({ entitlements: { packages } }).');
  }
  const featureKey: string = catalog.assert(resolved.featureKey);
  if (!catalog.isLimit(featureKey)) {
    throw new ConfigurationError(
      `requireEntitlement() consumes limit features; "${resolved.featureKey}" is a boolean feature: check it with scope.usage.check() instead.`,
    );
  }
  return resolved;
}

/**
 * The framework-free body of the entitlement guard:
 *
 * 1. read the idempotency key header; a malformed key is a `ValidationError`
 *    (400, issue path `['headers', <name>]`), before any storage access;
 * 2. work out the amount and the namespace from the request;
 * 3. consume through the request's scope (`scope.usage.consume`), atomically,
 *    for the request's tenant. A retry with the same key is counted once and
 *    resolves with `replayed: true`; a replay is then refused with
 *    `IdempotentReplayError` (409 `idempotent_replay`) unless `onReplay` is
 *    `'pass'` or `'respond'` (the response-replay helper, see
 *    `responseReplayStep`, which the framework guards run next). The key carries the request fingerprint (method, route and
 *    body by default). The service scopes the key to the
 *    tenant, the request's actor and the feature, so several guards on one
 *    route can share the client's key and one member cannot replay another's.
 *
 * Refusals (`LimitExceededError`, `FeatureNotEnabledError`,
 * `IdempotencyConflictError`, a `ValidationError` for a computed amount or
 * namespace) and failures (storage, programming errors) reject as they are,
 * for the problem handler to render.
 *
 * Rejects with `ConfigurationError` when the tenant context did not run
 * first: that is a wiring mistake, rendered as a 500.
 */
export async function enforceEntitlement<Request>(
  guard: ResolvedEntitlementGuardOptions<Request>,
  context: TenantContext | null | undefined,
  request: Request,
  reader: RequestReader<Request>,
): Promise<EntitlementDecision> {
  return (await consumeForRequest(guard, context, request, reader)).decision;
}

/** What the guard consumed for a request: the decision and the consumption's input (for the response-replay helper). */
export interface GuardedConsumption {
  readonly decision: EntitlementDecision;
  readonly input: ConsumeInput;
  readonly context: TenantContext;
}

/** {@link enforceEntitlement}, also handing back the input and the context; `onReplay: 'respond'` leaves the replay to the caller. */
export async function consumeForRequest<Request>(
  guard: ResolvedEntitlementGuardOptions<Request>,
  context: TenantContext | null | undefined,
  request: Request,
  reader: RequestReader<Request>,
): Promise<GuardedConsumption> {
  if (context === undefined || context === null) {
    throw new ConfigurationError('requireEntitlement() needs tenantContext() to run before it on the same route.');
  }
  const clientKey = readIdempotencyKey(reader.header(request, guard.idempotencyKeyHeader), guard.idempotencyKeyHeader);
  const amount = typeof guard.amount === 'number' ? guard.amount : await guard.amount(request);
  const namespace = guard.namespace === undefined ? undefined : await guard.namespace(request);
  const fingerprint = clientKey === undefined || guard.fingerprint === false ? undefined : await fingerprintOf(guard, request, reader);
  // Only the members that are set: the service validates what it is given, and `undefined` is not a namespace.
  const input: ConsumeInput = {
    tenantId: context.tenantId,
    featureKey: guard.featureKey,
    amount,
    ...(namespace === undefined ? {} : { namespace }),
    ...(clientKey === undefined ? {} : { idempotencyKey: clientKey }),
    ...(fingerprint === undefined ? {} : { fingerprint }),
  };
  const decision = await context.scope.usage.consume(input);
  // A replay would run the handler again for free: refused unless the route opts in.
  if (decision.replayed && guard.onReplay === 'refuse') throw new IdempotentReplayError();
  return { decision, input, context };
}

async function fingerprintOf<Request>(guard: ResolvedEntitlementGuardOptions<Request>, request: Request, reader: RequestReader<Request>): Promise<string> {
  if (typeof guard.fingerprint === 'function') return guard.fingerprint(request);
  return requestFingerprint(reader.method(request), reader.route(request), reader.body(request));
}
