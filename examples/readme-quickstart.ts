import { createTenantry, defineCapabilities, defineRoles } from 'tenantry';
import { memoryStore } from 'tenantry/memory';

// 1. Declare the catalog once; names become literal types.
const capabilities = defineCapabilities(['project.read', 'project.write', 'membership.manage'] as const);
const roles = defineRoles(
  capabilities,
  {
    owner: capabilities.all(),
    editor: ['project.read', 'project.write'],
    viewer: ['project.read'],
  },
  { ownerRole: 'owner' },
);

// 2. Wire a store (memoryStore() here; kyselyStore(db) in production).
const tenantry = createTenantry({ capabilities, roles, store: memoryStore(), manageMembersCapability: 'membership.manage' });

// 3. Create a tenant and add a member, acting as its owner.
const { tenant } = await tenantry.tenants.create({ ownerId: 'ada' });
await tenantry.members.add({ actor: { type: 'user', userId: 'ada' }, tenantId: tenant.id, userId: 'bob', role: 'viewer' });

// 4. One scope per request: checks are memoized (one membership lookup per tenant).
const scope = tenantry.forRequest({ userId: 'bob' });
const decision = await scope.check(tenant.id, 'project.write');
console.log(decision.status, decision.reason); // 403 missing_capability
await scope.authorize(tenant.id, 'project.read'); // passes; throws NotFoundError / ForbiddenError otherwise
