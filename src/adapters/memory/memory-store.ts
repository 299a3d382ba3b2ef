import { defineStore } from '../../store/define-store.js';
import type { Store } from '../../store/store.js';
import { MemoryAdapter } from './memory-adapter.js';

/** What {@link memoryStore} returns: a plain {@link Store}. */
export type MemoryStore = Store;

/**
 * Creates an empty in-memory store: `defineStore(new MemoryAdapter())`. Data
 * lives in the process and is lost when it exits; every store has its own.
 *
 * @example
 * ```ts
 * import { memoryStore } from 'tenantry/memory';
 * const tenantry = createTenantry({ capabilities, roles, store: memoryStore() });
 * ```
 */
export function memoryStore(): MemoryStore {
  return defineStore(new MemoryAdapter());
}
