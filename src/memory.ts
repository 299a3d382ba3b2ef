/**
 * `tenantry/memory`: the in-process store, for tests and prototypes.
 *
 * @packageDocumentation
 */
export { memoryStore } from './adapters/memory/memory-store.js';
export type { MemoryStore } from './adapters/memory/memory-store.js';
export { MemoryAdapter } from './adapters/memory/memory-adapter.js';
