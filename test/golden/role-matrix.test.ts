import { beforeAll, describe, expect, it } from 'vitest';
import { roleMatrixCases, roleMatrixFixture, type RoleMatrix, type RoleMatrixFixture } from 'tenantry/testing';
import { setup, type Capability, type Role } from '../support/catalog.js';

/**
 * Golden expectations for the example catalog, written by hand from the
 * product rules (not derived from the role map), so a change to the map that
 * breaks a rule fails here. Only the owner manages memberships.
 */
const matrix: RoleMatrix<Capability, Role> = {
  owner: {
    'membership.manage': 200,
    'billing.manage': 200,
    'tenant.manage': 200,
    'project.delete': 200,
    'audit.read': 200,
    'tenant.read': 200,
  },
  manager: {
    'membership.manage': 403,
    'billing.manage': 403,
    'billing.read': 200,
    'tenant.manage': 200,
    'project.delete': 200,
    'audit.read': 200,
    'tenant.read': 200,
  },
  operator: {
    'membership.manage': 403,
    'billing.read': 403,
    'tenant.manage': 403,
    'project.delete': 403,
    'project.write': 200,
    'project.read': 200,
    'tenant.read': 200,
  },
  readonly: {
    'membership.manage': 403,
    'tenant.manage': 403,
    'project.write': 403,
    'audit.read': 403,
    'billing.read': 403,
    'project.read': 200,
    'tenant.read': 200,
  },
};

describe('golden role matrix', () => {
  let fixture: RoleMatrixFixture<Capability, Role>;
  beforeAll(async () => {
    fixture = await roleMatrixFixture(setup().tenantry);
  });

  it.each(roleMatrixCases(matrix))('$title', async ({ role, capability, expected }) => {
    expect(await fixture.status(role, capability)).toBe(expected);
  });

  it.each(['membership.manage', 'tenant.read', 'project.read'] as const)('non-member -> %s = 404', async (capability) => {
    expect(await fixture.status('non-member', capability)).toBe(404);
  });

  it('has 5 to 10 golden checks per role', () => {
    for (const row of Object.values(matrix)) {
      const count = Object.keys(row).length;
      expect(count).toBeGreaterThanOrEqual(5);
      expect(count).toBeLessThanOrEqual(10);
    }
  });
});
