import type { Store } from '../../store/store.js';
import type { StoreConformanceCase } from './conformance-case.js';
import { storeConformanceCases, type StoreConformanceCaseName } from './store-conformance-cases.js';

/** The `it` of a test framework (vitest, jest, mocha, node:test), with its optional `skip`. */
export interface ConformanceIt {
  (name: string, body: () => Promise<void>): unknown;
  readonly skip?: (name: string, body: () => Promise<void>) => unknown;
}

/** Options of {@link runStoreConformance}. */
export interface RunStoreConformanceOptions {
  /** Name of the enclosing suite. Default is `'Store conformance'`. */
  readonly name?: string;
  /** Creates the store one case runs against; called once per case, so it may return a shared store or a fresh one. */
  readonly createStore: () => Store | Promise<Store>;
  /** Called after each case with the store it ran against, whatever the outcome. Default does nothing. */
  readonly disposeStore?: (store: Store) => void | Promise<void>;
  /** The framework's `describe` (`node:test`'s `describe` works too). */
  readonly describe: (name: string, body: () => void) => unknown;
  /** The framework's `it`. */
  readonly it: ConformanceIt;
  /**
   * Cases this store cannot support, each with the reason. They are
   * registered through `it.skip` under a name that states the reason, so a
   * skip is always visible. Default is none.
   */
  readonly skip?: Partial<Readonly<Record<StoreConformanceCaseName, string>>>;
  /**
   * Cases known to fail on this store, each with the reason (a known bug).
   * They still run and must fail: once the bug is fixed the test fails,
   * asking for the entry to be removed. Default is none.
   */
  readonly knownFailures?: Partial<Readonly<Record<StoreConformanceCaseName, string>>>;
}

async function runCase(options: RunStoreConformanceOptions, testCase: StoreConformanceCase): Promise<void> {
  const store = await options.createStore();
  try {
    await testCase.run({ store });
  } finally {
    await options.disposeStore?.(store);
  }
}

async function runKnownFailure(options: RunStoreConformanceOptions, testCase: StoreConformanceCase, reason: string): Promise<void> {
  try {
    await runCase(options, testCase);
  } catch {
    return;
  }
  throw new Error(`"${testCase.name}" was listed in knownFailures (${reason}) but passes now: remove it from the list.`);
}

/**
 * Registers {@link storeConformanceCases} as tests with any describe/it test
 * framework: one `describe` named `options.name`, one `it` per case.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { runStoreConformance } from 'tenantry/testing';
 *
 * runStoreConformance({ name: 'my store', createStore: () => myStore(), describe, it });
 * ```
 */
export function runStoreConformance(options: RunStoreConformanceOptions): void {
  options.describe(options.name ?? 'Store conformance', () => {
    for (const testCase of storeConformanceCases) {
      const skipReason = options.skip?.[testCase.name];
      const failureReason = options.knownFailures?.[testCase.name];
      if (skipReason !== undefined) {
        options.it.skip?.(`${testCase.name} (skipped: ${skipReason})`, () => Promise.resolve());
      } else if (failureReason !== undefined) {
        options.it(`${testCase.name} (known failure: ${failureReason})`, () => runKnownFailure(options, testCase, failureReason));
      } else {
        options.it(testCase.name, () => runCase(options, testCase));
      }
    }
  });
}
