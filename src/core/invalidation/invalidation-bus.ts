/**
 * What changed, so that other instances drop it from their cross-request caches.
 *
 * - `membership`: a membership of `tenantId` changed (added, removed, or its
 *   role changed); `userId` absent means every membership of the tenant.
 * - `grants`: the tenant's packages, boosts or namespace limits changed.
 */
export interface InvalidationMessage {
  readonly topic: 'membership' | 'grants';
  readonly tenantId: string;
  readonly userId?: string;
}

/**
 * Whether a bus currently delivers every message published by other
 * instances:
 *
 * - `up`: subscribed, and the bus has seen its own probe come back through
 *   the subscription (so messages published from now on arrive);
 * - `down`: not (yet) subscribed, or the connection was lost; messages
 *   published meanwhile may never arrive.
 */
export type InvalidationBusStatus = 'up' | 'down';

/**
 * Told about the bus's connection. Called once synchronously from
 * `subscribe` with the current status, then on every change; `error` says
 * why the bus is `down` (also for each failed reconnection attempt).
 */
export type InvalidationBusStatusListener = (status: InvalidationBusStatus, error?: unknown) => void;

/**
 * Port for multi-instance cache invalidation. tenantry publishes a message
 * for every membership and provisioning change it makes and drops the
 * matching local entries when a message arrives. `tenantry/buses` ships
 * PostgreSQL `LISTEN/NOTIFY` and Redis pub/sub buses; implement it over
 * anything else. Delivery may be at-least-once (invalidation is
 * idempotent).
 *
 * A bus that reports its status (`onStatus`) makes the instance fail safe:
 * while the bus is `down` the instance serves nothing from its
 * cross-request caches, and it flushes them when the bus is `up` again. A
 * bus that never reports is taken as always up: then the cache TTL bounds
 * staleness when a message is lost.
 */
export interface InvalidationBus {
  /**
   * Sends `message` to the other instances. tenantry does not await delivery;
   * a throw or a rejected promise goes to the instance's `onError` hook and
   * never fails the change that was committed.
   */
  publish(message: InvalidationMessage): unknown;
  /**
   * Registers a listener for messages from other instances (and, optionally,
   * for the bus's status); returns the unsubscribe function, which may
   * return a promise that settles once the bus let go of its connection.
   */
  subscribe(listener: (message: InvalidationMessage) => void, onStatus?: InvalidationBusStatusListener): () => unknown;
}
