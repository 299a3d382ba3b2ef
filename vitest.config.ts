import { defineConfig } from 'vitest/config';

import { fileURLToPath } from 'node:url';

const source = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests and examples import the package by its public names, resolved to the source.
    alias: [
      { find: /^tenantry$/, replacement: source('index.ts') },
      { find: /^tenantry\/(.*)$/, replacement: source('$1.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    typecheck: {
      enabled: true,
      include: ['test/types/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
    // Database-backed files create their own schemas, so files may run in parallel;
    // two workers match the two cores of the CI machine.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
