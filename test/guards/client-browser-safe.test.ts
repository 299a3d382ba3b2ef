import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * `tenantry/client` runs in browsers: everything it reaches (following value
 * and type imports alike) is `src/client/**` or one of the core files vetted
 * below as free of Node APIs and dependencies, and nothing it reaches imports
 * a package (no `node:`, no zod, no framework). A new import into the client
 * fails here until its target is vetted and listed.
 */
const src = fileURLToPath(new URL('../../src', import.meta.url));

/** Core files vetted as browser-safe: plain TypeScript, no I/O, no package imports, no globals beyond ES2022. */
const VETTED_CORE = [
  'core/decisions/action-state.ts',
  'core/decisions/decision.ts',
  'core/errors/catalog-errors.ts',
  'core/errors/snapshot-errors.ts',
  'core/errors/tenantry-error.ts',
  'core/snapshot/client-snapshot.ts',
];
/** Reached only through `import type` / `export type` (erased from the build), so their own imports do not matter. */
const TYPE_ONLY = ['core/capabilities/define-capabilities.ts', 'core/roles/define-roles.ts'];

const SPECIFIER = /(?:^|\n)\s*(import|export)\s(type\s)?[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

interface Reached {
  readonly file: string;
  readonly viaValue: boolean;
}

function walk(): { reached: Map<string, boolean>; packages: string[] } {
  const reached = new Map<string, boolean>();
  const packages: string[] = [];
  const pending: Reached[] = [{ file: resolve(src, 'client.ts'), viaValue: true }];
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === undefined) break;
    const seen = reached.get(next.file);
    if (seen === true || (seen === false && !next.viaValue)) continue;
    reached.set(next.file, next.viaValue);
    // A type-only target contributes no code: its own imports are erased too.
    if (!next.viaValue) continue;
    for (const match of readFileSync(next.file, 'utf8').matchAll(SPECIFIER)) {
      const specifier = match[3] ?? match[4] ?? '';
      const typeOnly = match[2] !== undefined;
      if (!specifier.startsWith('.')) {
        packages.push(`${relative(src, next.file)} imports ${specifier}`);
        continue;
      }
      pending.push({ file: resolve(dirname(next.file), specifier).replace(/\.js$/, '.ts'), viaValue: !typeOnly });
    }
  }
  return { reached, packages };
}

describe('tenantry/client is browser-safe', () => {
  const { reached, packages } = walk();
  const files = [...reached.keys()].map((file) => relative(src, file));

  it('imports no package at all (no node:, no zod, no framework)', () => {
    expect(packages).toEqual([]);
  });

  it('reaches only its own files and the vetted core files; type-only targets contribute no code', () => {
    const valueFiles = [...reached].filter(([, value]) => value).map(([file]) => relative(src, file));
    const unvetted = valueFiles.filter((file) => file !== 'client.ts' && !file.startsWith('client/') && !VETTED_CORE.includes(file));
    expect(unvetted).toEqual([]);
    const typeOnly = [...reached].filter(([, value]) => !value).map(([file]) => relative(src, file));
    expect(typeOnly.filter((file) => !TYPE_ONLY.includes(file) && !VETTED_CORE.includes(file))).toEqual([]);
  });

  it('the vetted core files use no Node globals (process, Buffer, require, __dirname)', () => {
    for (const file of VETTED_CORE) {
      const text = readFileSync(resolve(src, file), 'utf8');
      expect(text, file).not.toMatch(/\b(process|Buffer|require|__dirname|__filename|setImmediate)\b[.(]/);
    }
  });

  it('sees the client (cannot pass vacuously)', () => {
    expect(files).toContain('client/parse-snapshot.ts');
    expect(files).toContain('core/errors/snapshot-errors.ts');
  });
});
