import { refFromStored, type ActorRef } from '../../core/actors/actor.js';
import type { MembershipRecord, MembershipSource, TenantMetadata, TenantRecord } from '../../store/records.js';

/**
 * A member of a tenant, as services report it.
 *
 * `role` is a string rather than the declared role union because a stored
 * role may since have been removed from the role map (it then grants
 * nothing).
 */
export interface Member {
  readonly tenantId: string;
  readonly userId: string;
  readonly role: string;
  /** When the membership was created. */
  readonly joinedAt: Date;
  /** Who created it. */
  readonly addedBy: ActorRef;
  /** How it was created; see `MEMBERSHIP_SOURCES`. */
  readonly source: MembershipSource;
}

/** A tenant, as services report it. The optional fields are absent when unset. */
export interface Tenant {
  readonly id: string;
  readonly createdAt: Date;
  /** Who created it. */
  readonly createdBy: ActorRef;
  readonly name?: string;
  /** As written; unique ignoring case. */
  readonly slug?: string;
  /** Host-defined JSON metadata (frozen). */
  readonly metadata?: TenantMetadata;
  /** When it was archived, while it is. */
  readonly archivedAt?: Date;
}

/** Result of `scope.tenants.create`: the tenant and its founding owner. */
export interface CreatedTenant {
  readonly tenant: Tenant;
  readonly owner: Member;
}

/** Result of `scope.members.transferOwnership`: both members with their new roles. */
export interface OwnershipTransfer {
  readonly previousOwner: Member;
  readonly newOwner: Member;
}

/** The view of a stored membership, optionally with another role (after a change). */
export function toMember(record: MembershipRecord, role: string = record.role): Member {
  return Object.freeze({
    tenantId: record.tenantId,
    userId: record.userId,
    role,
    joinedAt: record.createdAt,
    addedBy: refFromStored(record.createdByType, record.createdBy),
    source: record.source,
  });
}

/** The view of a stored tenant. */
export function toTenant(record: TenantRecord): Tenant {
  return Object.freeze({
    id: record.id,
    createdAt: record.createdAt,
    createdBy: refFromStored(record.createdByType, record.createdBy),
    ...(record.name === undefined ? {} : { name: record.name }),
    ...(record.slug === undefined ? {} : { slug: record.slug }),
    ...(record.metadata === undefined ? {} : { metadata: record.metadata }),
    ...(record.archivedAt === undefined ? {} : { archivedAt: record.archivedAt }),
  });
}
