import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findRoleStringChecks } from 'tenantry/testing';
import { roles } from '../support/catalog.js';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

describe('role strings are data, never compared in code', () => {
  it('src/ compares no role strings', async () => {
    expect(await findRoleStringChecks({ root: root('src'), roles: roles.roleNames() })).toEqual([]);
  });

  it('examples/ compare no role strings outside the role map', async () => {
    expect(await findRoleStringChecks({ root: root('examples'), roles: roles.roleNames(), allow: ['catalog.ts'] })).toEqual([]);
  });
});
