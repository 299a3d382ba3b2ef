/**
 * Where a membership came from, kept as provenance on the row.
 *
 * - `tenant_create`: the owner membership created together with the tenant.
 * - `member_add`: added by a member who manages memberships.
 * - `system`: added by trusted server code through the system actor (bootstrap, provisioning, imports).
 * - `invitation`: created by accepting an invitation.
 */
export const MEMBERSHIP_SOURCES = ['tenant_create', 'member_add', 'system', 'invitation'] as const;

/** See {@link MEMBERSHIP_SOURCES}. */
export type MembershipSource = (typeof MEMBERSHIP_SOURCES)[number];

/**
 * Who wrote a row, as the provenance fields record it: `user` for a user
 * actor, `system` for the system actor. The pair (`createdByType`,
 * `createdBy`) identifies the writer; `createdBy` alone does not, because a
 * host's user id may itself look like `system:<label>`.
 */
export const ACTOR_TYPES = ['user', 'system'] as const;

/** See {@link ACTOR_TYPES}. */
export type ActorType = (typeof ACTOR_TYPES)[number];

/**
 * Host-defined JSON metadata of a tenant: a JSON object (services cap its
 * serialized size). Stores keep it exactly as written and return a copy.
 */
export type TenantMetadata = { readonly [key: string]: TenantMetadataValue };

/** A JSON value inside {@link TenantMetadata}. */
export type TenantMetadataValue = string | number | boolean | null | readonly TenantMetadataValue[] | { readonly [key: string]: TenantMetadataValue };

/**
 * A tenant as stored. The optional fields (`0007_tenant_lifecycle`) are
 * absent, never `undefined`, when unset: a store returns exactly the keys
 * that hold a value.
 */
export interface TenantRecord {
  readonly id: string;
  /** Whether `createdBy` is a user id or a system actor. Always read it together with `createdBy`. */
  readonly createdByType: ActorType;
  /** Who created it: the user id (`createdByType: 'user'`), or `system:<label>` (`createdByType: 'system'`). */
  readonly createdBy: string;
  readonly createdAt: Date;
  /** Display name. */
  readonly name?: string;
  /**
   * URL handle, as written (services validate: ASCII letters, digits and
   * inner hyphens). Unique ignoring case: stores compare its lower-case form.
   */
  readonly slug?: string;
  /** Host-defined JSON metadata. */
  readonly metadata?: TenantMetadata;
  /** Set while the tenant is archived (no member can act); absent otherwise. */
  readonly archivedAt?: Date;
}

/** A membership row: one user's role in one tenant. Unique per (tenant, user). */
export interface MembershipRecord {
  /** UUID primary key. */
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  /** Role name. The store treats it as an opaque string; services validate it against the role map. */
  readonly role: string;
  /** Whether `createdBy` is a user id or a system actor. Always read it together with `createdBy`. */
  readonly createdByType: ActorType;
  /** Who created the membership: the user id, or `system:<label>` for the system actor. */
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly source: MembershipSource;
}

/** Input of `Store.createTenant`; every field is chosen by the service. */
export type NewTenant = TenantRecord;

/**
 * Input of `Store.updateTenant`: the fields to change. A field that is
 * absent keeps its value; `null` clears it.
 */
export interface TenantUpdate {
  readonly tenantId: string;
  readonly name?: string | null;
  readonly slug?: string | null;
  readonly metadata?: TenantMetadata | null;
  readonly archivedAt?: Date | null;
}

/** Keyset page request over every tenant, ordered by tenant id ascending. */
export interface TenantPageRequest {
  /** At most this many rows (1 to 1001; services validate). */
  readonly limit: number;
  /** Return only tenants whose id sorts after this one. */
  readonly afterId?: string;
  /** Only tenants whose slug, lower-cased, starts with this (already lower-case) prefix. */
  readonly slugPrefix?: string;
}

/** Input of `Store.insertMembership`; every field is chosen by the service. */
export type NewMembership = MembershipRecord;

/** Keyset page request over a tenant's members, ordered by user id ascending. */
export interface MemberPageRequest {
  /** At most this many rows (1 to 1000; services validate). */
  readonly limit: number;
  /** Return only members whose user id sorts after this one (the last user id of the previous page). */
  readonly afterUserId?: string;
}

/** Input of `Store.updateMembershipRole`. */
export interface RoleChange {
  readonly tenantId: string;
  readonly userId: string;
  readonly role: string;
  /**
   * The owner role. The change is refused with outcome `last_owner` when it
   * would leave the tenant with no member holding this role.
   */
  readonly ownerRole: string;
}

/** Input of `Store.deleteMembership`. */
export interface MembershipRemoval {
  readonly tenantId: string;
  readonly userId: string;
  /** The removal is refused with outcome `last_owner` when it would leave no owner. */
  readonly ownerRole: string;
}

/**
 * Result of a guarded membership write.
 *
 * - `applied`: the write took effect; `previous` is the row as it was before.
 * - `not_found`: there is no such membership; nothing changed.
 * - `last_owner`: the write would leave the tenant without an owner; nothing changed.
 */
export type GuardedWriteResult =
  { readonly outcome: 'applied'; readonly previous: MembershipRecord } | { readonly outcome: 'not_found' } | { readonly outcome: 'last_owner' };
