import assert from 'node:assert/strict';
import type { AuditRecord } from '../../../store/audit-records.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { EntitlementFixtures } from '../entitlement-fixtures.js';
import { OWNER } from '../fixtures.js';

/**
 * Provenance is a pair: the actor type and the id. A host user whose id reads
 * `system:seed` and the system actor `seed` (stored as `system:seed`) write
 * the same id; only the type tells them apart, so a store must keep it.
 */
export const provenanceCases = [
  {
    name: 'provenance keeps the actor type: a user "system:seed" and the system actor "seed" stay distinguishable in tenants, memberships and audit entries',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const spoofed = 'system:seed';
      const byUser = { ...f.tenant('user'), createdByType: 'user' as const, createdBy: spoofed };
      const bySystem = { ...f.tenant('system'), createdByType: 'system' as const, createdBy: spoofed };
      const userOwner = f.membership(byUser.id, f.userId('owner'), OWNER, { source: 'tenant_create', createdByType: 'user', createdBy: spoofed });
      const systemOwner = f.membership(bySystem.id, f.userId('owner'), OWNER, { source: 'tenant_create', createdByType: 'system', createdBy: spoofed });
      await store.createTenant(byUser, userOwner);
      await store.createTenant(bySystem, systemOwner);
      // The other kind of writer adds a member to each tenant.
      const systemAdded = f.membership(byUser.id, f.userId('added'), 'member', { source: 'system', createdByType: 'system', createdBy: spoofed });
      const userAdded = f.membership(bySystem.id, f.userId('added'), 'member', { source: 'member_add', createdByType: 'user', createdBy: spoofed });
      await store.insertMembership(systemAdded);
      await store.insertMembership(userAdded);
      const entries: AuditRecord[] = [
        { ...f.auditEntry(byUser.id, 'tenant.create'), actorType: 'user', actorId: spoofed },
        { ...f.auditEntry(byUser.id, 'tenant_membership.add'), actorType: 'system', actorId: spoofed },
      ];
      for (const entry of entries) await store.appendAudit(entry);

      assert.deepEqual(await store.findTenant(byUser.id), byUser);
      assert.deepEqual(await store.findTenant(bySystem.id), bySystem);
      assert.deepEqual(await store.listMembers(byUser.id, { limit: 10 }), [systemAdded, userOwner]);
      assert.deepEqual(await store.listMembers(bySystem.id, { limit: 10 }), [userAdded, systemOwner]);
      assert.deepEqual(await store.findMembership(bySystem.id, f.userId('owner')), systemOwner);
      assert.deepEqual(
        await store.listMembershipsOfUser(f.userId('added')),
        [systemAdded, userAdded].sort((a, b) => (a.tenantId < b.tenantId ? -1 : 1)),
      );
      assert.deepEqual(await store.listAudit(byUser.id, { limit: 10 }), [...entries].reverse());
      // Inside a transaction, including the guarded writes' previous rows, the same.
      await store.transaction(async (tx) => {
        assert.deepEqual(await tx.findTenant(byUser.id), byUser);
        const write = await tx.updateMembershipRole({ tenantId: byUser.id, userId: systemAdded.userId, role: 'other', ownerRole: OWNER });
        assert.deepEqual(write, { outcome: 'applied', previous: systemAdded });
      });
    },
  },
] as const satisfies readonly StoreConformanceCase[];
