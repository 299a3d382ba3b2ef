import type {
  GuardedWriteResult,
  MemberPageRequest,
  MembershipRecord,
  MembershipRemoval,
  NewMembership,
  NewTenant,
  RoleChange,
  TenantRecord,
} from './records.js';
import type { AuditOperations } from './audit-operations.js';
import type { EntitlementOperations } from './entitlement-operations.js';
import type { RateLimitOperations } from './rate-limit-operations.js';

/**
 * The semantic storage operations on tenants and memberships. Each operation is atomic on
 * its own: an adapter makes it so in whatever way its backend allows (a single
 * guarded statement, a row lock, an immediate transaction), never with a
 * read-then-write that another writer could interleave.
 *
 * Inputs reaching a store are already validated by the services; adapters
 * translate their driver errors into tenantry errors
 * (`AlreadyExistsError`, `NotFoundError`, `StorageUnavailableError`).
 */
export interface MembershipOperations {
  /**
   * Creates a tenant together with its first membership (the owner), all or
   * nothing. Throws `AlreadyExistsError` (entity `tenant`) when the id is taken.
   */
  createTenant(tenant: NewTenant, owner: NewMembership): Promise<void>;

  /** The tenant with this id, or `undefined`. */
  findTenant(tenantId: string): Promise<TenantRecord | undefined>;

  /**
   * Inside a transaction: locks the tenant against concurrent membership
   * changes until the transaction ends, so that what is read next (the acting
   * user's own membership) cannot change before the write commits. Resolves
   * `false` when the tenant does not exist. Outside a transaction it only
   * checks existence. Adapters whose transactions are already serialised
   * (SQLite's immediate transactions, the memory store) only check existence.
   */
  lockTenant(tenantId: string): Promise<boolean>;

  /** One user's membership in one tenant, or `undefined`. One round trip. */
  findMembership(tenantId: string, userId: string): Promise<MembershipRecord | undefined>;

  /**
   * Every membership of one user (the tenant switcher), ordered by tenant id.
   * One round trip however many tenants.
   */
  listMembershipsOfUser(userId: string): Promise<readonly MembershipRecord[]>;

  /** One page of a tenant's members ordered by user id ascending. */
  listMembers(tenantId: string, page: MemberPageRequest): Promise<readonly MembershipRecord[]>;

  /**
   * Inserts a membership. Throws `NotFoundError` when the tenant does not
   * exist and `AlreadyExistsError` (entity `membership`) when the user is
   * already a member or the membership id is taken (ids are unique).
   */
  insertMembership(membership: NewMembership): Promise<void>;

  /**
   * Changes a member's role unless that would leave the tenant without an
   * owner. The owner count and the write are one atomic step: two owners
   * demoting each other at the same instant cannot both succeed.
   */
  updateMembershipRole(change: RoleChange): Promise<GuardedWriteResult>;

  /** Removes a membership unless it is the tenant's last owner; atomic like `updateMembershipRole`. */
  deleteMembership(removal: MembershipRemoval): Promise<GuardedWriteResult>;
}

/**
 * Every semantic storage operation: memberships, the audit log,
 * entitlements and rate limits. Each is atomic on its own; see {@link Store.transaction} for
 * combining several.
 */
export interface StoreOperations extends MembershipOperations, AuditOperations, EntitlementOperations, RateLimitOperations {}

/**
 * The storage port. Services depend on this interface only; `tenantry/memory`
 * and `tenantry/kysely` implement it, and `tenantry/testing` exports the
 * conformance suite every implementation must pass.
 */
export interface Store extends StoreOperations {
  /**
   * Runs `work` in one transaction: either every operation it performs through
   * `tx` takes effect, or (when `work` throws) none does, and the error is
   * rethrown. Concurrent transactions that touch the same tenant are
   * serialised by the adapter, so the guards of the operations stay correct.
   *
   * Each operation stays all-or-nothing inside the transaction: one that fails
   * (say `createTenant` whose owner insert collides) leaves nothing behind,
   * and the transaction stays usable if `work` catches the error. Operations
   * run one at a time even when `work` starts several without awaiting.
   * `tx` must not be used after `work` settles, and `work` must use `tx`, not
   * the store (on single-writer backends that would wait for itself).
   */
  transaction<T>(work: (tx: StoreOperations) => Promise<T>): Promise<T>;
}
