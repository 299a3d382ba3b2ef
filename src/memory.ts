/**
 * `tenantry/memory`: the in-process store, for tests and prototypes.
 *
 * @packageDocumentation
 */
export { MemoryStore, memoryStore } from './adapters/memory/memory-store.js';
