import { AlreadyExistsError, NotFoundError } from '../../core/errors/index.js';
import type { TenantRoleChange, TenantRoleDeletion, TenantRoleDeletionResult, TenantRoleRecord } from '../../store/tenant-role-records.js';
import type { MemoryTables, Undo } from './memory-tables.js';

function frozenRole(role: TenantRoleRecord): TenantRoleRecord {
  return Object.freeze({ ...role, capabilities: Object.freeze([...role.capabilities]) });
}

/**
 * Tenant-defined roles in memory, keyed by tenant then name. Each method
 * runs synchronously (no `await` between a guard and its write), which is
 * what makes the deletion's in-use guard atomic here.
 */
export class MemoryTenantRoleTables {
  readonly #memberships: MemoryTables;
  readonly #byTenant = new Map<string, Map<string, TenantRoleRecord>>();

  constructor(memberships: MemoryTables) {
    this.#memberships = memberships;
  }

  insertTenantRole(role: TenantRoleRecord, undo: Undo[]): void {
    if (this.#memberships.findTenant(role.tenantId) === undefined) throw new NotFoundError();
    let roles = this.#byTenant.get(role.tenantId);
    if (roles?.has(role.name) === true) throw new AlreadyExistsError('tenant role');
    if (roles === undefined) {
      roles = new Map();
      this.#byTenant.set(role.tenantId, roles);
    }
    const created = roles;
    created.set(role.name, frozenRole(role));
    undo.push(() => created.delete(role.name));
  }

  listTenantRoles(tenantId: string): readonly TenantRoleRecord[] {
    const roles = [...(this.#byTenant.get(tenantId)?.values() ?? [])];
    // Code-unit order, as the SQL adapters' binary collations sort.
    return Object.freeze(roles.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  }

  updateTenantRole(change: TenantRoleChange, undo: Undo[]): TenantRoleRecord | undefined {
    const roles = this.#byTenant.get(change.tenantId);
    const before = roles?.get(change.name);
    if (roles === undefined || before === undefined) return undefined;
    const after = frozenRole({
      ...before,
      capabilities: change.capabilities,
      description: change.description === undefined ? before.description : change.description,
      updatedAt: change.updatedAt,
    });
    roles.set(change.name, after);
    undo.push(() => roles.set(change.name, before));
    return after;
  }

  deleteTenantRole(deletion: TenantRoleDeletion, undo: Undo[]): TenantRoleDeletionResult {
    const roles = this.#byTenant.get(deletion.tenantId);
    const before = roles?.get(deletion.name);
    if (roles === undefined || before === undefined) return { outcome: 'not_found' };
    const holders = this.#memberships.membersWithRole(deletion.tenantId, deletion.name);
    if (holders.length > 0 && deletion.reassignTo === undefined) return { outcome: 'in_use', members: holders.length };
    for (const member of holders) this.#memberships.reassignRole(member, deletion.reassignTo as string, undo);
    roles.delete(deletion.name);
    undo.push(() => roles.set(deletion.name, before));
    return { outcome: 'deleted', reassigned: holders.length };
  }

  /** Deletes every role of `tenantId` (the tenant is being deleted). */
  deleteTenantRows(tenantId: string, undo: Undo[]): void {
    const roles = this.#byTenant.get(tenantId);
    if (roles === undefined) return;
    this.#byTenant.delete(tenantId);
    undo.push(() => this.#byTenant.set(tenantId, roles));
  }
}
