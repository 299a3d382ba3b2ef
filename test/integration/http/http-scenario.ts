import { createEntitlements, systemActor, userActor, type DenialEvent, type EntitlementDecision, type Store, type Tenantry, type TenantryErrorCode } from 'tenantry';
import type { RateLimitOperations, TenantryRequestContext } from 'tenantry/express';
import { memoryStore, type MemoryStore } from 'tenantry/memory';
import type { CountingStore } from 'tenantry/testing';
import {
  AlreadyExistsError,
  ConfigurationError,
  FeatureNotEnabledError,
  FeatureNotFoundError,
  ForbiddenError,
  IdempotencyConflictError,
  LastOwnerError,
  LimitExceededError,
  NotFoundError,
  PackageNotFoundError,
  StorageUnavailableError,
  UnknownCapabilityError,
  UnknownRoleError,
  ValidationError,
  type TenantryError,
} from '../../../src/core/errors/index.js';
import { setup, tenantWith, type Capability, type Role } from '../../support/catalog.js';
import { packages } from '../../../examples/plans.js';
import { testClock } from '../../support/entitlements.js';

/**
 * The application both adapter test apps implement, described once so the
 * Express and Fastify apps differ only in wiring. Every route under
 * `/tenants/:tenantId` runs `tenantContext()` (actor from `x-user-id`, 401
 * challenge `WWW_AUTHENTICATE`):
 *
 * - `GET  /tenants/:tenantId`: 200 `{ tenantId }`;
 * - `GET  /tenants/:tenantId/billing`: `requireCapability('billing.read')`, then {@link billingBody};
 * - `POST /tenants/:tenantId/members`: `requireCapability('membership.manage')`, JSON body, {@link addMember}, 201;
 * - `GET  /tenants/:tenantId/errors/:code`: throws {@link errorFor}(code);
 * - `GET  /tenants/:tenantId/not-found`: throws a plain `NotFoundError` from the handler;
 * - `GET  /tenants/:tenantId/unknown-capability`: {@link checkUnknownCapability};
 * - `GET  /tenants/:tenantId/crash`: throws `new Error(SECRET_MESSAGE)`;
 * - `POST /tenants/:tenantId/ai`: `requireEntitlement('ai.tokens', amount = body.tokens)`, 200 {@link consumptionBody};
 * - `POST /tenants/:tenantId/images`: `requireEntitlement('ai.tokens.images', 5)` with the key from
 *   `x-request-id` and the namespace from `x-project`, 200 {@link consumptionBody};
 * - `POST /tenants/:tenantId/metered`: `requireEntitlement('api.requests', 1)` then the `/ai` guard,
 *   200 `{ requests, tokens }`, each a {@link consumptionBody};
 * - `GET  /tenants/:tenantId/limited`: `rateLimit()` with the default key (tenant and user), 200 `{ ok: true }`;
 * - `GET  /by-header`: `tenantContext()` with the tenant id from `x-tenant-id`, 200 `{ tenantId }`;
 * - `GET  /limited/:bucket`: `rateLimit()` keyed by `:bucket`, cost from `x-cost` (default 1), no tenant context;
 * - `GET  /limited-by-ip`: `rateLimit()` with the default key and no tenant context (the client address);
 * - `GET  /rate-broken`: `rateLimit()` over a store whose `hitRateLimit` rejects;
 * - `GET  /unguarded/billing`: `requireCapability('billing.read')` without `tenantContext()` (a wiring mistake);
 * - `POST /unguarded/ai`: `requireEntitlement('ai.tokens', 1)` without `tenantContext()` (a wiring mistake).
 *
 * Any other method and path is answered by the adapter's `notFoundHandler()`
 * with the canonical 404.
 *
 * Every rate limiter allows {@link RATE_LIMIT} requests per {@link RATE_WINDOW_MS}
 * on `clock`, counted in `rateLimitStore`: apps built on the same scenario
 * share the limit, like two instances of one service.
 */
export interface Scenario {
  readonly tenantry: Tenantry<Capability, Role>;
  readonly store: CountingStore;
  /** Every denial event `tenantry` emitted, oldest first. */
  readonly denials: DenialEvent[];
  /** Over `store`; the tenant is on the `free` package (1000 `ai.tokens`, 200 `ai.tokens.images`), the other tenant on none. */
  readonly entitlements: ScenarioEntitlements;
  /** The rate limiters' store, shared by every app built on this scenario. */
  readonly rateLimitStore: MemoryStore;
  /** A store whose every `hitRateLimit` fails, as a lost database connection would. */
  readonly brokenRateLimitStore: RateLimitOperations;
  /** The rate limiters' clock. */
  readonly clock: ReturnType<typeof testClock>;
  /** alice is owner, bob operator; mallory owns another tenant. */
  readonly tenantId: string;
  readonly otherTenantId: string;
}

/** Requests each scenario rate limiter allows per window. */
export const RATE_LIMIT = 3;
/** The scenario rate limiters' window. */
export const RATE_WINDOW_MS = 60_000;

function scenarioEntitlements(store: Store) {
  return createEntitlements({ packages, store });
}

/** The entitlements of the example plans. */
export type ScenarioEntitlements = ReturnType<typeof scenarioEntitlements>;

export const WWW_AUTHENTICATE = 'Bearer realm="tenantry-test"';
export const SECRET_MESSAGE = 'db password is hunter2';
export const SECRET_CAPABILITY = 'secret.capability-name';
const SECRET_FEATURE = 'secret-feature-key';

/** A fresh tenantry over a counting memory store, seeded with two tenants. */
export async function createScenario(): Promise<Scenario> {
  const denials: DenialEvent[] = [];
  const { tenantry, store } = setup({ onDenied: (event) => denials.push(event) });
  const tenantId = await tenantWith(tenantry, 'alice', { bob: 'operator' });
  const otherTenantId = await tenantWith(tenantry, 'mallory');
  const entitlements = scenarioEntitlements(store);
  await entitlements.provisioning.assignPackage({ actor: systemActor('test'), tenantId, package: 'free' });
  const brokenRateLimitStore: RateLimitOperations = { hitRateLimit: () => Promise.reject(new Error(SECRET_MESSAGE)) };
  return { tenantry, store, denials, entitlements, rateLimitStore: memoryStore(), brokenRateLimitStore, clock: testClock(), tenantId, otherTenantId };
}

/** The `/ai` route's amount: the body's `tokens`, unchecked, so the service's validation is what answers a bad one. */
export function tokensFrom(body: unknown): number {
  const tokens = (body as { tokens?: unknown } | null | undefined)?.tokens;
  return typeof tokens === 'number' ? tokens : Number.NaN;
}

/** The `/limited/:bucket` route's cost: the `x-cost` header, 1 without it. */
export function costFrom(headers: Readonly<Record<string, string | string[] | undefined>>): number {
  const cost = headers['x-cost'];
  return typeof cost === 'string' ? Number(cost) : 1;
}

/** What the entitlement routes answer: the guard's decision as the handler sees it. */
export function consumptionBody(decision: EntitlementDecision): {
  feature: string;
  namespace: string | null;
  requested: number;
  used: number;
  replayed: boolean;
} {
  const { feature, namespace, requested, used, replayed } = decision;
  return { feature, namespace, requested, used, replayed };
}

/** Reads the actor the way a host reads its session: one `x-user-id` header, or none. */
export function actorFromHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const value = headers['x-user-id'];
  return typeof value === 'string' ? value : undefined;
}

/** The billing handler: more checks on the same tenant, which must cost no further lookup. */
export async function billingBody(context: TenantryRequestContext<Capability>): Promise<{ tenantId: string; canWrite: boolean }> {
  const { scope, tenantId } = context;
  await scope.authorize(tenantId, 'billing.read');
  const canWrite = await scope.can(tenantId, 'project.write');
  await scope.actionState(tenantId, 'billing.manage');
  return { tenantId, canWrite };
}

/** Adds a member as the requesting user; validation and duplicates surface as tenantry errors. */
export async function addMember(
  tenantry: Tenantry<Capability, Role>,
  context: TenantryRequestContext<Capability>,
  body: unknown,
): Promise<{ tenantId: string; userId: string; role: string }> {
  const { userId, role } = (body ?? {}) as { userId?: unknown; role?: unknown };
  const record = await tenantry.members.add({
    actor: userActor(context.scope.userId),
    tenantId: context.tenantId,
    // Deliberately unchecked: the library validates its inputs and the test asserts the 400.
    userId: userId as string,
    role: role as Role,
  });
  return { tenantId: record.tenantId, userId: record.userId, role: record.role };
}

/** A programming error: a capability string that is not declared. */
export function checkUnknownCapability(context: TenantryRequestContext<Capability>): Promise<unknown> {
  return context.scope.authorize(context.tenantId, SECRET_CAPABILITY as Capability);
}

/**
 * One sample of every error class, keyed by code. A total record: a new code
 * does not compile until it has a sample here, so the rendering test below
 * covers it.
 */
const ERROR_SAMPLES: Readonly<Record<TenantryErrorCode, () => TenantryError>> = {
  not_found: () => new NotFoundError(`Project ${SECRET_MESSAGE} not found.`),
  forbidden: () => new ForbiddenError('billing.manage'),
  unknown_capability: () => new UnknownCapabilityError(SECRET_CAPABILITY),
  unknown_role: () => new UnknownRoleError('superuser'),
  validation_failed: () => new ValidationError('Invalid member: userId: Required.', [{ path: ['userId'], message: 'Required' }]),
  configuration_invalid: () => new ConfigurationError(`Invalid option: ${SECRET_MESSAGE}`),
  already_exists: () => new AlreadyExistsError('membership'),
  last_owner: () => new LastOwnerError(),
  storage_unavailable: () => new StorageUnavailableError(`connect ECONNREFUSED ${SECRET_MESSAGE}`, { cause: new Error(SECRET_MESSAGE) }),
  limit_exceeded: () => new LimitExceededError('seats', 5, 5, 1),
  feature_not_found: () => new FeatureNotFoundError(SECRET_FEATURE),
  package_not_found: () => new PackageNotFoundError('platinum'),
  feature_not_enabled: () => new FeatureNotEnabledError('sso'),
  idempotency_conflict: () => new IdempotencyConflictError(),
};

/** Every tenantry error code, in catalogue order. */
export const ERROR_CODES = Object.keys(ERROR_SAMPLES) as TenantryErrorCode[];

/** A fresh sample error for `code`; an unknown code yields a plain `Error`. */
export function errorFor(code: string): Error {
  const sample = (ERROR_SAMPLES as Partial<Record<string, () => TenantryError>>)[code];
  return sample === undefined ? new Error(`no sample for ${code}`) : sample();
}

/** Strings that must never appear in a response body. */
export const SECRETS = [SECRET_MESSAGE, SECRET_CAPABILITY, SECRET_FEATURE, 'hunter2', 'stack', 'ECONNREFUSED'] as const;
