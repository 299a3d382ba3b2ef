/**
 * `tenantry/routed`: per-tenant store routing for data residency, over any
 * stores (`kyselyStore(dbEu)`, `kyselyStore(dbUs)`, ...).
 */
export { routedStore } from './adapters/routed/routed-store.js';
export type { RoutedStoreOptions } from './adapters/routed/routed-store.js';
