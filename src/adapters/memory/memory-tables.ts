import { AlreadyExistsError, NotFoundError } from '../../core/errors/index.js';
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
} from '../../store/records.js';
import { tenantRecordOf, withUpdate } from './memory-tenant-records.js';
import { assertValidDates } from './valid-date.js';

/** Reverts one mutation. Collected per transaction so a failed one can be rolled back. */
export type Undo = () => void;

/** Runs undo entries newest first, restoring the state before the first of them. */
export function rollBack(undo: readonly Undo[]): void {
  for (let i = undo.length - 1; i >= 0; i -= 1) undo[i]?.();
}

/**
 * The in-memory tables and the semantics of every store operation, written
 * synchronously. Atomicity comes from that: with no `await` between reading a
 * guard and writing, no other operation can interleave.
 */
export class MemoryTables {
  readonly #tenants = new Map<string, TenantRecord>();
  /** Lower-cased slug -> tenant id: the case-insensitive unique index of the SQL adapters. */
  readonly #slugs = new Map<string, string>();
  /** tenantId -> userId -> membership */
  readonly #byTenant = new Map<string, Map<string, MembershipRecord>>();
  /** userId -> tenantId -> membership: keeps the tenant switcher O(memberships of the user). */
  readonly #byUser = new Map<string, Map<string, MembershipRecord>>();
  /** Membership primary keys, unique like the SQL adapters' primary key. */
  readonly #membershipIds = new Set<string>();

  createTenant(tenant: NewTenant, owner: NewMembership, undo: Undo[]): void {
    assertValidDates(tenant.createdAt, owner.createdAt);
    if (this.#tenants.has(tenant.id)) throw new AlreadyExistsError('tenant');
    const record = tenantRecordOf(tenant);
    if (record.slug !== undefined && this.#slugs.has(record.slug.toLowerCase())) throw new AlreadyExistsError('tenant slug');
    this.#putTenant(undefined, record, undo);
    this.#byTenant.set(tenant.id, new Map());
    undo.push(() => {
      this.#byTenant.delete(tenant.id);
    });
    this.insertMembership(owner, undo);
  }

  findTenant(tenantId: string): TenantRecord | undefined {
    return this.#tenants.get(tenantId);
  }

  updateTenant(update: TenantUpdate, undo: Undo[]): TenantRecord | undefined {
    const before = this.#tenants.get(update.tenantId);
    if (before === undefined) return undefined;
    if (update.archivedAt != null) assertValidDates(update.archivedAt);
    const after = withUpdate(before, update);
    const slugKey = after.slug?.toLowerCase();
    if (slugKey !== undefined && (this.#slugs.get(slugKey) ?? before.id) !== before.id) throw new AlreadyExistsError('tenant slug');
    this.#putTenant(before, after, undo);
    return after;
  }

  /** The membership unless the tenant is archived (see `Store.findActiveMembership`). */
  findActiveMembership(tenantId: string, userId: string): MembershipRecord | undefined {
    return this.#tenants.get(tenantId)?.archivedAt === undefined ? this.findMembership(tenantId, userId) : undefined;
  }

  /** Deletes the tenant row and its memberships; the caller deletes the other tables' rows first. */
  deleteTenant(tenantId: string, undo: Undo[]): boolean {
    const tenant = this.#tenants.get(tenantId);
    if (tenant === undefined) return false;
    for (const member of [...(this.#byTenant.get(tenantId)?.values() ?? [])]) {
      this.#remove(member);
      undo.push(() => {
        this.#index(member);
      });
    }
    const members = this.#byTenant.get(tenantId);
    this.#byTenant.delete(tenantId);
    undo.push(() => {
      if (members !== undefined) this.#byTenant.set(tenantId, members);
    });
    this.#putTenant(tenant, undefined, undo);
    return true;
  }

  listTenants(page: TenantPageRequest): readonly TenantRecord[] {
    const { afterId, slugPrefix } = page;
    return [...this.#tenants.values()]
      .filter((t) => afterId === undefined || compare(t.id, afterId) > 0)
      .filter((t) => slugPrefix === undefined || (t.slug?.toLowerCase().startsWith(slugPrefix) ?? false))
      .sort((a, b) => compare(a.id, b.id))
      .slice(0, page.limit);
  }

  /** Replaces the tenant row `before` (absent for a new tenant) with `after` (absent for a deletion), keeping the slug index in step. */
  #putTenant(before: TenantRecord | undefined, after: TenantRecord | undefined, undo: Undo[]): void {
    const id = (after ?? before)?.id ?? '';
    const reindex = (from: TenantRecord | undefined, to: TenantRecord | undefined) => {
      if (from?.slug !== undefined) this.#slugs.delete(from.slug.toLowerCase());
      if (to?.slug !== undefined) this.#slugs.set(to.slug.toLowerCase(), to.id);
      if (to === undefined) this.#tenants.delete(id);
      else this.#tenants.set(to.id, to);
    };
    reindex(before, after);
    undo.push(() => {
      reindex(after, before);
    });
  }

  findMembership(tenantId: string, userId: string): MembershipRecord | undefined {
    return this.#byTenant.get(tenantId)?.get(userId);
  }

  listMembershipsOfUser(userId: string): readonly MembershipRecord[] {
    const rows = [...(this.#byUser.get(userId)?.values() ?? [])];
    return rows.sort((a, b) => compare(a.tenantId, b.tenantId));
  }

  /** The user's memberships in tenants that are not archived (see `Store.listActiveMembershipsOfUser`). */
  listActiveMembershipsOfUser(userId: string): readonly MembershipRecord[] {
    return this.listMembershipsOfUser(userId).filter((m) => this.#tenants.get(m.tenantId)?.archivedAt === undefined);
  }

  listMembers(tenantId: string, page: MemberPageRequest): readonly MembershipRecord[] {
    const members = [...(this.#byTenant.get(tenantId)?.values() ?? [])];
    const after = page.afterUserId;
    return members
      .filter((m) => after === undefined || compare(m.userId, after) > 0)
      .sort((a, b) => compare(a.userId, b.userId))
      .slice(0, page.limit);
  }

  insertMembership(membership: NewMembership, undo: Undo[]): void {
    assertValidDates(membership.createdAt);
    const members = this.#byTenant.get(membership.tenantId);
    if (members === undefined) throw new NotFoundError();
    if (members.has(membership.userId) || this.#membershipIds.has(membership.id)) throw new AlreadyExistsError('membership');
    this.#put(Object.freeze({ ...membership }), undo);
  }

  updateMembershipRole(change: RoleChange, undo: Undo[]): GuardedWriteResult {
    const previous = this.findMembership(change.tenantId, change.userId);
    if (previous === undefined) return { outcome: 'not_found' };
    if (previous.role === change.ownerRole && change.role !== change.ownerRole && this.#ownerCount(change.tenantId, change.ownerRole) <= 1) {
      return { outcome: 'last_owner' };
    }
    this.#put(Object.freeze({ ...previous, role: change.role }), undo);
    return { outcome: 'applied', previous };
  }

  deleteMembership(removal: MembershipRemoval, undo: Undo[]): GuardedWriteResult {
    const previous = this.findMembership(removal.tenantId, removal.userId);
    if (previous === undefined) return { outcome: 'not_found' };
    if (previous.role === removal.ownerRole && this.#ownerCount(removal.tenantId, removal.ownerRole) <= 1) {
      return { outcome: 'last_owner' };
    }
    this.#remove(previous);
    undo.push(() => {
      this.#index(previous);
    });
    return { outcome: 'applied', previous };
  }

  /** The members of `tenantId` holding `role` (a tenant role's deletion guard). */
  membersWithRole(tenantId: string, role: string): readonly MembershipRecord[] {
    return [...(this.#byTenant.get(tenantId)?.values() ?? [])].filter((member) => member.role === role);
  }

  /** Gives `member` the role `role` (a tenant role's deletion with `reassignTo`); undoable. */
  reassignRole(member: MembershipRecord, role: string, undo: Undo[]): void {
    this.#put(Object.freeze({ ...member, role }), undo);
  }

  #ownerCount(tenantId: string, ownerRole: string): number {
    let owners = 0;
    for (const member of this.#byTenant.get(tenantId)?.values() ?? []) {
      if (member.role === ownerRole) owners += 1;
    }
    return owners;
  }

  #put(record: MembershipRecord, undo: Undo[]): void {
    const before = this.findMembership(record.tenantId, record.userId);
    this.#index(record);
    undo.push(() => {
      if (before === undefined) this.#remove(record);
      else this.#index(before);
    });
  }

  #index(record: MembershipRecord): void {
    this.#membershipIds.add(record.id);
    this.#byTenant.get(record.tenantId)?.set(record.userId, record);
    let tenants = this.#byUser.get(record.userId);
    if (tenants === undefined) {
      tenants = new Map();
      this.#byUser.set(record.userId, tenants);
    }
    tenants.set(record.tenantId, record);
  }

  #remove(record: MembershipRecord): void {
    this.#membershipIds.delete(record.id);
    this.#byTenant.get(record.tenantId)?.delete(record.userId);
    const tenants = this.#byUser.get(record.userId);
    tenants?.delete(record.tenantId);
    if (tenants?.size === 0) this.#byUser.delete(record.userId);
  }
}

/**
 * Code-point order, the order the SQL adapters' binary collations give
 * (UTF-8 bytes sort by code point). Plain `<` compares UTF-16 code units,
 * which differs for characters above U+FFFF.
 */
export function compare(a: string, b: string): number {
  if (a === b) return 0;
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const x = left.next();
    const y = right.next();
    if (x.done === true) return y.done === true ? 0 : -1;
    if (y.done === true) return 1;
    const difference = (x.value.codePointAt(0) ?? 0) - (y.value.codePointAt(0) ?? 0);
    if (difference !== 0) return difference;
  }
}
