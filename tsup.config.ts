import { defineConfig } from 'tsup';

/**
 * One entry per public subpath. `scripts/check-package.mjs` verifies that every
 * entry here is built in both formats and listed in package.json `exports`.
 */
export const entries = {
  index: 'src/index.ts',
  store: 'src/store.ts',
  memory: 'src/memory.ts',
  kysely: 'src/kysely.ts',
  express: 'src/express.ts',
  fastify: 'src/fastify.ts',
  testing: 'src/testing.ts',
  buses: 'src/buses.ts',
  routed: 'src/routed.ts',
  'testing/arbitraries': 'src/testing/arbitraries.ts',
  client: 'src/client.ts',
} as const;

/** Optional peers and drivers: never bundled, hosts bring their own copies. */
const external = ['fast-check', 'kysely', 'express', 'fastify', 'better-sqlite3', 'pg', 'mysql2', 'ioredis', 'redis'];

export default defineConfig([
  {
    entry: entries,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    splitting: true,
    treeshake: true,
    external,
  },
  // The `tenantry` executable (package.json `bin`): ESM only, its hashbang kept.
  {
    entry: { cli: 'src/cli/bin.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: false,
    target: 'node20',
    platform: 'node',
    external,
  },
]);
