/**
 * `tenantry/store`: the storage port, for adapter authors and for code that
 * wraps a store. Tier 1 is {@link StoreAdapter}, the small interface an
 * adapter implements (the operations of `STORE_OPERATIONS`, `transaction`,
 * `classifyError`); tier 2 is {@link defineStore}, which wraps an adapter into
 * the {@link Store} services use. Records, inputs and results of every
 * operation, and the rules a store applies (rate-limit keys, the counter
 * ceiling, the tenant pool), are exported here too. See `docs/storage.md`.
 *
 * @packageDocumentation
 */
export * from './store/index.js';
export { defineStore, isStore } from './store/define-store.js';
export { COUNTER_CEILING } from './core/entitlements/limit.js';
