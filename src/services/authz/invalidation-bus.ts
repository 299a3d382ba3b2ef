/**
 * What changed, so that other instances drop it from their cross-request caches.
 *
 * - `membership`: a membership of `tenantId` changed; `userId` absent means every membership of the tenant.
 * - `grants`: the tenant's packages, boosts or namespace limits changed.
 */
export interface InvalidationMessage {
  readonly topic: 'membership' | 'grants';
  readonly tenantId: string;
  readonly userId?: string;
}

/**
 * Port for multi-instance cache invalidation. tenantry publishes a message
 * for every membership and provisioning change it makes and drops the
 * matching local entries when a message arrives. Implement it over Redis
 * pub/sub, PostgreSQL `LISTEN/NOTIFY`, or your own bus; delivery may be
 * at-least-once (invalidation is idempotent). The cache TTL bounds staleness
 * if a message is lost.
 */
export interface InvalidationBus {
  /**
   * Sends `message` to the other instances. tenantry does not await delivery;
   * a throw or a rejected promise goes to the instance's `onError` hook and
   * never fails the change that was committed.
   */
  publish(message: InvalidationMessage): unknown;
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
