/**
 * `tenantry/buses`: invalidation buses that keep the cross-request caches
 * of many instances consistent. Neither needs a dependency of tenantry:
 * pass your own `pg` pool or Redis client.
 */
export { postgresInvalidationBus } from './adapters/buses/postgres-bus.js';
export type { PgClientLike, PgNotificationLike, PgPoolLike, PostgresInvalidationBusOptions } from './adapters/buses/postgres-bus.js';
export { redisInvalidationBus } from './adapters/buses/redis-bus.js';
export type { RedisClientLike, RedisInvalidationBusOptions } from './adapters/buses/redis-bus.js';
export { BusProbeTimeoutError } from './adapters/buses/network-bus.js';
export type { NetworkBusTiming, NetworkInvalidationBus } from './adapters/buses/network-bus.js';
export type { InvalidationBus, InvalidationBusStatus, InvalidationBusStatusListener, InvalidationMessage } from './core/invalidation/invalidation-bus.js';
