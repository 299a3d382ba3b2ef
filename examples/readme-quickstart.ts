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
const tenantry = createTenantry({ capabilities, roles, store: memoryStore(), manageMembers: 'membership.manage' });

// 3. One scope per request, for the signed-in user: ada creates a tenant (she owns it) and adds bob.
const ada = tenantry.forRequest({ userId: 'ada' });
const { tenant } = await ada.tenants.create();
await ada.members.add({ tenantId: tenant.id, userId: 'bob', role: 'viewer' });

// 4. Checks are memoized per scope (one membership lookup per tenant).
const bob = tenantry.forRequest({ userId: 'bob' });
const decision = await bob.check(tenant.id, 'project.write');
console.log(decision.status, decision.reason); // 403 missing_capability
await bob.authorize(tenant.id, 'project.read'); // passes; throws NotFoundError / ForbiddenError otherwise

// 5. Several questions about one tenant: resolve it once, then ask synchronously (no await, no lookup).
const access = await bob.access(tenant.id);
console.log(access.can('project.read'), access.can('project.write')); // true false
