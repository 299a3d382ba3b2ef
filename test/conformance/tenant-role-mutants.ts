import type { StoreConformanceCaseName } from 'tenantry/testing';
import type { Store } from '../../src/store/store.js';
import type { TenantRoleRecord } from '../../src/store/tenant-role-records.js';
import { ignoring, noTransaction, patched } from './store-mutants.js';

/** Deliberately broken tenant-role operations, one per tenant-role conformance case. */
export const TENANT_ROLE_MUTANTS = {
  'insertTenantRole stores every field; listTenantRoles returns one tenant’s roles by name, and nothing for another or an unknown tenant': patched((ops) => ({
    // Lists in insertion order instead of by name.
    listTenantRoles: async (t) =>
      [...(await ops.listTenantRoles(t))].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.name < b.name ? 1 : -1)),
  })),
  'insertTenantRole refuses a taken name with AlreadyExistsError(tenant role), names exactly, and a missing tenant with NotFoundError': patched((ops) => ({
    // Upserts: a second role of the same name overwrites the first.
    insertTenantRole: (r) =>
      ops.insertTenantRole(r).catch(async (error: unknown) => {
        ignoring('already_exists')(error);
        await ops.updateTenantRole({ tenantId: r.tenantId, name: r.name, capabilities: r.capabilities, description: r.description, updatedAt: r.updatedAt });
      }),
  })),
  'updateTenantRole replaces the capabilities, keeps or writes the description, and resolves undefined for an unknown role': patched((ops) => ({
    // Treats a null description as "keep".
    updateTenantRole: ({ description, ...c }) => ops.updateTenantRole(description === null || description === undefined ? c : { ...c, description }),
  })),
  'deleteTenantRole refuses a role members hold (in_use, nothing written), deletes an unused one, and moves its holders with reassignTo': patched((ops) => ({
    // Ignores the in-use guard by moving holders to a default role.
    deleteTenantRole: (d) => ops.deleteTenantRole({ ...d, reassignTo: d.reassignTo ?? 'member' }),
  })),
  // Work runs on the store itself: the deletion stays when the transaction fails.
  'a failed transaction rolls back a tenant role deletion together with its reassignment': patched((ops) => ops, noTransaction),
  'concurrent insertTenantRole of one name in one tenant: exactly one succeeds, the others get AlreadyExistsError': patched((ops) => ({
    insertTenantRole: (r) => ops.insertTenantRole(r).catch(ignoring('already_exists')),
  })),
  'deleteTenant deletes the tenant’s roles, and a new tenant of the same id starts without them': patched((ops) => {
    // A stale copy of every role ever inserted answers when storage has none.
    const remembered = new Map<string, TenantRoleRecord[]>();
    return {
      insertTenantRole: async (r) => {
        await ops.insertTenantRole(r);
        remembered.set(r.tenantId, [...(remembered.get(r.tenantId) ?? []), r]);
      },
      listTenantRoles: async (t) => {
        const found = await ops.listTenantRoles(t);
        return found.length > 0 ? found : (remembered.get(t) ?? []);
      },
    };
  }),
} satisfies Partial<Record<StoreConformanceCaseName, () => Store>>;
