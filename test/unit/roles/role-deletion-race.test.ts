import { expect, it } from 'vitest';
import { createTenantry, isTenantryError, tenantRole } from 'tenantry';
import { describeDatabases } from '../../support/databases.js';
import { bootstrap, capabilities, roles } from './role-catalog.js';

const ADDERS = 16;

/**
 * The deletion guard under concurrency, on real servers: a deletion without
 * `reassignTo` races many additions of members with the role. Whatever the
 * interleaving, no member is left holding a role that no longer exists, and
 * the deletion either happened before every addition (which then fail with
 * `UnknownRoleError`) or was refused with `RoleInUseError`.
 */
await describeDatabases(['memory', 'sqlite-file', 'postgres', 'mysql'], (database) => {
  it(`a role deletion racing ${ADDERS} additions of that role never leaves a member holding a deleted role`, async () => {
    const store = database.store();
    const tenantry = createTenantry({ capabilities, roles, store, manageMembers: 'members.manage', manageRoles: 'roles.manage' });
    for (let round = 0; round < 3; round += 1) {
      const { tenant } = await tenantry.as(bootstrap).tenants.create({ ownerId: 'alice' });
      const tenantId = tenant.id;
      const owner = tenantry.forRequest({ userId: 'alice' });
      await owner.roles.create({ tenantId, name: 'auditor', capabilities: ['audit.read'] });
      const adds = Array.from({ length: ADDERS }, (_, i) => owner.members.add({ tenantId, userId: `m${i}`, role: tenantRole('auditor') }));
      // Start the deletion in the middle of the additions.
      const deletion = owner.roles.delete({ tenantId, name: 'auditor' });
      const [deleted, ...added] = await Promise.allSettled([deletion, ...adds]);
      const holders = (await store.listMembers(tenantId, { limit: 100 })).filter((member) => member.role === 'auditor');
      const defined = (await store.listTenantRoles(tenantId)).some((role) => role.name === 'auditor');
      if (deleted.status === 'fulfilled') {
        expect(defined).toBe(false);
        expect(holders).toEqual([]);
      } else {
        expect(isTenantryError(deleted.reason) && deleted.reason.code).toBe('role_in_use');
        expect(defined).toBe(true);
      }
      for (const result of added) {
        if (result.status === 'rejected') expect(isTenantryError(result.reason) && result.reason.code).toBe('unknown_role');
      }
      expect(holders.length).toBe(added.filter((result) => result.status === 'fulfilled').length);
    }
  });
});
