import { z } from 'zod';
import { ConfigurationError } from '../core/errors/index.js';
import type { CapabilityRegistry } from '../core/capabilities/define-capabilities.js';
import type { DisabledReasonFormatter } from '../core/decisions/action-state.js';
import type { ErrorHook } from '../core/hooks/error-hook.js';
import type { MembershipFact } from '../core/decisions/decision.js';
import { tenantIdSchema, userIdSchema, UUID_PATTERN } from '../core/ids/identifiers.js';
import type { RoleMap } from '../core/roles/define-roles.js';
import { parseConfig, parseInput } from '../core/validation/parse-input.js';
import type { DenialHook } from '../services/authz/denial-event.js';
import type { InvalidationBus, InvalidationMessage } from '../services/authz/invalidation-bus.js';
import { MembershipCache, type MembershipCacheOptions } from '../services/authz/membership-cache.js';
import { RequestScope } from '../services/authz/request-scope.js';
import { timeOrderedIdGenerator } from '../services/audit/time-ordered-id.js';
import { Auditor } from '../services/audit/auditor.js';
import {
  membershipSchemas,
  type AddMemberInput,
  type ChangeRoleInput,
  type CreateTenantInput,
  type LeaveTenantInput,
  type PageInput,
  type RemoveMemberInput,
  type TransferOwnershipInput,
} from '../services/membership/membership-inputs.js';
import { MembershipQueries, type Page } from '../services/membership/membership-queries.js';
import { MembershipService, type CreatedTenant, type OwnershipTransfer } from '../services/membership/membership-service.js';
import type { SeatPolicy } from '../services/membership/seat-policy.js';
import type { AuditRecord } from '../store/audit-records.js';
import type { MembershipRecord } from '../store/records.js';
import type { Store } from '../store/store.js';

/** Options of {@link createTenantry}. */
export interface TenantryOptions<C extends string, R extends string> {
  /** The capability registry from `defineCapabilities`. */
  readonly capabilities: CapabilityRegistry<C>;
  /** The role map from `defineRoles`, defined over the same registry. */
  readonly roles: RoleMap<C, R>;
  /** Where tenants and memberships live: `memoryStore()`, `kyselyStore(db)`, or your own adapter. */
  readonly store: Store;
  /**
   * Capability that lets a member manage memberships (add members, change
   * roles and remove). Default: only members holding the owner role may.
   *
   * Holders who are not owners manage under the delegation rule: they grant,
   * change and remove only roles whose capabilities are a subset of their own,
   * never touch the owner role or an owner, and never change their own role.
   */
  readonly manageMembersCapability?: NoInfer<C>;
  /** Capability needed to read the audit log. Default: only members holding the owner role may. */
  readonly auditCapability?: NoInfer<C>;
  /**
   * The role a previous owner keeps after transferring ownership (overridable
   * per call). Default is the first declared role that is not the owner role.
   */
  readonly previousOwnerRole?: NoInfer<R>;
  /**
   * Seat accounting: adding a member takes a seat and removing one gives it
   * back, in the same transaction. Build it with `seatPolicy()`.
   */
  readonly seats?: SeatPolicy;
  /**
   * Cross-request membership cache. Default is off: every request scope reads
   * storage once per tenant. Changes made through this instance invalidate it
   * at once; the TTL bounds staleness for changes made elsewhere.
   */
  readonly cache?: MembershipCacheOptions | false;
  /** Propagates cache invalidations between instances. Only meaningful with `cache`. */
  readonly invalidationBus?: InvalidationBus;
  /** Receives a structured event for every denied check. */
  readonly onDenied?: DenialHook;
  /**
   * Tooltip text for visible-but-disabled actions. Default names the role and
   * the capability. If it throws (or returns a non-string), `actionState()`
   * still resolves, with the default text, and the failure goes to `onError`.
   */
  readonly formatDisabledReason?: DisabledReasonFormatter;
  /**
   * Receives failures that must not change an outcome: a host hook that
   * throws (`formatDisabledReason` so far; the other hooks will report here
   * too) and an effect after a committed change (cache invalidation, the
   * invalidation bus) that throws. `context.source` says which; see
   * `ErrorHookContext`. The operation itself still succeeds. An exception
   * thrown by `onError` is dropped.
   *
   * Default is `console.error`, so failures are not silent. Pass your
   * logger; pass `() => {}` to silence them.
   *
   * @example
   * ```ts
   * createTenantry({ ..., onError: (error, { source }) => logger.warn({ err: error, source }, 'tenantry hook failed') });
   * ```
   */
  readonly onError?: ErrorHook;
  /**
   * Accepted tenant-id format, checked before any storage access (ids are
   * also limited to 64 characters). Default is a canonical lower-case UUID.
   */
  readonly tenantIdPattern?: RegExp;
  /** Clock, for tests. Default is `() => new Date()`. */
  readonly now?: () => Date;
  /** Id generator for tenants and memberships, for tests. Default is `crypto.randomUUID()`. */
  readonly generateId?: () => string;
}

/** The actor a request scope is created for. */
export interface RequestActor {
  readonly userId: string;
}

/** A configured tenantry instance. Create one per application with {@link createTenantry}. */
export interface Tenantry<C extends string, R extends string> {
  readonly capabilities: CapabilityRegistry<C>;
  readonly roles: RoleMap<C, R>;
  /** Tenant lifecycle. */
  readonly tenants: {
    /** Creates a tenant and its owner membership atomically. */
    create(input: CreateTenantInput): Promise<CreatedTenant>;
  };
  /** Membership management, checked against the acting user. */
  readonly members: {
    /**
     * Adds an existing user to a tenant. A user actor must hold the managing
     * capability (404 `NotFoundError` if not a member, 403 `ForbiddenError`
     * if lacking it); `AlreadyExistsError` for an existing member.
     *
     * A manager who is not an owner may grant only a role whose capabilities
     * are all its own, never the owner role, and never to itself
     * (`ForbiddenError`). Every `ForbiddenError` is audited as
     * `tenant_membership.denied`.
     */
    add(input: AddMemberInput<R>): Promise<MembershipRecord>;
    /**
     * Changes a member's role; `LastOwnerError` (audited) if it would leave no
     * owner. Checked like `add`; besides, a non-owner may not change a member
     * whose current role holds a capability it lacks, nor an owner, nor itself.
     */
    changeRole(input: ChangeRoleInput<R>): Promise<MembershipRecord>;
    /**
     * Removes a member; `LastOwnerError` (audited) for the last owner. A
     * non-owner may not remove a member whose role holds a capability it
     * lacks, nor an owner. Resolves with the removed row.
     */
    remove(input: RemoveMemberInput): Promise<MembershipRecord>;
    /**
     * The acting user leaves; `LastOwnerError` for the last owner. An unknown
     * tenant and a non-member get the same `NotFoundError`.
     */
    leave(input: LeaveTenantInput): Promise<MembershipRecord>;
    /** Hands ownership to another member atomically; the previous owner keeps `previousOwnerRole`. */
    transferOwnership(input: TransferOwnershipInput<R>): Promise<OwnershipTransfer>;
    /** One page of members with roles, ordered by user id; any member may list. */
    list(input: PageInput): Promise<Page<MembershipRecord>>;
  };
  /** The tenant audit log. */
  readonly audit: {
    /** Entries newest first, paginated; readers need `auditCapability` (default: owner role). */
    list(input: PageInput): Promise<Page<AuditRecord>>;
  };
  /**
   * Creates the memoizing scope for one request. Throws `ValidationError` for
   * a malformed user id.
   */
  forRequest(actor: RequestActor): RequestScope<C>;
  /**
   * Drops cached memberships after a change made outside tenantry (for
   * example a direct SQL import), here and, with a bus, on other instances.
   */
  invalidate(tenantId: string, userId?: string): void;
  /** Unsubscribes from the invalidation bus. Call on shutdown. */
  close(): void;
}

const optionsSchema = z.object({
  capabilities: z.custom<CapabilityRegistry>((value) => typeof (value as CapabilityRegistry | null)?.has === 'function', {
    message: 'expected the result of defineCapabilities()',
  }),
  roles: z.custom<RoleMap>((value) => typeof (value as RoleMap | null)?.grants === 'function', {
    message: 'expected the result of defineRoles()',
  }),
  store: z.custom<Store>((value) => typeof (value as Store | null)?.transaction === 'function', {
    message: 'expected a Store (memoryStore(), kyselyStore(db), ...)',
  }),
  manageMembersCapability: z.string().optional(),
  auditCapability: z.string().optional(),
  previousOwnerRole: z.string().optional(),
  seats: z.custom<SeatPolicy>((value) => typeof (value as SeatPolicy | null)?.take === 'function', { message: 'expected seatPolicy()' }).optional(),
  cache: z
    .union([
      z.literal(false),
      z.object({ max: z.number().int().min(1).max(10_000_000), ttlMs: z.number().int().min(1) }).strict(),
    ])
    .optional(),
  invalidationBus: z.custom<InvalidationBus>((value) => typeof (value as InvalidationBus | null)?.subscribe === 'function').optional(),
  onDenied: z.function().optional(),
  formatDisabledReason: z.function().optional(),
  onError: z.function().optional(),
  tenantIdPattern: z.instanceof(RegExp).optional(),
  now: z.function().optional(),
  generateId: z.function().optional(),
});

/**
 * Creates a tenantry instance: the entry point of the library.
 *
 * Options are validated once and the instance is immutable; a wrong option
 * throws `ConfigurationError` naming it.
 *
 * @example
 * ```ts
 * const tenantry = createTenantry({ capabilities, roles, store: memoryStore() });
 * const { tenant } = await tenantry.tenants.create({ ownerId: 'user-1' });
 * const scope = tenantry.forRequest({ userId: 'user-1' });
 * await scope.authorize(tenant.id, 'membership.manage');
 * ```
 */
export function createTenantry<C extends string, R extends string>(options: TenantryOptions<C, R>): Tenantry<C, R> {
  parseConfig(optionsSchema, options, 'createTenantry() options');
  const { capabilities, roles, store } = options;
  if (roles.capabilities !== capabilities) {
    throw new ConfigurationError('roles must be defined over the same capability registry passed as capabilities.');
  }
  const manageCapability = options.manageMembersCapability;
  if (manageCapability !== undefined) capabilities.assert(manageCapability);
  const auditCapability = options.auditCapability;
  if (auditCapability !== undefined) capabilities.assert(auditCapability);
  const previousOwnerRole = options.previousOwnerRole ?? roles.roleNames().find((role) => !roles.isOwner(role)) ?? roles.ownerRole;
  roles.assert(previousOwnerRole);

  const tenantIdPattern = options.tenantIdPattern ?? UUID_PATTERN;
  const tenantIds = tenantIdSchema(tenantIdPattern);
  const isValidTenantId = (tenantId: string) => tenantIds.safeParse(tenantId).success;
  const cache = options.cache ? new MembershipCache(options.cache) : undefined;
  const bus = options.invalidationBus;

  const dropLocal = (message: InvalidationMessage) => cache?.invalidate(message.tenantId, message.userId);
  const unsubscribe = bus?.subscribe(dropLocal);
  const invalidate = (tenantId: string, userId?: string) => {
    const message: InvalidationMessage = userId === undefined ? { tenantId } : { tenantId, userId };
    dropLocal(message);
    bus?.publish(message);
  };

  const fromStore = async (tenantId: string, userId: string): Promise<MembershipFact | undefined> => {
    const row = await store.findMembership(tenantId, userId);
    return row === undefined ? undefined : { role: row.role };
  };
  const loadMembership = cache
    ? (tenantId: string, userId: string) => cache.lookup(tenantId, userId, () => fromStore(tenantId, userId))
    : fromStore;

  const onError: ErrorHook = options.onError ?? defaultOnError;
  const now = options.now ?? (() => new Date());
  const schemas = membershipSchemas(roles, tenantIdPattern);
  const memberships = new MembershipService<C, R>({
    store,
    roles,
    schemas,
    manageCapability,
    previousOwnerRole,
    seats: options.seats,
    auditor: new Auditor(timeOrderedIdGenerator(() => now().getTime()), now),
    now,
    generateId: options.generateId ?? (() => globalThis.crypto.randomUUID()),
    onMembershipChanged: invalidate,
    onError,
  });
  const queries = new MembershipQueries<C>({ store, roles, schemas, auditCapability });

  const scopeDeps = Object.freeze({
    roles,
    isValidTenantId,
    loadMembership,
    listMemberships: (userId: string) => store.listMembershipsOfUser(userId),
    onDenied: options.onDenied,
    formatDisabledReason: options.formatDisabledReason,
    onError,
  });

  return Object.freeze({
    capabilities,
    roles,
    tenants: Object.freeze({ create: (input: CreateTenantInput) => memberships.createTenant(input) }),
    members: Object.freeze({
      add: (input: AddMemberInput<R>) => memberships.addMember(input),
      changeRole: (input: ChangeRoleInput<R>) => memberships.changeRole(input),
      remove: (input: RemoveMemberInput) => memberships.removeMember(input),
      leave: (input: LeaveTenantInput) => memberships.leave(input),
      transferOwnership: (input: TransferOwnershipInput<R>) => memberships.transferOwnership(input),
      list: (input: PageInput) => queries.listMembers(input),
    }),
    audit: Object.freeze({ list: (input: PageInput) => queries.listAudit(input) }),
    forRequest(actor: RequestActor): RequestScope<C> {
      const userId = parseInput(userIdSchema, (actor as RequestActor | undefined)?.userId, 'request actor user id');
      return new RequestScope<C>(userId, scopeDeps);
    },
    invalidate,
    close: () => unsubscribe?.(),
  });
}

/** The default `onError`: a library must not swallow failures silently. */
function defaultOnError(error: unknown, context: { readonly source: string }): void {
  console.error(`tenantry: ${context.source} failed`, error);
}
