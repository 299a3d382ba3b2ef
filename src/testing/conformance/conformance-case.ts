import type { Store } from '../../store/store.js';

/** What a conformance case receives. */
export interface StoreConformanceContext {
  /**
   * The store under test. It may already hold data written by other cases
   * (cases only touch ids they generate), so a single database can serve the
   * whole suite.
   */
  readonly store: Store;
}

/** One behaviour every {@link Store} must have. `run` rejects (with an `AssertionError`) when the store lacks it. */
export interface StoreConformanceCase<N extends string = string> {
  /** A sentence naming the behaviour, unique within the suite. */
  readonly name: N;
  run(context: StoreConformanceContext): Promise<void>;
}
