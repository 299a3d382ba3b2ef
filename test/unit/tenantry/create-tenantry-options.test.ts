import { describe, expect, it } from 'vitest';
import { ConfigurationError, createTenantry, localInvalidationBus } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { capabilities, roles } from '../../support/catalog.js';
import { packages } from '../../support/entitlements.js';

/** createTenantry over a fresh memory store with the example catalog and `override` on top; option typos are deliberate. */
const create = (override: object) => () => createTenantry({ capabilities, roles, store: memoryStore(), ...override });

/** The ConfigurationError `attempt` throws. */
function configurationError(attempt: () => unknown): ConfigurationError {
  try {
    attempt();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: 'configuration_invalid', status: 500 });
    return error as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError, nothing was thrown');
}

describe('createTenantry options are parsed strictly', () => {
  it.each([
    ['a misspelt hook (onDenid)', { onDenid: () => undefined }, /Unknown option "onDenid"/],
    ['a misspelt top-level option (manageMember)', { manageMember: 'membership.manage' }, /Unknown option "manageMember"/],
    ['an unknown entitlements option (packagez)', { entitlements: { packages, packagez: packages } }, /entitlements: Unknown option "packagez"/],
    ['an unknown cache option (memberhsips)', { cache: { memberhsips: { max: 10, ttlMs: 10 } } }, /cache: Unknown option "memberhsips"/],
    ['an unknown option of one cache (size)', { cache: { memberships: { max: 1, ttlMs: 10, size: 3 } } }, /cache\.memberships: Unknown option "size"/],
    ['an unknown tenant-id option (patern)', { tenantIds: { patern: /^[a-z]+$/ } }, /tenantIds: Unknown option "patern"/],
  ])('rejects %s with a ConfigurationError naming it', (_label, override, named) => {
    expect(configurationError(create(override)).message).toMatch(named);
  });

  it.each([
    ['a missing store', { store: undefined }, /store:/],
    ['something that is not a store', { store: {} }, /store:/],
    ['a hook that is not a function', { onDenied: 'log' }, /onDenied:/],
    ['an error hook that is not a function', { onError: {} }, /onError:/],
    ['a clock that is not a function', { now: 5 }, /now:/],
    ['an id generator that is not a function', { generateId: 'uuid' }, /generateId:/],
    ['a managing capability that is not a string', { manageMembers: 3 }, /manageMembers:/],
    ['a cache with max 0', { cache: { memberships: { max: 0, ttlMs: 10 } } }, /cache\.memberships\.max:/],
    ['a cache TTL that is not a number', { cache: { grants: { max: 10, ttlMs: '10' } } }, /cache\.grants\b/],
    ['a bus without publish and subscribe', { cache: { bus: {} } }, /cache\.bus:/],
    ['a tenant-id pattern that is not a RegExp', { tenantIds: { pattern: '^[a-z]+$' } }, /tenantIds\.pattern:/],
    ['packages that are not a package catalog', { entitlements: { packages: {} } }, /entitlements\.packages:/],
    ['an alert hook that is not a function', { entitlements: { packages, onAlert: true } }, /entitlements\.onAlert:/],
  ])('rejects %s (wrong type) with a ConfigurationError naming the option path', (_label, override, named) => {
    expect(configurationError(create(override)).message).toMatch(named);
  });

  it('rejects a seats feature that is not a gauge, naming entitlements.seats', () => {
    expect(configurationError(create({ entitlements: { packages, seats: 'ai.tokens' } })).message).toContain('entitlements.seats');
  });

  it('rejects catalog names the catalog does not declare with a ConfigurationError naming the option, at start-up', () => {
    expect(create({ entitlements: { packages, seats: 'chairs' } })).toThrow(ConfigurationError);
    expect(create({ entitlements: { packages, seats: 'chairs' } })).toThrow(/entitlements\.seats: "chairs"/);
    expect(create({ previousOwnerRole: 'admin' })).toThrow(ConfigurationError);
    expect(create({ previousOwnerRole: 'admin' })).toThrow(/previousOwnerRole: "admin"/);
    expect(create({ manageMembers: 'members.admin' })).toThrow(/manageMembers: "members\.admin"/);
    expect(create({ readAudit: 'audit.admin' })).toThrow(/readAudit: "audit\.admin"/);
  });

  it('rejects roles defined over another registry', () => {
    expect(() => createTenantry({ capabilities: { ...capabilities }, roles, store: memoryStore() })).toThrow(ConfigurationError);
  });

  it('accepts every documented option, and the instance is immutable', () => {
    const tenantry = createTenantry({
      store: memoryStore(),
      capabilities,
      roles,
      entitlements: { packages, seats: 'seats', onAlert: () => undefined },
      tenantIds: { pattern: /^[a-z0-9-]{1,64}$/ },
      cache: { memberships: { max: 10, ttlMs: 1000 }, grants: false, bus: localInvalidationBus() },
      manageMembers: 'membership.manage',
      readAudit: 'audit.read',
      previousOwnerRole: 'manager',
      onDenied: () => undefined,
      onError: () => undefined,
      formatDisabledReason: () => 'Ask an owner.',
      now: () => new Date(),
      generateId: () => globalThis.crypto.randomUUID(),
    });
    expect(Object.isFrozen(tenantry)).toBe(true);
  });
});
