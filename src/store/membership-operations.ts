import type {
  GuardedWriteResult,
  MemberPageRequest,
  MembershipRecord,
  MembershipRemoval,
  NewMembership,
  NewTenant,
  RoleChange,
  TenantPageRequest,
  TenantRecord,
  TenantUpdate,
} from './records.js';

/**
 * The semantic storage operations on tenants and memberships. Each operation is atomic on
 * its own: an adapter makes it so in whatever way its backend allows (a single
 * guarded statement, a row lock, an immediate transaction), never with a
 * read-then-write that another writer could interleave.
 *
 * Inputs reaching a store are already validated by the services; adapters
 * translate the driver errors that mean something to the operation into
 * tenantry errors (`AlreadyExistsError`, `NotFoundError`), and recognise
 * outages in `classifyError`, which `defineStore` turns into
 * `StorageUnavailableError`.
 */
export interface MembershipOperations {
  /**
   * Creates a tenant together with its first membership (the owner), all or
   * nothing. Throws `AlreadyExistsError` (entity `tenant`) when the id is
   * taken, and (entity `tenant slug`) when another tenant has the same slug
   * ignoring case.
   */
  createTenant(tenant: NewTenant, owner: NewMembership): Promise<void>;

  /** The tenant with this id, or `undefined`. */
  findTenant(tenantId: string): Promise<TenantRecord | undefined>;

  /**
   * Changes the fields `update` names and returns the tenant as it is after
   * the change, or `undefined` when there is no such tenant (nothing
   * changed). A slug another tenant holds (ignoring case) is
   * `AlreadyExistsError` (entity `tenant slug`), and nothing changes.
   */
  updateTenant(update: TenantUpdate): Promise<TenantRecord | undefined>;

  /**
   * Deletes the tenant and every row it owns (memberships, package
   * assignments, boosts, namespace limits, usage counters, idempotency
   * records, usage alerts), all or nothing; the audit log is kept. Resolves
   * `false` when there is no such tenant (nothing changed).
   */
  deleteTenant(tenantId: string): Promise<boolean>;

  /**
   * Like `findMembership`, but `undefined` while the tenant is archived: the
   * lookup every access decision of a user makes (one round trip).
   */
  findActiveMembership(tenantId: string, userId: string): Promise<MembershipRecord | undefined>;

  /** One page of every tenant ordered by id ascending, optionally only slugs with a prefix. */
  listTenants(page: TenantPageRequest): Promise<readonly TenantRecord[]>;

  /** One user's membership in one tenant, or `undefined`. One round trip. */
  findMembership(tenantId: string, userId: string): Promise<MembershipRecord | undefined>;

  /**
   * Every membership of one user (the tenant switcher), ordered by tenant id.
   * One round trip however many tenants.
   */
  listMembershipsOfUser(userId: string): Promise<readonly MembershipRecord[]>;

  /**
   * Like `listMembershipsOfUser`, but only the memberships in tenants that
   * are not archived, ordered by tenant id: the tenants the user can act in
   * (the tenant switcher, and what may prime a request's memo of access
   * decisions, which must answer 404 for an archived tenant). One round trip
   * however many tenants.
   */
  listActiveMembershipsOfUser(userId: string): Promise<readonly MembershipRecord[]>;

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
