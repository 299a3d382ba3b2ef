import assert from 'node:assert/strict';
import { describe, expect, it } from 'vitest';
import { storeConformanceCases, type StoreConformanceCaseName } from 'tenantry/testing';
import { isTenantryError } from '../../src/core/errors/index.js';
import type { Store } from '../../src/store/store.js';
import {
  byLocale,
  deferredInserts,
  folding,
  ignoring,
  lossyAstral,
  NO_OWNER_ROLE,
  noTransaction,
  ownersAreStuck,
  patched,
  poisonedAfterFailure,
  racyGuards,
  splitCreateTenant,
  typeFromPrefix,
} from './store-mutants.js';
import { ENTITLEMENT_MUTANTS } from './entitlement-mutants.js';
import { PORT_MUTANTS } from './port-mutants.js';
import { TWO_FACTOR_MUTANTS } from './two-factor-mutants.js';
import { WEBHOOK_MUTANTS } from './webhook-mutants.js';
import { LIFECYCLE_MUTANTS } from './lifecycle-mutants.js';
import { BILLING_MUTANTS } from './billing-mutants.js';
import { INVITATION_MUTANTS } from './invitation-mutants.js';
import { GRANTED_CONSUME_MUTANTS } from './granted-consume-mutants.js';
import { RESPONSE_MUTANTS } from './response-mutants.js';
import { TENANT_ROLE_MUTANTS } from './tenant-role-mutants.js';
import { LEASE_MUTANTS } from './lease-mutants.js';

const truncateToSeconds = (date: Date) => new Date(Math.floor(date.getTime() / 1000) * 1000);
const ghost = (userId: string) => ({
  id: '00000000-0000-4000-8000-000000000000',
  tenantId: 'ghost',
  userId,
  role: 'member',
  createdByType: 'user' as const,
  createdBy: 'ghost',
  createdAt: new Date(0),
  source: 'system' as const,
});

/**
 * For every case, a store broken in the way that case exists to catch. Typed
 * as a complete record, so a new case without a mutant does not compile.
 */
const MUTANTS: Readonly<Record<StoreConformanceCaseName, () => Store>> = {
  'createTenant stores the tenant and its owner membership': patched((ops) => ({
    createTenant: (t, o) => ops.createTenant(t, { ...o, role: 'member' }),
  })),
  'findTenant returns undefined for an unknown tenant': patched((ops) => ({
    findTenant: async (id) => (await ops.findTenant(id)) ?? { id, createdByType: 'user', createdBy: 'ghost', createdAt: new Date(0) },
  })),
  'createTenant rejects a taken id with AlreadyExistsError(tenant) and changes nothing': patched((ops) => ({
    createTenant: (t, o) => ops.createTenant(t, o).catch(ignoring('already_exists')),
  })),
  'createTenant is all or nothing when the owner membership cannot be inserted': patched(splitCreateTenant),
  'tenant ids are compared exactly, case included': patched(folding('tenant', (id) => id.toLowerCase())),
  'timestamps round-trip as Dates with millisecond precision': patched((ops) => ({
    createTenant: (t, o) => ops.createTenant({ ...t, createdAt: truncateToSeconds(t.createdAt) }, { ...o, createdAt: truncateToSeconds(o.createdAt) }),
    insertMembership: (m) => ops.insertMembership({ ...m, createdAt: truncateToSeconds(m.createdAt) }),
  })),
  'insertMembership stores every field, for every source': patched((ops) => ({
    insertMembership: (m) => ops.insertMembership({ ...m, source: 'member_add' }),
  })),
  'provenance keeps the actor type: a user "system:seed" and the system actor "seed" stay distinguishable in tenants, memberships and audit entries':
    patched(typeFromPrefix),
  'insertMembership into a missing tenant throws NotFoundError and writes nothing': patched((ops) => ({
    insertMembership: (m) =>
      ops.insertMembership(m).catch(async (error: unknown) => {
        ignoring('not_found')(error);
        await ops.createTenant({ id: m.tenantId, createdByType: m.createdByType, createdBy: m.createdBy, createdAt: m.createdAt }, m);
      }),
  })),
  'insertMembership of an existing member throws AlreadyExistsError(membership) and keeps the row': patched((ops) => ({
    insertMembership: (m) => ops.insertMembership(m).catch(ignoring('already_exists')),
  })),
  'findMembership returns undefined for a non-member and for an unknown tenant': patched((ops) => ({
    findMembership: async (t, u) => (await ops.findMembership(t, u)) ?? (await ops.listMembershipsOfUser(u))[0],
  })),
  'user ids are compared exactly: case, trailing spaces and Unicode normalization': patched(
    folding('user', (id) => id.toLowerCase().trimEnd().normalize('NFC')),
  ),
  'distinct accepted identifiers are never equal: look-alikes, normalization forms, U+FFFD, astral characters, maximum lengths': patched(lossyAstral),
  'listMembershipsOfUser returns every membership of the user ordered by tenant id in code-unit order': patched((ops) => ({
    listMembershipsOfUser: async (u) => byLocale(await ops.listMembershipsOfUser(u), 'tenantId'),
  })),
  'listMembershipsOfUser returns an empty list for a user without memberships': patched((ops) => ({
    listMembershipsOfUser: async (u) => {
      const found = await ops.listMembershipsOfUser(u);
      return found.length > 0 ? found : [ghost(u)];
    },
  })),
  'listMembers orders members by user id in code-unit order': patched((ops) => ({
    listMembers: async (t, p) => byLocale(await ops.listMembers(t, p), 'userId'),
  })),
  'listMembers returns only the members of that tenant, and nothing for an unknown tenant': patched((ops) => ({
    // Joins on the user instead of the tenant.
    listMembers: async (t, p) => {
      const members = await ops.listMembers(t, p);
      return (await Promise.all(members.map((m) => ops.listMembershipsOfUser(m.userId)))).flat();
    },
  })),
  'listMembers returns at most limit members, the first ones in order': patched((ops) => ({
    listMembers: (t, p) => ops.listMembers(t, { ...p, limit: 1000 }),
  })),
  'listMembers pages with afterUserId, exclusive, whether or not that user is a member': patched((ops) => ({
    // Honours the cursor only when it names a member.
    listMembers: async (t, p) =>
      p.afterUserId !== undefined && (await ops.findMembership(t, p.afterUserId)) === undefined
        ? ops.listMembers(t, { limit: p.limit })
        : ops.listMembers(t, p),
  })),
  'updateMembershipRole applies a change and returns the previous row': patched((ops) => ({
    updateMembershipRole: async (c) => {
      const result = await ops.updateMembershipRole(c);
      return result.outcome === 'applied' ? { outcome: 'applied', previous: { ...result.previous, role: c.role } } : result;
    },
  })),
  'updateMembershipRole returns not_found for a non-member or an unknown tenant and writes nothing': patched((ops) => ({
    updateMembershipRole: async (c) => {
      const result = await ops.updateMembershipRole(c);
      return result.outcome === 'not_found' ? { outcome: 'last_owner' } : result;
    },
  })),
  'updateMembershipRole refuses to demote the last owner': patched((ops) => ({
    updateMembershipRole: (c) => ops.updateMembershipRole({ ...c, ownerRole: NO_OWNER_ROLE }),
  })),
  'updateMembershipRole demotes an owner while another owner remains, then refuses the last one': patched(ownersAreStuck),
  'updateMembershipRole guards only changes that take the owner role away': patched((ops) => ({
    // Refuses every change while the tenant has a single owner.
    updateMembershipRole: async (c) => {
      const owners = (await ops.listMembers(c.tenantId, { limit: 1000 })).filter((m) => m.role === c.ownerRole);
      return owners.length <= 1 ? { outcome: 'last_owner' } : ops.updateMembershipRole(c);
    },
  })),
  'the last-owner guard counts the owner role named in the call': patched((ops) => ({
    updateMembershipRole: (c) => ops.updateMembershipRole({ ...c, ownerRole: 'owner' }),
    deleteMembership: (r) => ops.deleteMembership({ ...r, ownerRole: 'owner' }),
  })),
  'deleteMembership removes a member and returns the previous row': patched((ops) => ({
    deleteMembership: async (r) => {
      const previous = await ops.findMembership(r.tenantId, r.userId);
      return previous === undefined ? { outcome: 'not_found' } : { outcome: 'applied', previous };
    },
  })),
  'deleteMembership returns not_found for a non-member or an unknown tenant and writes nothing': patched((ops) => ({
    deleteMembership: async (r) => {
      const result = await ops.deleteMembership(r);
      return result.outcome === 'not_found' ? { outcome: 'last_owner' } : result;
    },
  })),
  'deleteMembership refuses to remove the last owner': patched((ops) => ({
    deleteMembership: (r) => ops.deleteMembership({ ...r, ownerRole: NO_OWNER_ROLE }),
  })),
  'deleteMembership removes an owner while another owner remains, then refuses the last one': patched(ownersAreStuck),
  'transaction commits every write and resolves with the result of work': patched(
    () => ({}),
    (base) => async (work) => {
      await base.transaction(work);
      return undefined as never;
    },
  ),
  'transaction rolls back every write when work throws, and rethrows that error': patched(() => ({}), noTransaction),
  'transaction reads its own writes': patched(
    () => ({}),
    // Reads inside the transaction go to the committed state only: here, to a second, empty store.
    (base) => {
      const committed = patched(() => ({}))();
      return (work) => base.transaction((tx) => work({ ...tx, findTenant: (id) => committed.findTenant(id) }));
    },
  ),
  'the transaction handle is rejected after the transaction ends and writes nothing': patched(() => ({}), noTransaction),
  'a write that fails inside a transaction leaves the transaction usable': patched(() => ({}), poisonedAfterFailure),
  'createTenant inside a transaction is all or nothing when its failure is caught': patched(splitCreateTenant),
  "guarded writes inside a transaction count the transaction's own writes": patched(() => ({}), deferredInserts),
  'concurrent mutual demotions of two owners: exactly one is applied': patched(racyGuards),
  'concurrent mutual removals of two owners: exactly one is applied': patched(racyGuards),
  'a concurrent demotion and removal of two owners: exactly one is applied': patched(racyGuards),
  'concurrent transactions demoting each other: exactly one is applied': patched(racyGuards, noTransaction),
  'concurrent guarded writes inside one transaction: exactly one is applied': patched(racyGuards),
  'concurrent inserts of the same membership: exactly one succeeds': patched((ops) => ({
    insertMembership: (m) => ops.insertMembership(m).catch(ignoring('already_exists')),
  })),
  'concurrent creations of the same tenant: exactly one succeeds': patched((ops) => ({
    createTenant: (t, o) => ops.createTenant(t, o).catch(ignoring('already_exists')),
  })),
  ...ENTITLEMENT_MUTANTS,
  ...PORT_MUTANTS,
  ...TWO_FACTOR_MUTANTS,
  ...WEBHOOK_MUTANTS,
  ...LIFECYCLE_MUTANTS,
  ...BILLING_MUTANTS,
  ...INVITATION_MUTANTS,
  ...GRANTED_CONSUME_MUTANTS,
  ...RESPONSE_MUTANTS,
  ...TENANT_ROLE_MUTANTS,
  ...LEASE_MUTANTS,
};

describe('every conformance case can fail', () => {
  it('has a mutant for every case', () => {
    expect(Object.keys(MUTANTS).sort()).toEqual(storeConformanceCases.map((c) => c.name).sort());
  });

  for (const testCase of storeConformanceCases) {
    it(`fails on a store that breaks: ${testCase.name}`, async () => {
      // An assertion, or a tenantry error the case did not expect: not a crash of the mutant itself.
      await assert.rejects(testCase.run({ store: MUTANTS[testCase.name]() }), (error) => error instanceof assert.AssertionError || isTenantryError(error));
    });
  }
});
