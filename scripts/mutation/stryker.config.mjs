// @ts-check
/**
 * StrykerJS over the pure core, the services and the memory adapter
 * (`npm run mutation`). Incremental: the results of the last full run are
 * kept in `scripts/mutation/stryker-incremental.json`, so a rerun tests only
 * the mutants in code or tests that changed since.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'scripts/mutation/vitest.mutation.config.ts', related: true },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: ['src/core/**/*.ts', 'src/services/**/*.ts', 'src/adapters/memory/**/*.ts', '!src/**/index.ts'],
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'scripts/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  concurrency: 2,
  timeoutMS: 20000,
  dryRunTimeoutMinutes: 30,
  thresholds: { high: 90, low: 85, break: 85 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
