import { z } from 'zod';
import { parseConfig } from '../../core/validation/parse-input.js';
import { channelSchema, DEFAULT_CHANNEL, timingSchema } from './bus-options.js';
import { networkBus, type BusTransport, type NetworkBusTiming, type NetworkInvalidationBus } from './network-bus.js';

/** A notification as `pg` delivers it. */
export interface PgNotificationLike {
  readonly channel: string;
  readonly payload?: string;
}

/** The part of a `pg` client the bus uses (a client checked out of the pool, kept for `LISTEN`). */
export interface PgClientLike {
  query(text: string, values?: unknown[]): Promise<unknown>;
  /** `'notification'` with a {@link PgNotificationLike}, `'error'` with an `Error`, `'end'`. */
  on(event: 'notification' | 'error' | 'end', listener: (value: never) => void): unknown;
  /** Returns the client to the pool; `true` destroys it instead. */
  release(destroy?: boolean): void;
}

/** The part of a `pg` `Pool` the bus uses. */
export interface PgPoolLike {
  connect(): Promise<PgClientLike>;
  query(text: string, values?: unknown[]): Promise<unknown>;
}

/** Options of {@link postgresInvalidationBus}. */
export interface PostgresInvalidationBusOptions extends NetworkBusTiming {
  /**
   * A `pg` `Pool` on the database every instance shares. The bus keeps one
   * of its clients checked out for `LISTEN` (size the pool one larger) and
   * sends with `pg_notify` through the pool.
   */
  readonly pool: PgPoolLike;
  /** The notification channel. Default `tenantry_invalidation`. */
  readonly channel?: string;
}

/**
 * NOTIFY payloads must be shorter than 8000 bytes; the margin leaves room
 * for the envelope of the batch.
 */
const MAX_NOTIFY_BYTES = 7900;

const optionsSchema = z
  .object({
    pool: z.custom((value) => typeof (value as PgPoolLike | null)?.connect === 'function' && typeof (value as PgPoolLike).query === 'function', {
      message: 'expected a pg Pool (connect and query)',
    }),
    channel: channelSchema.optional(),
    ...timingSchema,
  })
  .strict();

/**
 * An invalidation bus over PostgreSQL `LISTEN/NOTIFY`: no other server
 * needed when the instances already share PostgreSQL. A dedicated client
 * listens (reconnecting with backoff when its backend goes away); messages
 * go out with `pg_notify`, batched under bursts and split to stay within
 * NOTIFY's payload limit. Messages this bus published itself are ignored.
 *
 * Pass it as `createTenantry({ cache: { bus } })`; `tenantry.close()` lets
 * go of the listening client.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { postgresInvalidationBus } from 'tenantry/buses';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const bus = postgresInvalidationBus({ pool });
 * const tenantry = createTenantry({ store, capabilities, roles, cache: { memberships: { max: 10_000, ttlMs: 60_000 }, bus } });
 * ```
 */
export function postgresInvalidationBus(options: PostgresInvalidationBusOptions): NetworkInvalidationBus {
  parseConfig(optionsSchema, options, 'postgresInvalidationBus() options');
  const { pool } = options;
  const channel = options.channel ?? DEFAULT_CHANNEL;
  const transport: BusTransport = {
    async open(handlers) {
      const client = await pool.connect();
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        // Destroyed, not returned: a client that was listening must not be reused by queries.
        client.release(true);
      };
      client.on('notification', (message: PgNotificationLike) => {
        if (message.channel === channel && message.payload !== undefined) handlers.onPayload(message.payload);
      });
      client.on('error', (error: Error) => {
        release();
        handlers.onLost(error);
      });
      client.on('end', () => {
        release();
        handlers.onLost(new Error('The invalidation bus listening connection ended.'));
      });
      try {
        // The channel is validated as a plain identifier; quoting keeps it exactly as given.
        await client.query(`LISTEN "${channel}"`);
      } catch (error) {
        release();
        throw error;
      }
      return {
        close: () => {
          release();
          return Promise.resolve();
        },
      };
    },
    async send(payload) {
      await pool.query('select pg_notify($1, $2)', [channel, payload]);
    },
  };
  return networkBus(transport, { ...options, maxPayloadBytes: MAX_NOTIFY_BYTES });
}
