import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineCapabilities, defineRoles, isConfigurationError, UnknownCapabilityError, UnknownRoleError } from 'tenantry';
import { catalogArb } from 'tenantry/testing/arbitraries';
import { capabilities, roles } from '../../support/catalog.js';

describe('defineRoles', () => {
  it('lists roles in declaration order and names the owner role', () => {
    expect(roles.roleNames()).toEqual(['owner', 'manager', 'operator', 'readonly']);
    expect(roles.ownerRole).toBe('owner');
    expect(roles.isOwner('owner')).toBe(true);
    expect(roles.isOwner('manager')).toBe(false);
  });

  it('maps each role to exactly its declared capabilities', () => {
    expect([...roles.capabilitiesOf('readonly')]).toEqual(['tenant.read', 'project.read']);
    expect(roles.capabilitiesOf('owner').size).toBe(capabilities.all().length);
    expect(roles.grants('manager', 'membership.manage')).toBe(false);
    expect(roles.grants('owner', 'membership.manage')).toBe(true);
  });

  it('fails closed for a role string that is not declared', () => {
    expect(roles.grants('superuser', 'tenant.read')).toBe(false);
    expect(roles.has('superuser')).toBe(false);
    expect(() => roles.assert('superuser')).toThrow(UnknownRoleError);
    expect(() => roles.capabilitiesOf('superuser' as never)).toThrow(UnknownRoleError);
  });

  it('throws UnknownCapabilityError, naming it, for a capability that is not in the registry', () => {
    const registry = defineCapabilities(['a.read'] as const);
    // The cast smuggles a typo past the compiler on purpose, as plain JavaScript would.
    const typo = 'a.write' as string as 'a.read';
    expect(() => defineRoles(registry, { owner: ['a.read', typo] }, { ownerRole: 'owner' })).toThrowError(new UnknownCapabilityError('a.write'));
  });

  it.each([
    ['an owner role that is not declared', { owner: [] }, 'admin', 'ownerRole "admin"'],
    ['no roles at all', {}, 'owner', 'at least one role'],
    ['an invalid role name', { 'Owner Role': [] }, 'Owner Role', 'Invalid role name'],
    ['a role that does not map to an array', { owner: 'a.read' }, 'owner', 'must map to an array'],
  ])('rejects %s with ConfigurationError', (_label, map, ownerRole, message) => {
    const registry = defineCapabilities(['a.read'] as const);
    const define = () => defineRoles(registry, map as never, { ownerRole });
    expect(define).toThrowError(message);
    try {
      define();
    } catch (error) {
      expect(isConfigurationError(error)).toBe(true);
    }
  });

  it('property: grants(role, c) holds exactly when the definition lists c for role', () => {
    fc.assert(
      fc.property(catalogArb(), (sample) => {
        const registry = defineCapabilities(sample.capabilities);
        const map = defineRoles(registry, sample.roles, { ownerRole: sample.ownerRole });
        for (const [role, granted] of Object.entries(sample.roles)) {
          for (const capability of sample.capabilities) {
            expect(map.grants(role, capability)).toBe(granted.includes(capability));
          }
        }
      }),
    );
  });
});
