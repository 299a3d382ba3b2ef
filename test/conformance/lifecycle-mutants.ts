import { isTenantryError } from '../../src/core/errors/index.js';
import type { NewTenant, TenantUpdate } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { noTransaction, patched } from './store-mutants.js';

/** `tenant` without its slug. */
function withoutSlug(tenant: NewTenant): NewTenant {
  const { slug: _slug, ...rest } = tenant;
  return rest;
}

/** `update` with its `null`s (clear this field) dropped: they keep the value instead. */
function nullsKept(update: TenantUpdate): TenantUpdate {
  return Object.fromEntries(Object.entries(update).filter(([, value]) => value !== null)) as unknown as TenantUpdate;
}

const isSlugConflict = (error: unknown) =>
  isTenantryError(error) && error.code === 'already_exists' && (error as { entity?: unknown }).entity === 'tenant slug';

/** Mutants of the tenant-lifecycle cases (`tenant-metadata-cases.ts`). */
export const LIFECYCLE_MUTANTS = {
  'createTenant stores name, slug and metadata exactly; unset fields are absent': patched((ops) => ({
    // Loses the name on the way in.
    createTenant: (t, o) => {
      const { name: _name, ...rest } = t;
      return ops.createTenant(rest, o);
    },
  })),
  'slugs are unique ignoring case: createTenant refuses a taken slug with AlreadyExistsError(tenant slug) and writes nothing': patched((ops) => ({
    // A case-sensitive slug index: the look-alike gets in (without its slug).
    createTenant: (t, o) =>
      ops.createTenant(t, o).catch((error: unknown) => {
        if (!isSlugConflict(error)) throw error;
        return ops.createTenant(withoutSlug(t), o);
      }),
  })),
  'updateTenant changes the named fields, keeps absent ones, clears null ones and returns the tenant': patched((ops) => ({
    updateTenant: (u) => ops.updateTenant(nullsKept(u)),
  })),
  'updateTenant refuses a slug another tenant holds (any case) and changes nothing; its own slug in another case is fine': patched((ops) => ({
    // Applies the rest of an update whose slug collides.
    updateTenant: (u) =>
      ops.updateTenant(u).catch(async (error: unknown) => {
        if (!isSlugConflict(error)) throw error;
        const { slug: _slug, ...rest } = u;
        await ops.updateTenant(rest);
        throw error;
      }),
  })),
  'updateTenant in a transaction that throws is rolled back': patched(() => ({}), noTransaction),
  'listTenants pages by tenant id and filters by slug prefix ignoring case': patched((ops) => ({
    listTenants: async (p) => {
      const { slugPrefix, ...rest } = p;
      const rows = await ops.listTenants({ ...rest, limit: 100_000 });
      return rows.filter((t) => slugPrefix === undefined || (t.slug?.startsWith(slugPrefix) ?? false)).slice(0, p.limit);
    },
  })),
  'deleteTenant removes the tenant and every row it owns, keeps the audit log and other tenants, and frees the slug': patched((ops) => ({
    // Forgets the counters: a tenant created later with the same id inherits them.
    deleteTenant: async (tenantId) => {
      const counters = await ops.readCounters(tenantId, []);
      return (await ops.deleteTenant(tenantId)) && counters.length === 0;
    },
    readCounters: async (tenantId, keys) => (await ops.readCounters(tenantId, keys)).map((used) => used + 1),
  })),
  'deleteTenant also removes the billing-cycle anchor, invitations, and webhook endpoints with their deliveries and log': patched((ops) => {
    // Leaves the tenant's invitations behind: a token of a deleted tenant still finds its row.
    const inserted = new Map<string, Awaited<ReturnType<typeof ops.findInvitationBySelector>>>();
    return {
      insertInvitation: async (invitation) => {
        const result = await ops.insertInvitation(invitation);
        inserted.set(invitation.selector, invitation);
        return result;
      },
      findInvitationBySelector: async (selector) => (await ops.findInvitationBySelector(selector)) ?? inserted.get(selector),
    };
  }),
  'deleteTenant of an unknown tenant returns false; inside a transaction that throws it is rolled back': patched(() => ({}), noTransaction),
  'after deleteTenant, writes naming the tenant fail with NotFoundError': patched((ops) => ({
    // Deletes the memberships only: the tenant row stays behind.
    deleteTenant: async (tenantId) => {
      for (const member of await ops.listMembers(tenantId, { limit: 1000 }))
        await ops.deleteMembership({ tenantId, userId: member.userId, ownerRole: '\u0000' });
      return true;
    },
  })),
  'findActiveMembership returns the membership unless the tenant is archived': patched((ops) => ({
    findActiveMembership: (tenantId, userId) => ops.findMembership(tenantId, userId),
  })),
  'listActiveMembershipsOfUser leaves out archived tenants, includes them again once restored, and orders by tenant id': patched((ops) => ({
    // The defect this operation exists to fix: archived tenants are listed too.
    listActiveMembershipsOfUser: (userId) => ops.listMembershipsOfUser(userId),
  })),
} satisfies Readonly<Record<string, () => Store>>;
