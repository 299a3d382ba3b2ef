import { describe, expectTypeOf, it } from 'vitest';
import {
  createTenantry,
  defineCapabilities,
  defineRoles,
  systemActor,
  type CapabilityOf,
  type Decision,
  type RoleOf,
} from 'tenantry';
import { memoryStore } from 'tenantry/memory';

const capabilities = defineCapabilities(['tenant.read', 'billing.manage'] as const);
const roles = defineRoles(capabilities, { owner: ['tenant.read', 'billing.manage'], viewer: ['tenant.read'] }, { ownerRole: 'owner' });
const tenantry = createTenantry({ capabilities, roles, store: memoryStore() });
const scope = tenantry.forRequest({ userId: 'u' });

describe('typed catalog', () => {
  it('derives literal unions from the declarations', () => {
    expectTypeOf<CapabilityOf<typeof capabilities>>().toEqualTypeOf<'tenant.read' | 'billing.manage'>();
    expectTypeOf<RoleOf<typeof roles>>().toEqualTypeOf<'owner' | 'viewer'>();
    expectTypeOf(capabilities.all()).toEqualTypeOf<readonly ('tenant.read' | 'billing.manage')[]>();
    expectTypeOf(roles.roleNames()).toEqualTypeOf<readonly ('owner' | 'viewer')[]>();
  });

  it('rejects a capability typo at compile time everywhere a capability is expected', () => {
    // @ts-expect-error 'tenant.raed' is not a declared capability
    void scope.check('t', 'tenant.raed');
    // @ts-expect-error typo in can()
    void scope.can('t', 'billing.mange');
    // @ts-expect-error typo in authorize()
    void scope.authorize('t', 'billing');
    // @ts-expect-error typo in actionState()
    void scope.actionState('t', 'Tenant.read');
    // @ts-expect-error a role may only grant declared capabilities
    defineRoles(capabilities, { owner: ['tenant.read', 'tenant.write'] }, { ownerRole: 'owner' });
    // @ts-expect-error the managing capability must be declared
    createTenantry({ capabilities, roles, store: memoryStore(), manageMembersCapability: 'members.manage' });
    // @ts-expect-error roles.grants takes declared capabilities only
    roles.grants('owner', 'nope');
  });

  it('rejects an unknown role at compile time', () => {
    // @ts-expect-error ownerRole must be one of the declared roles
    defineRoles(capabilities, { owner: [] }, { ownerRole: 'admin' });
    // @ts-expect-error 'admin' is not a declared role
    void tenantry.members.add({ actor: systemActor('x'), tenantId: 't', userId: 'u', role: 'admin' });
  });

  it('types decisions with the capability union', () => {
    expectTypeOf(scope.check('t', 'tenant.read')).resolves.toEqualTypeOf<Decision<'tenant.read' | 'billing.manage'>>();
    expectTypeOf<Decision['status']>().toEqualTypeOf<200 | 403 | 404>();
    expectTypeOf<Decision['reason']>().toEqualTypeOf<'allowed' | 'missing_capability' | 'not_member'>();
  });
});
