import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineCapabilities, isConfigurationError, isUnknownCapabilityError, UnknownCapabilityError } from 'tenantry';
import { capabilityNameArb } from 'tenantry/testing/arbitraries';

describe('defineCapabilities', () => {
  const capabilities = defineCapabilities(['tenant.read', 'billing.manage', 'membership.manage'] as const);

  it('lists every capability in declaration order', () => {
    expect(capabilities.all()).toEqual(['tenant.read', 'billing.manage', 'membership.manage']);
  });

  it('returns a frozen list that callers cannot mutate', () => {
    expect(Object.isFrozen(capabilities.all())).toBe(true);
    expect(Object.isFrozen(capabilities)).toBe(true);
  });

  it('answers membership with has()', () => {
    expect(capabilities.has('billing.manage')).toBe(true);
    expect(capabilities.has('billing.delete')).toBe(false);
    expect(capabilities.has('')).toBe(false);
  });

  it('assert() returns declared names and throws UnknownCapabilityError naming an unknown one', () => {
    expect(capabilities.assert('tenant.read')).toBe('tenant.read');
    const error = (() => {
      try {
        capabilities.assert('tenant.raed');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UnknownCapabilityError);
    expect(isUnknownCapabilityError(error)).toBe(true);
    expect((error as UnknownCapabilityError).capability).toBe('tenant.raed');
    expect((error as Error).message).toContain('"tenant.raed"');
  });

  it.each([
    [[], 'at least one'],
    [['tenant.read', 'tenant.read'], 'declared twice'],
    [['Tenant.Read'], 'Invalid capability name'],
    [['tenant read'], 'Invalid capability name'],
    [['tenant.'], 'Invalid capability name'],
    [['a'.repeat(129)], 'Invalid capability name'],
  ] as const)('rejects the configuration %j', (names, message) => {
    expect(() => defineCapabilities(names as readonly string[])).toThrowError(message);
    try {
      defineCapabilities(names as readonly string[]);
    } catch (error) {
      expect(isConfigurationError(error)).toBe(true);
    }
  });

  it('property: has() is true exactly for declared names and assert() throws for every other string', () => {
    fc.assert(
      fc.property(fc.uniqueArray(capabilityNameArb(), { minLength: 1, maxLength: 10 }), fc.string(), (names, probe) => {
        const registry = defineCapabilities(names);
        expect(registry.has(probe)).toBe(names.includes(probe));
        if (names.includes(probe)) {
          expect(registry.assert(probe)).toBe(probe);
        } else {
          expect(() => registry.assert(probe)).toThrow(UnknownCapabilityError);
        }
      }),
    );
  });
});
