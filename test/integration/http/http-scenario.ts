import {
  ActorNotAllowedError,
  AlreadyExistsError,
  ConfigurationError,
  createTenantry,
  DelegationDeniedError,
  FeatureNotEnabledError,
  FeatureNotFoundError,
  ForbiddenError,
  IdempotencyConflictError,
  InvalidCodeError,
  SecondFactorRequiredError,
  StorageIntegrityError,
  TwoFactorActiveError,
  TwoFactorLockedError,
  TwoFactorNotEnrolledError,
  IdempotentReplayError,
  IdempotencyInProgressError,
  TenantArchivedError,
  InvalidTokenError,
  LastOwnerError,
  LimitExceededError,
  NotFoundError,
  OwnerRequiredError,
  PackageNotFoundError,
  StorageUnavailableError,
  systemActor,
  TooManyAttemptsError,
  InvalidSnapshotError,
  RoleInUseError,
  UnknownCapabilityError,
  UnknownRoleError,
  UnsafeUrlError,
  ValidationError,
  WebhookVerificationError,
  type DenialEvent,
  type EntitlementDecision,
  type Scope,
  type Store,
  type TenantryError,
  type TenantryErrorCode,
} from 'tenantry';
import type { IncomingHttpHeaders } from 'node:http';
import type { ProblemExtender, ProblemHandlerOptions, TenantContext } from 'tenantry/express';
import { MemoryAdapter, memoryStore } from 'tenantry/memory';
import { defineStore, type StorageFailure } from 'tenantry/store';
import { countingStore, type CountingStore } from 'tenantry/testing';
import { capabilities, roles, type Role } from '../../support/catalog.js';
import { packages, testClock } from '../../support/entitlements.js';

/**
 * The application both adapter test apps implement, described once so the
 * Express and Fastify apps differ only in wiring. Every route under
 * `/tenants/:tenantId` runs `tenantContext()` (user from a resolver reading
 * `x-user-id`, 401 challenge `WWW_AUTHENTICATE`):
 *
 * - `GET  /tenants/:tenantId`: 200 `{ tenantId, userId }`;
 * - `GET  /tenants/:tenantId/billing`: `requireCapability('billing.read')`, then {@link billingBody};
 * - `POST /tenants/:tenantId/members`: `requireCapability('membership.manage')`, JSON body, {@link addMember}, 201;
 * - `POST /tenants/:tenantId/members/:userId/role`: `requireCapability('tenant.manage')`, JSON body `{ role }`, {@link changeRole};
 * - `POST /tenants/:tenantId/plan`: {@link assignPlan} through the user's scope (provisioning is for system actors);
 * - `GET  /tenants/:tenantId/errors/:code`: throws {@link errorFor}(code);
 * - `GET  /tenants/:tenantId/not-found`: throws a plain `NotFoundError` from the handler;
 * - `GET  /tenants/:tenantId/unknown-capability`: {@link checkUnknownCapability};
 * - `GET  /tenants/:tenantId/crash`: throws `new Error(SECRET_MESSAGE)`;
 * - `POST /tenants/:tenantId/ai`: `requireEntitlement({ featureKey: 'ai.tokens', amount: body.tokens })`, 200 {@link consumptionBody};
 * - `POST /tenants/:tenantId/images`: `requireEntitlement({ featureKey: 'ai.tokens.images', amount: 5 })` with the key from
 *   `x-request-id` and the namespace from `x-project`, 200 {@link consumptionBody};
 * - `POST /tenants/:tenantId/metered`: `requireEntitlement('api.requests', 1)` then the `/ai` guard,
 *   200 `{ requests, tokens }`, each a {@link consumptionBody};
 * - `GET  /tenants/:tenantId/limited`: `rateLimit()` with the default key (tenant and user), 200 `{ ok: true }`;
 * - `GET  /by-header`: `tenantContext()` with the tenant id from `x-tenant-id`, 200 `{ tenantId }`;
 * - `GET  /gateway/:tenantId`: `tenantContext()` with `userId: { header: 'X-Gateway-User' }`, 200 `{ tenantId, userId }`;
 * - `GET  /limited/:bucket`: `rateLimit()` keyed by `:bucket`, cost from `x-cost` (default 1), no tenant context;
 * - `GET  /limited-by-ip`: `rateLimit()` with the default key and no tenant context (the client address);
 * - `GET  /rate-broken`: `rateLimit()` over `brokenTenantry`, whose store fails every hit as a lost connection;
 * - `GET  /rate-buggy`: `rateLimit()` over `buggyTenantry`, whose store fails every hit with a bug (unclassified);
 * - `GET  /unguarded/billing`: `requireCapability('billing.read')` without `tenantContext()` (a wiring mistake);
 * - `POST /unguarded/ai`: `requireEntitlement('ai.tokens', 1)` without `tenantContext()` (a wiring mistake).
 *
 * Any other method and path is answered by the adapter's `notFoundHandler()`
 * with the canonical 404. The problem handler reports 5xx errors to
 * `serverErrors` (its default, logging, is tested on its own).
 *
 * Every rate limiter allows {@link RATE_LIMIT} requests per {@link RATE_WINDOW_MS}
 * on the instance clock `clock`, counted in `store`: apps built on the same
 * scenario share the limit, like two instances of one service.
 */
export interface Scenario {
  /** With the example plans; `tenant.manage` manages members, so a manager (dave) is a non-owner manager. */
  readonly tenantry: ScenarioTenantry;
  readonly store: CountingStore;
  /** Every denial event `tenantry` emitted, oldest first. */
  readonly denials: DenialEvent[];
  /** Every error the apps' problem handlers reported as a 5xx, oldest first. */
  readonly serverErrors: unknown[];
  /** A system scope over `tenantry`, to read usage as the tests' oracle. */
  readonly system: Scope;
  /** Over a store whose every `hitRateLimit` fails as a lost database connection would (classified). */
  readonly brokenTenantry: ScenarioTenantry;
  /** Over a store whose every `hitRateLimit` fails with an error the adapter does not classify (a bug). */
  readonly buggyTenantry: ScenarioTenantry;
  /** The instance clock. */
  readonly clock: ReturnType<typeof testClock>;
  /** alice is owner, bob operator, dave manager, on the `free` package (1000 `ai.tokens`, 200 `ai.tokens.images`); mallory owns `otherTenantId`, on no package. */
  readonly tenantId: string;
  readonly otherTenantId: string;
}

/** Requests each scenario rate limiter allows per window. */
export const RATE_LIMIT = 3;
/** The scenario rate limiters' window. */
export const RATE_WINDOW_MS = 60_000;

export const WWW_AUTHENTICATE = 'Bearer realm="tenantry-test"';
export const SECRET_MESSAGE = 'db password is hunter2';
export const SECRET_CAPABILITY = 'secret.capability-name';
const SECRET_FEATURE = 'secret-feature-key';

interface ScenarioWiring {
  readonly store: Store;
  readonly clock: ReturnType<typeof testClock>;
  readonly onDenied?: (event: DenialEvent) => void;
}

function scenarioTenantry({ store, clock, onDenied }: ScenarioWiring) {
  return createTenantry({
    capabilities,
    roles,
    store,
    manageMembers: 'tenant.manage',
    now: clock.now,
    entitlements: { packages },
    ...(onDenied === undefined ? {} : { onDenied }),
  });
}

/** The scenario's tenantry type: the example catalog and plans. */
export type ScenarioTenantry = ReturnType<typeof scenarioTenantry>;

/** A memory adapter whose rate-limit hits fail; `classified` says whether it recognises the failure as a backend one. */
class FailingRateLimits extends MemoryAdapter {
  readonly #classified: boolean;

  constructor(classified: boolean) {
    super();
    this.#classified = classified;
    this.hitRateLimit = () => Promise.reject(new Error(SECRET_MESSAGE));
  }

  classifyError(): StorageFailure | undefined {
    return this.#classified ? { reason: 'connection_lost' } : undefined;
  }
}

/** A fresh scenario over a counting memory store, seeded with two tenants. */
export async function createScenario(): Promise<Scenario> {
  const denials: DenialEvent[] = [];
  const clock = testClock();
  const store = countingStore(memoryStore());
  const tenantry = scenarioTenantry({ store, clock, onDenied: (event) => denials.push(event) });
  const system = tenantry.as(systemActor('test'));
  const { tenant } = await system.tenants.create({ ownerId: 'alice' });
  await system.members.add({ tenantId: tenant.id, userId: 'bob', role: 'operator' });
  await system.members.add({ tenantId: tenant.id, userId: 'dave', role: 'manager' });
  await system.provisioning.assignPackage({ tenantId: tenant.id, packageKey: 'free' });
  const other = await system.tenants.create({ ownerId: 'mallory' });
  return {
    tenantry,
    store,
    denials,
    serverErrors: [],
    system,
    brokenTenantry: scenarioTenantry({ store: defineStore(new FailingRateLimits(true)), clock }),
    buggyTenantry: scenarioTenantry({ store: defineStore(new FailingRateLimits(false)), clock }),
    clock,
    tenantId: tenant.id,
    otherTenantId: other.tenant.id,
  };
}

/** The usage of a limit feature in the scenario's tenant (or one of its namespaces), read through the system scope. */
export async function usedOf(scenario: Scenario, featureKey: string, namespace?: string): Promise<number> {
  const report = await scenario.system.usage.report(namespace === undefined ? { tenantId: scenario.tenantId } : { tenantId: scenario.tenantId, namespace });
  return report.features.find((entry) => entry.featureKey === featureKey)?.used ?? Number.NaN;
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
  featureKey: string;
  namespace: string | null;
  requested: number;
  used: number;
  replayed: boolean;
} {
  const { featureKey, namespace, requested, used, replayed } = decision;
  return { featureKey, namespace, requested, used, replayed };
}

/** The problem handler options of a scenario app: `options` (see `HarnessOptions`), reporting 5xx errors to `serverErrors` unless `defaultReporting`. */
export function problemOptionsOf<Request extends { readonly headers: IncomingHttpHeaders }>(
  scenario: Scenario,
  options: { readonly typeBase?: string; readonly extend?: ProblemExtender<{ readonly headers: IncomingHttpHeaders }>; readonly defaultReporting?: boolean },
): ProblemHandlerOptions<Request> {
  return {
    ...(options.typeBase === undefined ? {} : { typeBase: options.typeBase }),
    ...(options.extend === undefined ? {} : { extend: options.extend }),
    ...(options.defaultReporting === true ? {} : { onServerError: (error: unknown) => scenario.serverErrors.push(error) }),
  };
}

/** Reads the user the way a host reads its session: one `x-user-id` header, or none. */
export function userFromHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const value = headers['x-user-id'];
  return typeof value === 'string' ? value : undefined;
}

/** The scenario's scope type, typed from the example catalog and plans. */
export type ScenarioScope = ReturnType<ScenarioTenantry['forRequest']>;

/** The billing handler: more checks on the same tenant, which must cost no further lookup. */
export async function billingBody(context: TenantContext<ScenarioScope>): Promise<{ tenantId: string; canWrite: boolean }> {
  const { scope, tenantId } = context;
  await scope.authorize(tenantId, 'billing.read');
  const canWrite = await scope.can(tenantId, 'project.write');
  await scope.actionState(tenantId, 'billing.manage');
  return { tenantId, canWrite };
}

/** Adds a member as the requesting user; validation and duplicates surface as tenantry errors. */
export async function addMember(context: TenantContext<ScenarioScope>, body: unknown): Promise<{ tenantId: string; userId: string; role: string }> {
  const { userId, role } = (body ?? {}) as { userId?: unknown; role?: unknown };
  // Deliberately unchecked: the library validates its inputs and the test asserts the 400.
  const member = await context.scope.members.add({ tenantId: context.tenantId, userId: userId as string, role: role as Role });
  return { tenantId: member.tenantId, userId: member.userId, role: member.role };
}

/** Changes a member's role as the requesting user: the delegation rule and owner protection answer for themselves. */
export async function changeRole(context: TenantContext<ScenarioScope>, userId: string, body: unknown): Promise<{ userId: string; role: string }> {
  const { role } = (body ?? {}) as { role?: unknown };
  const member = await context.scope.members.changeRole({ tenantId: context.tenantId, userId, role: role as Role });
  return { userId: member.userId, role: member.role };
}

/** Provisioning through the user's own scope: a wiring mistake tenantry refuses with `actor_not_allowed`. */
export async function assignPlan(context: TenantContext<ScenarioScope>): Promise<{ packageKey: string }> {
  const assignment = await context.scope.provisioning.assignPackage({ tenantId: context.tenantId, packageKey: 'pro' });
  return { packageKey: assignment.packageKey };
}

/** A programming error: a capability string that is not declared. */
export function checkUnknownCapability(context: TenantContext): Promise<unknown> {
  return context.scope.authorize(context.tenantId, SECRET_CAPABILITY);
}

/**
 * One sample of every error class, keyed by code. A total record: a new code
 * does not compile until it has a sample here, so the rendering test below
 * covers it.
 */
const ERROR_SAMPLES: Readonly<Record<TenantryErrorCode, () => TenantryError>> = {
  not_found: () => new NotFoundError(`Project ${SECRET_MESSAGE} not found.`),
  forbidden: () => new ForbiddenError('billing.manage'),
  owner_required: () => new OwnerRequiredError('owner_role', `Only an owner can: ${SECRET_MESSAGE}`),
  delegation_denied: () => new DelegationDeniedError('role_exceeds_actor', 'billing.manage', `Cannot grant: ${SECRET_MESSAGE}`),
  actor_not_allowed: () => new ActorNotAllowedError('system', `Needs a system actor: ${SECRET_MESSAGE}`),
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
  idempotent_replay: () => new IdempotentReplayError(`Replayed: ${SECRET_MESSAGE}`),
  idempotency_in_progress: () => new IdempotencyInProgressError(`In progress: ${SECRET_MESSAGE}`),
  tenant_archived: () => new TenantArchivedError(`Archived: ${SECRET_MESSAGE}`),
  idempotency_conflict: () => new IdempotencyConflictError(),
  invalid_code: () => new InvalidCodeError('mismatch', `Code ${SECRET_MESSAGE} refused.`),
  two_factor_not_enrolled: () => new TwoFactorNotEnrolledError(`No factor for ${SECRET_MESSAGE}.`),
  two_factor_active: () => new TwoFactorActiveError(),
  two_factor_locked: () => new TwoFactorLockedError(60),
  second_factor_required: () => new SecondFactorRequiredError('billing.manage'),
  storage_integrity: () => new StorageIntegrityError(`Key ${SECRET_MESSAGE} missing.`),
  unsafe_url: () => new UnsafeUrlError('address_not_allowed', `Refused: ${SECRET_MESSAGE}`),
  webhook_verification_failed: () => new WebhookVerificationError('signature_mismatch', `Mismatch: ${SECRET_MESSAGE}`),
  invalid_token: () => new InvalidTokenError(),
  too_many_attempts: () => new TooManyAttemptsError(30),
  invalid_snapshot: () => new InvalidSnapshotError('granted'),
  role_in_use: () => new RoleInUseError(2),
};

/** Every tenantry error code, in sample order. */
export const ERROR_CODES = Object.keys(ERROR_SAMPLES) as TenantryErrorCode[];

/** A fresh sample error for `code`; an unknown code yields a plain `Error`. */
export function errorFor(code: string): Error {
  const sample = (ERROR_SAMPLES as Partial<Record<string, () => TenantryError>>)[code];
  return sample === undefined ? new Error(`no sample for ${code}`) : sample();
}

/** Strings that must never appear in a response body. */
export const SECRETS = [SECRET_MESSAGE, SECRET_CAPABILITY, SECRET_FEATURE, 'hunter2', 'stack', 'ECONNREFUSED'] as const;
