import { userActor, type Tenantry, type TenantryErrorCode } from 'tenantry';
import type { TenantryRequestContext } from 'tenantry/express';
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
 * - `GET  /by-header`: `tenantContext()` with the tenant id from `x-tenant-id`, 200 `{ tenantId }`;
 * - `GET  /unguarded/billing`: `requireCapability('billing.read')` without `tenantContext()` (a wiring mistake).
 */
export interface Scenario {
  readonly tenantry: Tenantry<Capability, Role>;
  readonly store: CountingStore;
  /** alice is owner, bob operator; mallory owns another tenant. */
  readonly tenantId: string;
  readonly otherTenantId: string;
}

export const WWW_AUTHENTICATE = 'Bearer realm="tenantry-test"';
export const SECRET_MESSAGE = 'db password is hunter2';
export const SECRET_CAPABILITY = 'secret.capability-name';
const SECRET_FEATURE = 'secret-feature-key';

/** A fresh tenantry over a counting memory store, seeded with two tenants. */
export async function createScenario(): Promise<Scenario> {
  const { tenantry, store } = setup();
  const tenantId = await tenantWith(tenantry, 'alice', { bob: 'operator' });
  const otherTenantId = await tenantWith(tenantry, 'mallory');
  return { tenantry, store, tenantId, otherTenantId };
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
