export type { StoreConformanceCase, StoreConformanceContext } from './conformance-case.js';
export { storeConformanceCases } from './store-conformance-cases.js';
export type { StoreConformanceCaseName } from './store-conformance-cases.js';
export { runStoreConformance } from './run-store-conformance.js';
export type { ConformanceIt, RunStoreConformanceOptions } from './run-store-conformance.js';
