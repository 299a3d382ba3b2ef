import { AlreadyExistsError, NotFoundError } from '../../../core/errors/index.js';
import type { BoostRecord, PackageAssignmentRecord } from '../../../store/entitlement-records.js';
import type { NamespaceLimitChange, PackageCancellation } from '../../../store/entitlement-operations.js';
import { insertUnlessDuplicate } from './insert-rows.js';
import { assertParentsExist } from './parents.js';
import type { QueryContext } from './query-context.js';
import { tenantExists } from './reads.js';
import { selectAssignments, toAssignmentRecord } from './grant-rows.js';

// Rows that name a tenant and a feature are inserted with
// `INSERT ... SELECT ... FROM tenants, features WHERE tenants.id = ? AND features.key = ?`:
// a missing parent inserts nothing (checked afterwards, on that slow path
// only) instead of raising an error that would abort a PostgreSQL transaction.

/**
 * `Store.assignPackage`: one statement. At most one active assignment per
 * (tenant, package) is a unique index (see migration 0003), so two concurrent
 * assignments cannot both succeed: the second is `AlreadyExistsError`.
 */
export async function assignPackage(ctx: QueryContext, assignment: PackageAssignmentRecord): Promise<void> {
  const { q, tables, dialect } = ctx;
  const outcome = await insertUnlessDuplicate(
    ctx,
    q
      .insertInto(tables.package_assignments)
      .columns(['id', 'tenant_id', 'package_key', 'assigned_by', 'assigned_at', 'cancelled_by', 'cancelled_at'])
      .expression(
        q
          .selectFrom(tables.tenants)
          .select((eb) => [
            eb.val(assignment.id).as('id'),
            eb.ref('id').as('tenant_id'),
            eb.val(assignment.packageKey).as('package_key'),
            eb.val(assignment.assignedBy).as('assigned_by'),
            eb.val(dialect.writeTimestamp(assignment.assignedAt)).as('assigned_at'),
            eb.val(assignment.cancelledBy).as('cancelled_by'),
            eb.val(assignment.cancelledAt === null ? null : dialect.writeTimestamp(assignment.cancelledAt)).as('cancelled_at'),
          ])
          .where('id', '=', assignment.tenantId),
      ),
  );
  if (outcome === 'duplicate') throw new AlreadyExistsError('package assignment');
  if (outcome === 0n) {
    // Nothing inserted: no such tenant, or (dialects that skip duplicates) already active.
    if (dialect.duplicateInserts === 'skip' && (await tenantExists(ctx, assignment.tenantId))) throw new AlreadyExistsError('package assignment');
    throw new NotFoundError();
  }
}

/** `Store.cancelPackage`; the caller runs it in a transaction. Locks the active assignment, then marks it cancelled. */
export async function cancelPackage(ctx: QueryContext, cancellation: PackageCancellation): Promise<PackageAssignmentRecord | undefined> {
  const { q, tables, dialect } = ctx;
  const row = await dialect
    .lockRows(
      selectAssignments(ctx)
        .where('tenant_id', '=', cancellation.tenantId)
        .where('package_key', '=', cancellation.packageKey)
        .where('cancelled_at', 'is', null),
    )
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const active = toAssignmentRecord(ctx, row);
  await q
    .updateTable(tables.package_assignments)
    .set({ cancelled_by: cancellation.cancelledBy, cancelled_at: dialect.writeTimestamp(cancellation.cancelledAt) })
    .where('id', '=', active.id)
    .execute();
  return Object.freeze({ ...active, cancelledBy: cancellation.cancelledBy, cancelledAt: cancellation.cancelledAt });
}

/** `Store.addBoost`: one statement, plus reads naming the missing parent when nothing was inserted. */
export async function addBoost(ctx: QueryContext, boost: BoostRecord): Promise<void> {
  const { q, tables, dialect } = ctx;
  const result = await q
    .insertInto(tables.boosts)
    .columns(['id', 'tenant_id', 'feature_key', 'amount', 'expires_at', 'created_by', 'created_at'])
    .expression(
      q
        .selectFrom([tables.tenants, tables.features])
        .select((eb) => [
          eb.val(boost.id).as('id'),
          eb.ref('id').as('tenant_id'),
          eb.ref('key').as('feature_key'),
          // An unlimited boost is NULL in the column.
          eb.val(boost.amount === 'unlimited' ? null : boost.amount).as('amount'),
          eb.val(boost.expiresAt === null ? null : dialect.writeTimestamp(boost.expiresAt)).as('expires_at'),
          eb.val(boost.createdBy).as('created_by'),
          eb.val(dialect.writeTimestamp(boost.createdAt)).as('created_at'),
        ])
        .where('id', '=', boost.tenantId)
        .where('key', '=', boost.featureKey),
    )
    .executeTakeFirst();
  if ((result.numInsertedOrUpdatedRows ?? 0n) === 0n) {
    await assertParentsExist(ctx, boost.tenantId, [boost.featureKey]);
    throw new Error('The boost was not inserted although its tenant and feature exist.');
  }
}

/**
 * `Store.setNamespaceLimit`: one upsert, or one delete when clearing
 * (`limit: 'unlimited'`: the namespace has no limit of its own then). Both
 * parents must exist even to clear a limit, as in the memory store; they are
 * read only when the statement touched no row.
 */
export async function setNamespaceLimit(ctx: QueryContext, change: NamespaceLimitChange): Promise<void> {
  const { q, tables, dialect } = ctx;
  const { tenantId, namespace, featureKey, limit } = change;
  let touched: bigint;
  if (limit === 'unlimited') {
    const result = await q
      .deleteFrom(tables.namespace_limits)
      .where('tenant_id', '=', tenantId)
      .where('namespace', '=', namespace)
      .where('feature_key', '=', featureKey)
      .executeTakeFirst();
    touched = result.numDeletedRows;
  } else {
    const insert = q
      .insertInto(tables.namespace_limits)
      .columns(['tenant_id', 'namespace', 'feature_key', 'usage_limit'])
      .expression(
        q
          .selectFrom([tables.tenants, tables.features])
          .select((eb) => [eb.ref('id').as('tenant_id'), eb.val(namespace).as('namespace'), eb.ref('key').as('feature_key'), eb.val(limit).as('usage_limit')])
          .where('id', '=', tenantId)
          .where('key', '=', featureKey),
      );
    const result = await (
      dialect.upserts === 'on_conflict'
        ? insert.onConflict((conflict) => conflict.columns(['tenant_id', 'namespace', 'feature_key']).doUpdateSet({ usage_limit: limit }))
        : insert.onDuplicateKeyUpdate({ usage_limit: limit })
    ).executeTakeFirst();
    // MySQL reports 0 rows for an update to the same value (without CLIENT_FOUND_ROWS); the check below then passes.
    touched = result.numInsertedOrUpdatedRows ?? 0n;
  }
  if (touched === 0n) await assertParentsExist(ctx, tenantId, [featureKey]);
}
