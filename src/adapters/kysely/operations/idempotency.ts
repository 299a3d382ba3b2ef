import { StorageUnavailableError } from '../../../core/errors/index.js';
import type { ConsumeRequest, CounterChange, CounterTarget } from '../../../store/entitlement-records.js';
import { readText } from '../column-values.js';
import { insertUnlessDuplicate } from './insert-rows.js';
import type { QueryContext } from './query-context.js';

/** The idempotency part of a consume request. */
type Idempotency = NonNullable<ConsumeRequest['idempotency']>;

/** What an earlier consumption under the same key recorded. */
export interface StoredConsumption {
  readonly fingerprint: string;
  readonly counters: readonly CounterChange[];
  /** The limit of each counter it was applied under; absent from records written before limits were recorded. */
  readonly limits: readonly (number | 'unlimited')[] | undefined;
}

/**
 * One counter of a stored result: its change and, since limits are
 * recorded, its limit. The JSON keeps the format earlier versions wrote:
 * `null` is an unlimited counter there (the port's `'unlimited'`).
 */
interface StoredChange {
  readonly before: number;
  readonly after: number;
  readonly limit?: number | null;
}

// Fingerprints may contain NUL (the service separates its parts with
// U+0000), which PostgreSQL text cannot hold: they are stored JSON-encoded.
export const encode = (fingerprint: string) => JSON.stringify(fingerprint);

/** The `result` column: each counter's change and limit, in request order. */
function encodeResult(counters: readonly CounterChange[], targets: readonly CounterTarget[]): string {
  return JSON.stringify(
    counters.map((change, index): StoredChange => {
      const limit = targets[index]?.limit ?? 'unlimited';
      return { before: change.before, after: change.after, limit: limit === 'unlimited' ? null : limit };
    }),
  );
}

export function decodeResult(value: string): Pick<StoredConsumption, 'counters' | 'limits'> {
  const parsed = JSON.parse(value) as readonly StoredChange[];
  const counters = Object.freeze(parsed.map((change) => Object.freeze({ before: change.before, after: change.after })));
  const recorded = parsed.every((change) => change.limit !== undefined);
  return { counters, limits: recorded ? Object.freeze(parsed.map((change) => change.limit ?? 'unlimited')) : undefined };
}

/**
 * Claims `idempotency.key` for this tenant by inserting its record first,
 * in the consumption's transaction. Resolves `undefined` when claimed (the
 * consumption goes ahead and completes the record with
 * {@link completeClaim}), or with the earlier consumption's record.
 *
 * A concurrent claim of the same key waits on the unique key until the
 * first transaction ends: if it committed, the insert finds a duplicate and
 * the record is read (with a shared lock, so it is the latest committed
 * version even inside an older snapshot); if it rolled back, the insert goes
 * through and this call owns the key.
 */
export async function claimKey(ctx: QueryContext, tenantId: string, idempotency: Idempotency, now: Date): Promise<StoredConsumption | undefined> {
  const { q, tables, dialect } = ctx;
  const expiresAt = idempotency.expiresAt === undefined ? null : dialect.writeTimestamp(idempotency.expiresAt);
  const outcome = await insertUnlessDuplicate(
    ctx,
    q.insertInto(tables.idempotency_keys).values({
      tenant_id: tenantId,
      idempotency_key: idempotency.key,
      fingerprint: encode(idempotency.fingerprint),
      result: null,
      created_at: dialect.writeTimestamp(now),
      expires_at: expiresAt,
    }),
  );
  if (outcome === 1n) return undefined;
  if (await reclaimExpired(ctx, tenantId, idempotency, now, expiresAt)) return undefined;
  const row = await dialect
    .readLatestShared(
      q.selectFrom(tables.idempotency_keys).select(['fingerprint', 'result']).where('tenant_id', '=', tenantId).where('idempotency_key', '=', idempotency.key),
    )
    .executeTakeFirst();
  // A duplicate is reported only once the other transaction has committed,
  // result included. Not seeing it means this transaction reads an older
  // snapshot (an isolation level stricter than the default).
  // Never echo the client's key: it may be a request secret.
  if (row?.result == null)
    throw new StorageUnavailableError('An idempotency record exists but is not visible to this transaction; retry the request.', {
      reason: 'serialization_failure',
    });
  return Object.freeze({ fingerprint: JSON.parse(readText(row.fingerprint)) as string, ...decodeResult(readText(row.result)) });
}

/**
 * Takes over an expired record of the key, in one guarded update: the
 * `expires_at <= now` guard and the write are one statement, which locks
 * the row, so of two concurrent retries after expiry one takes it over and
 * the other, re-evaluating the guard on the committed row, finds it fresh
 * and replays it (or conflicts). Resolves `true` when taken over.
 */
async function reclaimExpired(ctx: QueryContext, tenantId: string, idempotency: Idempotency, now: Date, expiresAt: Date | string | null): Promise<boolean> {
  const result = await ctx.q
    .updateTable(ctx.tables.idempotency_keys)
    // The expired record's stored response (0011) goes with it: it answered another request.
    .set({ fingerprint: encode(idempotency.fingerprint), result: null, response: null, created_at: ctx.dialect.writeTimestamp(now), expires_at: expiresAt })
    .where('tenant_id', '=', tenantId)
    .where('idempotency_key', '=', idempotency.key)
    .where('expires_at', '<=', ctx.dialect.writeTimestamp(now))
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Stores the claimed consumption's result (changes and the limits they were applied under) in its record, in the same transaction. */
export async function completeClaim(
  ctx: QueryContext,
  tenantId: string,
  key: string,
  counters: readonly CounterChange[],
  targets: readonly CounterTarget[],
): Promise<void> {
  await ctx.q
    .updateTable(ctx.tables.idempotency_keys)
    .set({ result: encodeResult(counters, targets) })
    .where('tenant_id', '=', tenantId)
    .where('idempotency_key', '=', key)
    .execute();
}

/** Whether `key` is recorded for the tenant (committed) and not expired at `now`. One statement. */
export async function keyRecorded(ctx: QueryContext, tenantId: string, key: string, now: Date): Promise<boolean> {
  const row = await ctx.q
    .selectFrom(ctx.tables.idempotency_keys)
    .select('tenant_id')
    .where('tenant_id', '=', tenantId)
    .where('idempotency_key', '=', key)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', ctx.dialect.writeTimestamp(now))]))
    .executeTakeFirst();
  return row !== undefined;
}
