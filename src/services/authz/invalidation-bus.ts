/**
 * Tells other processes that a membership changed, so their cross-request
 * caches drop it. `userId` absent means every membership of the tenant.
 */
export interface InvalidationMessage {
  readonly tenantId: string;
  readonly userId?: string;
}

/**
 * Port for multi-instance cache invalidation. tenantry publishes a message for
 * every membership change it makes and drops the matching local entries when a
 * message arrives. Implement it over Redis pub/sub, PostgreSQL `LISTEN/NOTIFY`,
 * or your own bus; delivery may be at-least-once (invalidation is idempotent).
 * The cache TTL bounds staleness if a message is lost.
 */
export interface InvalidationBus {
  /** Sends `message` to the other instances. Errors are the bus's to handle; tenantry does not await delivery. */
  publish(message: InvalidationMessage): void;
  /** Registers a listener for messages from other instances; returns the unsubscribe function. */
  subscribe(listener: (message: InvalidationMessage) => void): () => void;
}

/**
 * A bus that connects instances inside one process. Useful in tests, and as
 * a model for real implementations.
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
