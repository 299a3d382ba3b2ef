import { AlreadyExistsError } from '../../../core/errors/index.js';
import type { CounterKey } from '../../../store/entitlement-operations.js';
import type {
  LeaseAcquireRequest,
  LeaseAcquireResult,
  LeaseCheckpoint,
  LeaseReclaim,
  LeaseReclaimRequest,
  LeaseRecord,
  LeaseReturnRequest,
  LeaseReturnResult,
} from '../../../store/lease-records.js';
import { readCount, readText } from '../column-values.js';
import { atomic, atomicUnlessRefused, fallible, read, type Scope } from '../scope.js';
import { withSavepoint } from '../transactions.js';
import { consume } from './consume.js';
import type { QueryContext } from './query-context.js';
import { release } from './release.js';

const NOT_FOUND: LeaseReturnResult = Object.freeze({ outcome: 'not_found' });

/** How often a return retries its guarded delete after a concurrent checkpoint moved the row under it. */
const RETURN_ATTEMPTS = 8;

function selectLeases(ctx: QueryContext) {
  const { q, tables, dialect } = ctx;
  return q
    .selectFrom(tables.quota_leases)
    .select([
      'id',
      'tenant_id',
      'feature_key',
      'holder_id',
      'counters',
      'granted',
      'consumed',
      dialect.selectTimestamp('acquired_at').as('acquired_at'),
      dialect.selectTimestamp('expires_at').as('expires_at'),
    ]);
}

type LeaseRow = Awaited<ReturnType<ReturnType<typeof selectLeases>['executeTakeFirstOrThrow']>>;

function encodeCounters(counters: readonly CounterKey[]): string {
  return JSON.stringify(counters.map((c) => [c.featureKey, c.namespace, c.windowStart.getTime()]));
}

function decodeCounters(json: string): readonly CounterKey[] {
  const rows = JSON.parse(json) as readonly (readonly [string, string, number])[];
  return Object.freeze(rows.map(([featureKey, namespace, ms]) => Object.freeze({ featureKey, namespace, windowStart: new Date(ms) })));
}

function toLeaseRecord(ctx: QueryContext, row: LeaseRow): LeaseRecord {
  return Object.freeze({
    id: readText(row.id),
    tenantId: readText(row.tenant_id),
    featureKey: readText(row.feature_key),
    holderId: readText(row.holder_id),
    counters: decodeCounters(readText(row.counters)),
    granted: readCount(row.granted),
    consumed: readCount(row.consumed),
    acquiredAt: ctx.dialect.readTimestamp(row.acquired_at),
    expiresAt: ctx.dialect.readTimestamp(row.expires_at),
  });
}

/** The scope of the connection `ctx` runs on, so the store's own `consume`/`release` join its transaction. */
function scopeOn(scope: Scope, ctx: QueryContext): Scope {
  return { ...scope, transaction: ctx.q };
}

/**
 * The consume and the insert of {@link acquireLease} on `ctx`. A refused
 * consume has already rolled back its own savepoint, so it is answered as
 * it is; a failed insert throws, rolling back the enclosing unit.
 */
async function consumeAndRecord(scope: Scope, ctx: QueryContext, request: LeaseAcquireRequest): Promise<LeaseAcquireResult> {
  const result = await consume(scopeOn(scope, ctx), { tenantId: request.tenantId, amount: request.granted, counters: request.counters, now: request.now });
  if (result.outcome === 'exceeded') return result;
  if (result.outcome !== 'consumed') throw new Error(`A lease consume without an idempotency key answered "${result.outcome}".`);
  const counters = decodeCounters(encodeCounters(request.counters));
  try {
    await ctx.q
      .insertInto(ctx.tables.quota_leases)
      .values({
        id: request.id,
        tenant_id: request.tenantId,
        feature_key: request.featureKey,
        holder_id: request.holderId,
        counters: encodeCounters(counters),
        granted: request.granted,
        consumed: 0,
        acquired_at: ctx.dialect.writeTimestamp(request.now),
        expires_at: ctx.dialect.writeTimestamp(request.expiresAt),
      })
      .execute();
  } catch (error) {
    if (ctx.dialect.classifyError(error) === 'unique_violation') throw new AlreadyExistsError('quota lease');
    throw error;
  }
  const lease: LeaseRecord = Object.freeze({
    id: request.id,
    tenantId: request.tenantId,
    featureKey: request.featureKey,
    holderId: request.holderId,
    counters,
    granted: request.granted,
    consumed: 0,
    acquiredAt: new Date(request.now.getTime()),
    expiresAt: new Date(request.expiresAt.getTime()),
  });
  return Object.freeze({ outcome: 'acquired', lease, counters: result.counters });
}

/**
 * `Store.acquireLease`: the store's own `consume` of `granted` units (every
 * counter guarded, all or nothing) and the insert of the lease row, in one
 * transaction of its own (retried after a lost deadlock, like `consume`), or
 * under a savepoint of its own inside the caller's (named apart from the
 * consume's: MySQL replaces a savepoint of the same name instead of nesting).
 */
export function acquireLease(scope: Scope, request: LeaseAcquireRequest): Promise<LeaseAcquireResult> {
  const connection = scope.transaction;
  if (connection === undefined) return atomicUnlessRefused<LeaseAcquireResult>(scope, (ctx) => consumeAndRecord(scope, ctx, request));
  const ctx: QueryContext = { q: connection, dialect: scope.dialect, tables: scope.tables };
  return withSavepoint(connection, () => consumeAndRecord(scope, ctx, request), 'tenantry_lease');
}

/** `Store.checkpointLease`: one guarded update (holder, and `consumed <= new <= granted`, in its `WHERE` clause). */
export function checkpointLease(scope: Scope, checkpoint: LeaseCheckpoint): Promise<boolean> {
  return fallible(scope, async (ctx) => {
    const result = await ctx.q
      .updateTable(ctx.tables.quota_leases)
      .set({ consumed: checkpoint.consumed })
      .where('id', '=', checkpoint.leaseId)
      .where('tenant_id', '=', checkpoint.tenantId)
      .where('holder_id', '=', checkpoint.holderId)
      .where('consumed', '<=', checkpoint.consumed)
      .where('granted', '>=', checkpoint.consumed)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  });
}

/**
 * Deletes `lease` if its row still holds the checkpoint it was read with
 * (the guard that makes a concurrent reclaim or checkpoint lose cleanly),
 * then releases the unused units through the store's own `release`, in the
 * same transaction. Resolves the units released, or `undefined` when the
 * guarded delete matched nothing.
 */
async function dropLease(scope: Scope, ctx: QueryContext, lease: LeaseRecord, consumed: number): Promise<number | undefined> {
  const deleted = await ctx.q
    .deleteFrom(ctx.tables.quota_leases)
    .where('id', '=', lease.id)
    .where('tenant_id', '=', lease.tenantId)
    .where('holder_id', '=', lease.holderId)
    .where('consumed', '=', lease.consumed)
    .executeTakeFirst();
  if (deleted.numDeletedRows !== 1n) return undefined;
  const units = lease.granted - Math.min(Math.max(consumed, 0), lease.granted);
  if (units === 0) return 0;
  const counters = lease.counters.map((counter) => ({ ...counter, limit: 'unlimited' as const }));
  const released = await release(scopeOn(scope, ctx), { tenantId: lease.tenantId, amount: units, counters });
  // A counter holding less than the remainder had its window reset: releasing nothing never overshoots.
  return released.outcome === 'released' ? units : 0;
}

async function findLease(ctx: QueryContext, tenantId: string, leaseId: string): Promise<LeaseRecord | undefined> {
  const row = await selectLeases(ctx).where('id', '=', leaseId).where('tenant_id', '=', tenantId).executeTakeFirst();
  return row === undefined ? undefined : toLeaseRecord(ctx, row);
}

/** `Store.returnLease`: read the row, guarded delete + release in one transaction; a lost race re-reads. */
export async function returnLease(scope: Scope, request: LeaseReturnRequest): Promise<LeaseReturnResult> {
  for (let attempt = 0; attempt < RETURN_ATTEMPTS; attempt += 1) {
    const outcome = await atomic(scope, async (ctx): Promise<LeaseReturnResult | undefined> => {
      const lease = await findLease(ctx, request.tenantId, request.leaseId);
      if (lease?.holderId !== request.holderId) return NOT_FOUND;
      const units = await dropLease(scope, ctx, lease, request.consumed);
      return units === undefined ? undefined : Object.freeze({ outcome: 'returned', units });
    });
    if (outcome !== undefined) return outcome;
  }
  throw new Error(`Lease "${request.leaseId}" kept changing while it was being returned.`);
}

/** `Store.reclaimLeases`: each expired lease in a transaction of its own; one another reclaimer took first is skipped. */
export async function reclaimLeases(scope: Scope, request: LeaseReclaimRequest): Promise<readonly LeaseReclaim[]> {
  const expired = await read(scope, async (ctx) =>
    (
      await selectLeases(ctx)
        .where('tenant_id', '=', request.tenantId)
        .where('feature_key', '=', request.featureKey)
        .where('expires_at', '<=', ctx.dialect.writeTimestamp(request.now))
        .orderBy('id')
        .execute()
    ).map((row) => toLeaseRecord(ctx, row)),
  );
  const reclaimed: LeaseReclaim[] = [];
  for (const lease of expired) {
    const units = await atomic(scope, (ctx) => dropLease(scope, ctx, lease, lease.consumed));
    if (units !== undefined) reclaimed.push(Object.freeze({ leaseId: lease.id, holderId: lease.holderId, units }));
  }
  return Object.freeze(reclaimed);
}

/** `Store.listLeases`. */
export function listLeases(scope: Scope, tenantId: string): Promise<readonly LeaseRecord[]> {
  return read(scope, async (ctx) =>
    Object.freeze(
      (await selectLeases(ctx).where('tenant_id', '=', tenantId).orderBy('feature_key').orderBy('id').execute()).map((row) => toLeaseRecord(ctx, row)),
    ),
  );
}
