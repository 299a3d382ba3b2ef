import { randomUUID } from 'node:crypto';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createTenantry, defineTemplates, isConfigurationError, type CreateTenantInput, type Store } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { capabilities, roles } from '../../support/catalog.js';
import { describeDatabases } from '../../support/databases.js';
import { billing, packages } from '../../support/entitlements.js';

const templates = defineTemplates({
  team: {
    package: 'pro',
    namespaces: [
      { namespace: 'images', featureKey: 'ai.tokens', limit: 500 },
      { namespace: 'batch', featureKey: 'api.requests', limit: 'unlimited' },
    ],
    members: [{ userId: 'support-bot', role: 'readonly' }],
  },
  solo: { package: 'free' },
  // Its last step fails for an owner named 'ada' (she is a member already): everything before it must roll back.
  clash: { package: 'pro', namespaces: [{ namespace: 'images', featureKey: 'ai.tokens', limit: 5 }], members: [{ userId: 'ada', role: 'readonly' }] },
});

function instance(store: Store) {
  return createTenantry({ capabilities, roles, store, entitlements: { packages }, templates });
}

await describeDatabases(['memory', 'sqlite-memory', 'postgres', 'mysql'], (database) => {
  it('applies the package, the namespace limits and the members with the tenant, each step audited', async () => {
    const tenantry = instance(database.store());
    const { tenant, owner } = await tenantry.forRequest({ userId: 'ada' }).tenants.create({ name: 'Acme', template: 'team' });
    expect(owner.userId).toBe('ada');
    const system = tenantry.as(billing);
    const report = await system.usage.report({ tenantId: tenant.id });
    expect(report.features.find((feature) => feature.featureKey === 'seats')?.limit).toBe(25);
    const images = await system.usage.report({ tenantId: tenant.id, namespace: 'images' });
    expect(images.features.find((feature) => feature.featureKey === 'ai.tokens')?.limit).toBe(500);
    const members = await system.members.list({ tenantId: tenant.id });
    expect(members.items.map(({ userId, role }) => [userId, role])).toEqual([
      ['ada', 'owner'],
      ['support-bot', 'readonly'],
    ]);
    const { items } = await system.audit.list({ tenantId: tenant.id });
    expect(items.map((entry) => [entry.action, entry.actor.id]).reverse()).toEqual([
      ['tenant.create', 'ada'],
      ['entitlement.package_assign', 'template.team'],
      ['entitlement.namespace_limit_set', 'template.team'],
      ['entitlement.namespace_limit_set', 'template.team'],
      ['tenant_membership.add', 'template.team'],
    ]);
  });

  it('a failing step rolls back everything: no tenant, no assignment, no member, no audit entry', async () => {
    const store = database.store();
    const tenantry = instance(store);
    const id = randomUUID();
    await expect(tenantry.as(billing).tenants.create({ id, ownerId: 'ada', template: 'clash' })).rejects.toMatchObject({ code: 'already_exists' });
    expect(await store.findTenant(id)).toBeUndefined();
    expect(await store.findMembership(id, 'ada')).toBeUndefined();
    await expect(tenantry.as(billing).audit.list({ tenantId: id })).rejects.toMatchObject({ code: 'not_found' });
    // The same id is free for a creation that succeeds.
    const { tenant } = await tenantry.as(billing).tenants.create({ id, ownerId: 'ada', template: 'solo' });
    expect(tenant.id).toBe(id);
  });

  it("creates the template's own roles before its members, who may hold them, and decisions follow those roles", async () => {
    // A separate catalog under a registered name: the registered `templates` stay as they are for the type test.
    const withRoles = defineTemplates({
      team: {
        roles: [{ name: 'auditor', capabilities: ['tenant.read', 'audit.read'], description: 'Reads the audit log' }],
        members: [
          { userId: 'aud', role: 'auditor' },
          { userId: 'support-bot', role: 'readonly' },
        ],
      },
    });
    const tenantry = createTenantry({ capabilities, roles, store: database.store(), entitlements: { packages }, templates: withRoles });
    const { tenant } = await tenantry.forRequest({ userId: 'ada' }).tenants.create({ template: 'team' });
    const defined = await tenantry.forRequest({ userId: 'ada' }).roles.list({ tenantId: tenant.id });
    expect(defined.map((role) => [role.name, role.capabilities, role.description])).toEqual([
      ['auditor', ['tenant.read', 'audit.read'], 'Reads the audit log'],
    ]);
    const members = await tenantry.as(billing).members.list({ tenantId: tenant.id });
    expect(members.items.map(({ userId, role }) => [userId, role])).toEqual([
      ['ada', 'owner'],
      ['aud', 'auditor'],
      ['support-bot', 'readonly'],
    ]);
    const auditor = tenantry.forRequest({ userId: 'aud' });
    expect(await auditor.can(tenant.id, 'audit.read')).toBe(true);
    expect(await auditor.can(tenant.id, 'project.write')).toBe(false);
    const { items } = await tenantry.as(billing).audit.list({ tenantId: tenant.id });
    expect(items.map((entry) => [entry.action, entry.actor.id]).reverse()).toEqual([
      ['tenant.create', 'ada'],
      ['tenant_role.create', 'template.team'],
      ['tenant_membership.add', 'template.team'],
      ['tenant_membership.add', 'template.team'],
    ]);
  });

  it('an undeclared template is a ValidationError and creates nothing; no template keeps the plain creation', async () => {
    const store = database.store();
    const tenantry = instance(store);
    const id = randomUUID();
    await expect(tenantry.as(billing).tenants.create({ id, ownerId: 'ada', template: 'nope' as never })).rejects.toMatchObject({ code: 'validation_failed' });
    expect(await store.findTenant(id)).toBeUndefined();
    const { tenant } = await tenantry.as(billing).tenants.create({ ownerId: 'ada' });
    expect((await tenantry.as(billing).members.list({ tenantId: tenant.id })).items).toHaveLength(1);
  });
});

describe('defineTemplates() and the templates option', () => {
  it('checks every package, limit feature and role against the instance at start-up', () => {
    const cases = [
      defineTemplates({ a: { package: 'platinum' } }),
      defineTemplates({ a: { namespaces: [{ namespace: 'n', featureKey: 'sso', limit: 1 }] } }),
      defineTemplates({ a: { members: [{ userId: 'u', role: 'emperor' }] } }),
      defineTemplates({ a: { roles: [{ name: 'auditor', capabilities: ['audit.read', 'audit.erase'] }] } }),
      defineTemplates({ a: { roles: [{ name: 'owner', capabilities: ['audit.read'] }] } }),
      defineTemplates({ a: { roles: [{ name: 'auditor', capabilities: [] }], members: [{ userId: 'u', role: 'auditer' }] } }),
    ];
    for (const bad of cases) {
      expect(() => createTenantry({ capabilities, roles, store: memoryStore(), entitlements: { packages }, templates: bad })).toThrow(
        expect.objectContaining({ code: 'configuration_invalid' }) as Error,
      );
    }
    expect(() => createTenantry({ capabilities, roles, store: memoryStore(), templates: defineTemplates({ a: { package: 'pro' } }) })).toThrow(/entitlements/);
  });

  it('refuses malformed templates and names with ConfigurationError', () => {
    for (const bad of [
      {},
      { 'Bad Name': {} },
      { a: { package: '' } },
      { a: { extra: true } },
      { a: { namespaces: [{ namespace: 'n', featureKey: 'x', limit: -1 }] } },
    ]) {
      let thrown: unknown;
      try {
        defineTemplates(bad as never);
      } catch (error) {
        thrown = error;
      }
      expect(isConfigurationError(thrown)).toBe(true);
    }
  });

  it('types the template names (declared through TemplateRegistry) and lists them', () => {
    expect(templates.names()).toEqual(['team', 'solo', 'clash']);
    expectTypeOf(templates.names()).toEqualTypeOf<readonly ('team' | 'solo' | 'clash')[]>();
    expectTypeOf<CreateTenantInput['template']>().toEqualTypeOf<'team' | 'solo' | 'clash' | undefined>();
  });

  it('an instance without templates refuses a template with ConfigurationError', async () => {
    const plain = createTenantry({ capabilities, roles, store: memoryStore() });
    await expect(plain.as(billing).tenants.create({ ownerId: 'ada', template: 'solo' })).rejects.toMatchObject({ code: 'configuration_invalid' });
  });
});

// The host's registration, as docs/entitlements.md shows it. It is global to the type program (every
// file tsc checks with this one sees these names), which is harmless: no other file uses templates.
declare module 'tenantry' {
  interface TemplateRegistry {
    templates: typeof templates;
  }
}
