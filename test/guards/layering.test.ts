import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The architecture, enforced on the import graph of `src/`:
 *
 * - `core` imports only `core` (and zod): pure, no I/O, no adapters;
 * - `store` (the port) imports only `core` and `store`;
 * - `services/*` import only `core`, `store` and other services, with no
 *   cycle between service folders;
 * - `tenantry` (the composition root) imports `core`, `store`, `services`;
 * - `adapters/*` import only `core`, `store` and their own adapter folder;
 * - `integrations/*` import only the public surface (the package entry
 *   points `src/index.ts`, `src/store.ts`), the pure `core` and
 *   `integrations`: never services, the root's internals or adapters;
 * - `testing` never imports `integrations`;
 * - `cli` (the `tenantry` executable) imports only the package entry points,
 *   the pure `core` and `cli`: it is a host of the public API like any other.
 *
 * Package imports are checked too: only adapters, integrations, testing and
 * the entry files may import kysely, drivers or frameworks, and nothing under
 * `core` imports `node:`.
 */
const src = fileURLToPath(new URL('../../src', import.meta.url));

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

interface Edge {
  readonly from: string;
  readonly to: string;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((match) => match[1] ?? match[2] ?? '');
}

/** The layer of a file: `core`, `store`, `services/<name>`, `tenantry`, `adapters/<name>`, `integrations`, `testing`, or `entry` for `src/*.ts`. */
function layerOf(file: string): string {
  const parts = relative(src, file).split('/');
  if (parts.length === 1) return 'entry';
  const [top, second] = parts;
  if (top === 'services' || top === 'adapters') return `${top}/${second ?? ''}`;
  return top ?? 'entry';
}

const files = filesUnder(src);
const internal: Edge[] = [];
const external: { readonly from: string; readonly specifier: string }[] = [];
for (const file of files) {
  for (const specifier of importsOf(file)) {
    if (specifier.startsWith('.')) {
      internal.push({ from: file, to: resolve(dirname(file), specifier).replace(/\.js$/, '.ts') });
    } else {
      external.push({ from: file, specifier });
    }
  }
}

const PUBLIC_SURFACE = new Set([join(src, 'index.ts'), join(src, 'store.ts')]);

function allowed(from: string, to: string, target: string): boolean {
  if (from === to) return true;
  if (from === 'entry') return true;
  if (from === 'core') return false;
  if (from === 'store') return to === 'core';
  if (from.startsWith('services/')) return to === 'core' || to === 'store' || to.startsWith('services/');
  if (from === 'tenantry') return to === 'core' || to === 'store' || to.startsWith('services/');
  if (from.startsWith('adapters/')) return to === 'core' || to === 'store';
  if (from === 'integrations') return PUBLIC_SURFACE.has(target) || to === 'core';
  if (from === 'testing') return to !== 'integrations';
  if (from === 'cli') return to === 'entry' || to === 'core';
  // The browser client: pure core only (test/guards/client-browser-safe.test.ts narrows it to the files it vetted).
  if (from === 'client') return to === 'core';
  return false;
}

const FRAMEWORKS_AND_DRIVERS = /^(kysely|express|fastify|better-sqlite3|pg|mysql2|ioredis|redis|undici)(\/|$)/;

describe('layering', () => {
  it('every import between layers follows the architecture', () => {
    const violations = internal
      .filter((edge) => !allowed(layerOf(edge.from), layerOf(edge.to), edge.to))
      .map((edge) => `${relative(src, edge.from)} -> ${relative(src, edge.to)} (${layerOf(edge.from)} may not import ${layerOf(edge.to)})`);
    expect(violations).toEqual([]);
  });

  it('core is pure and only adapters, integrations, testing and entry points import frameworks and drivers', () => {
    const violations = external
      .filter(({ from, specifier }) => {
        const layer = layerOf(from);
        if (layer === 'core') return specifier !== 'zod';
        if (FRAMEWORKS_AND_DRIVERS.test(specifier))
          return !(layer.startsWith('adapters/') || layer === 'integrations' || layer === 'testing' || layer === 'cli' || layer === 'entry');
        return false;
      })
      .map(({ from, specifier }) => `${relative(src, from)} imports ${specifier}`);
    expect(violations).toEqual([]);
  });

  it('service folders import each other without cycles', () => {
    const graph = new Map<string, Set<string>>();
    for (const edge of internal) {
      const from = layerOf(edge.from);
      const to = layerOf(edge.to);
      if (from === to || !from.startsWith('services/') || !to.startsWith('services/')) continue;
      const targets = graph.get(from) ?? new Set<string>();
      targets.add(to);
      graph.set(from, targets);
    }
    const cycles: string[] = [];
    const visit = (node: string, path: readonly string[]) => {
      for (const next of graph.get(node) ?? []) {
        if (path.includes(next)) cycles.push([...path.slice(path.indexOf(next)), next].join(' -> '));
        else visit(next, [...path, next]);
      }
    };
    for (const node of graph.keys()) visit(node, [node]);
    expect([...new Set(cycles)]).toEqual([]);
  });

  it('tenantry/testing loads without fast-check: no module it reaches imports it (the arbitraries have their own subpath)', () => {
    const reached = new Set<string>();
    const pending = [join(src, 'testing.ts')];
    while (pending.length > 0) {
      const file = pending.pop() ?? '';
      if (reached.has(file)) continue;
      reached.add(file);
      for (const edge of internal) if (edge.from === file) pending.push(edge.to);
    }
    const importers = external.filter(({ from, specifier }) => reached.has(from) && specifier.startsWith('fast-check')).map(({ from }) => relative(src, from));
    expect(reached.size).toBeGreaterThan(20);
    expect(importers).toEqual([]);
    // The arbitraries do need it, and live behind their own entry.
    expect(external.some(({ from, specifier }) => relative(src, from) === 'testing/arbitraries.ts' && specifier === 'fast-check')).toBe(true);
  });

  it('sees the whole tree (the rules above cannot pass vacuously)', () => {
    const layers = new Set(files.map(layerOf));
    for (const layer of [
      'core',
      'store',
      'services/authz',
      'services/membership',
      'services/entitlements',
      'tenantry',
      'adapters/memory',
      'adapters/kysely',
      'integrations',
      'testing',
      'entry',
    ]) {
      expect(layers).toContain(layer);
    }
    expect(internal.length).toBeGreaterThan(200);
  });
});
