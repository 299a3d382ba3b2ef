import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../../vitest.config.js';

/**
 * The tests StrykerJS runs against each mutant: everything that needs no
 * database server (unit, property, conformance on the memory store). The SQL
 * adapters are held by the conformance and model-based suites on real
 * servers instead (docs/testing.md).
 */
export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: ['test/unit/**/*.test.ts', 'test/property/**/*.test.ts', 'test/conformance/**/*.test.ts', 'test/golden/**/*.test.ts'],
      typecheck: { enabled: false },
      // The memory store only: CI's every-database rule does not apply to this run.
      env: { CI: 'false', TENANTRY_TEST_DATABASES: 'memory' },
    },
  }),
);
