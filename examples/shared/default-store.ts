import type { Store } from 'tenantry';
import { memoryStore } from 'tenantry/memory';

/**
 * The store every example runs on. Kept in one place so that switching the
 * examples to the embedded SQLite default is a one-file change.
 */
export function createExampleStore(): Promise<{ store: Store; close: () => Promise<void> }> {
  return Promise.resolve({ store: memoryStore(), close: () => Promise.resolve() });
}
