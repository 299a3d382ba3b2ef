import { Redis } from 'ioredis';
import pg from 'pg';
import { createClient } from 'redis';
import { describe, expectTypeOf, it } from 'vitest';
import type { InvalidationBus, Store } from 'tenantry';
import { postgresInvalidationBus, redisInvalidationBus, type NetworkInvalidationBus, type PgPoolLike, type RedisClientLike } from 'tenantry/buses';
import { memoryStore } from 'tenantry/memory';
import { routedStore } from 'tenantry/routed';

describe('scale-out types', () => {
  it('the buses take the real clients structurally and are InvalidationBus values', () => {
    expectTypeOf<pg.Pool>().toExtend<PgPoolLike>();
    expectTypeOf<Redis>().toExtend<RedisClientLike>();
    expectTypeOf<ReturnType<typeof createClient>>().toExtend<RedisClientLike>();
    expectTypeOf(postgresInvalidationBus).returns.toEqualTypeOf<NetworkInvalidationBus>();
    expectTypeOf<NetworkInvalidationBus>().toExtend<InvalidationBus>();
    expectTypeOf<NetworkInvalidationBus['publish']>().returns.toEqualTypeOf<Promise<void>>();
    // @ts-expect-error a client must publish and duplicate
    redisInvalidationBus({ client: { publish: () => Promise.resolve(1) } });
  });

  it('routedStore is a Store whose home and route answer are regions of stores', () => {
    const stores = { eu: memoryStore(), us: memoryStore() };
    expectTypeOf(routedStore({ route: () => 'eu', stores, home: 'eu' })).toEqualTypeOf<Store>();
    // @ts-expect-error home must be one of the stores' regions
    routedStore({ route: () => 'eu', stores, home: 'mars' });
    // @ts-expect-error route must answer one of the stores' regions
    routedStore({ route: () => 'mars', stores, home: 'eu' });
  });
});
