import { describe, expectTypeOf, it } from 'vitest';
import {
  createTenantry,
  defineCapabilities,
  defineRoles,
  systemActor,
  type ActorRef,
  type AuditEntry,
  type CapabilityOf,
  type CreatedTenant,
  type Decision,
  type DenialEvent,
  type Member,
  type Page,
  type RoleOf,
  type Scope,
  type Tenant,
  type TenantAccess,
  type ActionState,
  type AccessStanding,
  type TenantMembership,
} from 'tenantry';
import { memoryStore } from 'tenantry/memory';

const capabilities = defineCapabilities(['tenant.read', 'billing.manage'] as const);
const roles = defineRoles(capabilities, { owner: ['tenant.read', 'billing.manage'], viewer: ['tenant.read'] }, { ownerRole: 'owner' });
const tenantry = createTenantry({ capabilities, roles, store: memoryStore() });
const scope = tenantry.forRequest({ userId: 'u' });
const system = tenantry.as(systemActor('x'));

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
    createTenantry({ capabilities, roles, store: memoryStore(), manageMembers: 'members.manage' });
    // @ts-expect-error the audit capability must be declared
    createTenantry({ capabilities, roles, store: memoryStore(), readAudit: 'audit.read' });
    // @ts-expect-error roles.grants takes declared capabilities only
    roles.grants('owner', 'nope');
  });

  it('rejects an unknown role at compile time', () => {
    // @ts-expect-error ownerRole must be one of the declared roles
    defineRoles(capabilities, { owner: [] }, { ownerRole: 'admin' });
    // @ts-expect-error 'admin' is not a declared role
    void scope.members.add({ tenantId: 't', userId: 'u', role: 'admin' });
    // @ts-expect-error 'admin' is not a declared role
    void system.members.changeRole({ tenantId: 't', userId: 'u', role: 'admin' });
    // @ts-expect-error the role kept by the previous owner must be declared
    void scope.members.transferOwnership({ tenantId: 't', toUserId: 'u', previousOwnerRole: 'admin' });
    // @ts-expect-error the instance's previous-owner role must be declared
    createTenantry({ capabilities, roles, store: memoryStore(), previousOwnerRole: 'admin' });
  });

  it('types decisions with the capability union', () => {
    expectTypeOf(scope.check('t', 'tenant.read')).resolves.toEqualTypeOf<Decision<'tenant.read' | 'billing.manage'>>();
    expectTypeOf<Decision['status']>().toEqualTypeOf<200 | 401 | 403 | 404>();
    expectTypeOf<Decision['reason']>().toEqualTypeOf<'allowed' | 'missing_capability' | 'not_member' | 'second_factor_required'>();
  });
});

describe('the 0.2 surface', () => {
  it('rejects a misspelt option at compile time', () => {
    // @ts-expect-error 'onDenid' is not an option (createTenantry also throws ConfigurationError at run time)
    createTenantry({ capabilities, roles, store: memoryStore(), onDenid: () => undefined });
    // @ts-expect-error 'memberhsips' is not a cache option
    createTenantry({ capabilities, roles, store: memoryStore(), cache: { memberhsips: { max: 1, ttlMs: 1 } } });
  });

  it('gives users and system actors the same scope type, and takes no actor argument anywhere', () => {
    expectTypeOf(scope).toEqualTypeOf(system);
    expectTypeOf(scope).toExtend<Scope<'tenant.read' | 'billing.manage', 'owner' | 'viewer'>>();
    // @ts-expect-error the actor is bound by the scope
    void scope.members.add({ actor: systemActor('x'), tenantId: 't', userId: 'u', role: 'viewer' });
    // @ts-expect-error the actor is bound by the scope
    void scope.audit.list({ actor: { type: 'user', userId: 'u' }, tenantId: 't' });
    // @ts-expect-error a system actor comes from systemActor(), not a user id
    tenantry.as({ userId: 'u' });
  });

  it('returns views and pages', () => {
    expectTypeOf(scope.tenants.create()).resolves.toEqualTypeOf<CreatedTenant>();
    expectTypeOf(scope.tenants.get('t')).resolves.toEqualTypeOf<Tenant>();
    expectTypeOf(scope.tenants.mine()).resolves.toEqualTypeOf<Page<TenantMembership>>();
    expectTypeOf(scope.members.list({ tenantId: 't' })).resolves.toEqualTypeOf<Page<Member>>();
    expectTypeOf(scope.members.add({ tenantId: 't', userId: 'u', role: 'viewer' })).resolves.toEqualTypeOf<Member>();
    expectTypeOf(scope.audit.list({ tenantId: 't', limit: 10, cursor: 'c' })).resolves.toEqualTypeOf<Page<AuditEntry>>();
    expectTypeOf<Page<Member>['nextCursor']>().toEqualTypeOf<string | null>();
    expectTypeOf<Member['addedBy']>().toEqualTypeOf<ActorRef>();
    expectTypeOf<AuditEntry['actor']>().toEqualTypeOf<ActorRef>();
    expectTypeOf<DenialEvent['actor']>().toEqualTypeOf<ActorRef>();
    expectTypeOf<ActorRef['type']>().toEqualTypeOf<'user' | 'system'>();
  });
});

describe('the per-tenant access object', () => {
  type C = 'tenant.read' | 'billing.manage';

  it('is typed with the capability union, and its answers are synchronous', async () => {
    expectTypeOf(scope.access('t')).resolves.toEqualTypeOf<TenantAccess<C>>();
    const access = await scope.access('t');
    expectTypeOf(access.can('tenant.read')).toEqualTypeOf<boolean>();
    expectTypeOf(access.check('billing.manage')).toEqualTypeOf<Decision<C>>();
    expectTypeOf(access.authorize('billing.manage')).toEqualTypeOf<Decision<C>>();
    expectTypeOf(access.actionState('tenant.read')).toEqualTypeOf<ActionState>();
    expectTypeOf(access.member).toEqualTypeOf<boolean>();
    expectTypeOf(access.role).toEqualTypeOf<string | undefined>();
    expectTypeOf(access.standing).toEqualTypeOf<AccessStanding>();
    expectTypeOf(system.access('t')).resolves.toEqualTypeOf<TenantAccess<C>>();
    expectTypeOf(scope.can('t', 'tenant.read')).toEqualTypeOf<Promise<boolean>>();
  });

  it('rejects a capability typo at compile time on every question', async () => {
    const access = await scope.access('t');
    // @ts-expect-error 'tenant.raed' is not a declared capability
    access.can('tenant.raed');
    // @ts-expect-error typo in check()
    access.check('billing.mange');
    // @ts-expect-error typo in authorize()
    access.authorize('billing');
    // @ts-expect-error typo in actionState()
    access.actionState('Tenant.read');
    // @ts-expect-error a plain string is not a capability
    access.can('x' as string);
  });

  it('is read-only', async () => {
    const access = await scope.access('t');
    // @ts-expect-error the role is read-only
    access.role = 'owner';
    // @ts-expect-error membership is read-only
    access.member = true;
  });
});
