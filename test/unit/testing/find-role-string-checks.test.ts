import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRoleStringChecks } from 'tenantry/testing';

describe('findRoleStringChecks', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tenantry-roles-'));
    await mkdir(join(root, 'nested'));
    await mkdir(join(root, 'node_modules'));
    await writeFile(
      join(root, 'a.ts'),
      [
        "if (member.role === 'owner') {}",
        'if ("manager" !== role) {}',
        'switch (role) { case `owner`: break }',
        "if (['owner', 'manager'].includes(role)) {}",
        "const label = 'owner'; // a plain mention is fine",
        "if (roles.grants(role, 'billing.read')) {}",
        "if (name === 'ownership') {}",
        " * docs may show `role === 'owner'`",
        "// if (role === 'owner') was the old way",
      ].join('\n'),
    );
    await writeFile(join(root, 'nested', 'b.tsx'), "const x = role == 'manager';\n");
    await writeFile(join(root, 'nested', 'notes.md'), "role === 'owner'\n");
    await writeFile(join(root, 'node_modules', 'c.ts'), "role === 'owner'\n");
    await writeFile(join(root, 'roles.ts'), "role === 'owner'\n");
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds equality, inequality, case and includes comparisons against role literals', async () => {
    const found = await findRoleStringChecks({ root, roles: ['owner', 'manager'], allow: ['roles.ts'] });
    expect(found.map(({ file, line, role }) => `${file}:${line}:${role}`)).toEqual([
      'a.ts:1:owner',
      'a.ts:2:manager',
      'a.ts:3:owner',
      'a.ts:4:owner',
      'a.ts:4:manager',
      'nested/b.tsx:1:manager',
    ]);
  });

  it('skips allowed files, node_modules and non-source files', async () => {
    const found = await findRoleStringChecks({ root, roles: ['owner'], allow: ['roles.ts', 'a.ts'] });
    expect(found).toEqual([]);
  });
});
