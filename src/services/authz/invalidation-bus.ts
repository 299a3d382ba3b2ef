import type { InvalidationBus, InvalidationMessage } from '../../core/invalidation/invalidation-bus.js';

export type { InvalidationBus, InvalidationBusStatus, InvalidationBusStatusListener, InvalidationMessage } from '../../core/invalidation/invalidation-bus.js';

/**
 * A bus that connects instances inside one process. Useful in tests, and as
 * a model for real implementations. It is always up and reports no status.
 */
export function localInvalidationBus(): InvalidationBus {
  const listeners = new Set<(message: InvalidationMessage) => void>();
  return {
    publish(message) {
      for (const listener of listeners) listener(message);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
