import { z } from 'zod';
import { parseConfig } from '../../core/validation/parse-input.js';
import { channelSchema, DEFAULT_CHANNEL, timingSchema } from './bus-options.js';
import { networkBus, type BusTransport, type NetworkBusTiming, type NetworkInvalidationBus, type TransportHandlers } from './network-bus.js';

/**
 * A Redis client, structurally: an ioredis `Redis` or a node-redis client
 * (`createClient()`, connected). The bus publishes through it and makes
 * its own subscriber connection with `duplicate()`; tenantry depends on
 * neither package.
 */
export interface RedisClientLike {
  publish(channel: string, message: string): Promise<unknown>;
  duplicate(...overrides: never[]): unknown;
}

/** Options of {@link redisInvalidationBus}. */
export interface RedisInvalidationBusOptions extends NetworkBusTiming {
  /** The client every instance's Redis is reached with (ioredis or node-redis). */
  readonly client: RedisClientLike;
  /** The pub/sub channel. Default `tenantry_invalidation`. */
  readonly channel?: string;
}

/** Redis has no small payload cap; batches are still split to keep one message cheap to parse. */
const MAX_REDIS_BYTES = 64 * 1024;

interface Emitter {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** ioredis: `status` is its connection state string. */
interface IoRedisSubscriber extends Emitter {
  subscribe(channel: string): Promise<unknown>;
  disconnect(): void;
}

/** node-redis: connect explicitly, subscribe with a listener. */
interface NodeRedisSubscriber extends Emitter {
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<unknown>;
  destroy?(): void;
  disconnect?(): Promise<void>;
}

const optionsSchema = z
  .object({
    client: z.custom(
      (value) => typeof (value as RedisClientLike | null)?.publish === 'function' && typeof (value as RedisClientLike).duplicate === 'function',
      { message: 'expected an ioredis or node-redis client (publish and duplicate)' },
    ),
    channel: channelSchema.optional(),
    ...timingSchema,
  })
  .strict();

function isIoRedis(client: unknown): boolean {
  return typeof (client as { status?: unknown }).status === 'string';
}

/** Calls `onLost` once, for the first of the events that mean the subscriber connection is gone. */
function watch(subscriber: Emitter, events: readonly string[], handlers: TransportHandlers, onFirst: () => void): void {
  let reported = false;
  for (const event of events) {
    subscriber.on(event, (error?: unknown) => {
      if (reported) return;
      reported = true;
      onFirst();
      handlers.onLost(error instanceof Error ? error : new Error(`The invalidation bus subscriber connection emitted "${event}".`));
    });
  }
}

async function openIoRedis(client: RedisClientLike, channel: string, handlers: TransportHandlers) {
  const subscriber = client.duplicate() as IoRedisSubscriber;
  // Disconnecting stops ioredis's own reconnection: the bus reconnects (and re-probes) itself.
  const close = () => {
    try {
      subscriber.disconnect();
    } catch {
      // Already closed.
    }
  };
  watch(subscriber, ['error', 'close', 'end'], handlers, close);
  subscriber.on('message', (from, message) => {
    if (from === channel && typeof message === 'string') handlers.onPayload(message);
  });
  try {
    await subscriber.subscribe(channel);
  } catch (error) {
    close();
    throw error;
  }
  return {
    close: () => {
      close();
      return Promise.resolve();
    },
  };
}

async function openNodeRedis(client: RedisClientLike, channel: string, handlers: TransportHandlers) {
  const subscriber = client.duplicate() as NodeRedisSubscriber;
  const close = () => {
    try {
      if (typeof subscriber.destroy === 'function') subscriber.destroy();
      else void subscriber.disconnect?.().catch(() => undefined);
    } catch {
      // Already closed.
    }
  };
  // node-redis throws an unhandled 'error' without a listener; the first one ends this connection.
  watch(subscriber, ['error', 'end'], handlers, close);
  try {
    await subscriber.connect();
    await subscriber.subscribe(channel, (message) => {
      handlers.onPayload(message);
    });
  } catch (error) {
    close();
    throw error;
  }
  return {
    close: () => {
      close();
      return Promise.resolve();
    },
  };
}

/**
 * An invalidation bus over Redis pub/sub, for ioredis and node-redis
 * clients alike. The subscriber is a `duplicate()` of `client`, replaced
 * (with backoff) when its connection breaks; messages are published through
 * `client`, batched under bursts. Messages this bus published itself are
 * ignored.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { redisInvalidationBus } from 'tenantry/buses';
 *
 * const bus = redisInvalidationBus({ client: new Redis('redis://127.0.0.1:6379') });
 * const tenantry = createTenantry({ store, capabilities, roles, cache: { memberships: { max: 10_000, ttlMs: 60_000 }, bus } });
 * ```
 */
export function redisInvalidationBus(options: RedisInvalidationBusOptions): NetworkInvalidationBus {
  parseConfig(optionsSchema, options, 'redisInvalidationBus() options');
  const { client } = options;
  const channel = options.channel ?? DEFAULT_CHANNEL;
  const transport: BusTransport = {
    open: (handlers) => (isIoRedis(client) ? openIoRedis(client, channel, handlers) : openNodeRedis(client, channel, handlers)),
    async send(payload) {
      await client.publish(channel, payload);
    },
  };
  return networkBus(transport, { ...options, maxPayloadBytes: MAX_REDIS_BYTES });
}
