import type { BoostRecord, NamespaceLimitRecord, PackageAssignmentRecord } from '../../../store/entitlement-records.js';
import { readCount, readText } from '../column-values.js';
import type { QueryContext } from './query-context.js';

/** Select of package assignments with every column in a form {@link toAssignmentRecord} reads. */
export function selectAssignments(ctx: QueryContext) {
  const { dialect } = ctx;
  return ctx.q
    .selectFrom(ctx.tables.package_assignments)
    .select([
      'id',
      'tenant_id',
      'package_key',
      'assigned_by',
      'cancelled_by',
      dialect.selectTimestamp('assigned_at').as('assigned_at'),
      dialect.selectTimestamp('cancelled_at').as('cancelled_at'),
    ]);
}

/** A package assignment row as selected by {@link selectAssignments}. */
export interface AssignmentRow {
  readonly id: string | Uint8Array;
  readonly tenant_id: string | Uint8Array;
  readonly package_key: string | Uint8Array;
  readonly assigned_by: string | Uint8Array;
  readonly cancelled_by: string | Uint8Array | null;
  readonly assigned_at: unknown;
  readonly cancelled_at: unknown;
}

function optionalTimestamp(ctx: QueryContext, value: unknown): Date | null {
  return value === null || value === undefined ? null : ctx.dialect.readTimestamp(value);
}

/** A frozen {@link PackageAssignmentRecord} from a row. */
export function toAssignmentRecord(ctx: QueryContext, row: AssignmentRow): PackageAssignmentRecord {
  return Object.freeze({
    id: readText(row.id),
    tenantId: readText(row.tenant_id),
    packageKey: readText(row.package_key),
    assignedBy: readText(row.assigned_by),
    assignedAt: ctx.dialect.readTimestamp(row.assigned_at),
    cancelledBy: row.cancelled_by === null ? null : readText(row.cancelled_by),
    cancelledAt: optionalTimestamp(ctx, row.cancelled_at),
  });
}

/** Select of boosts with every column in a form {@link toBoostRecord} reads. */
export function selectBoosts(ctx: QueryContext) {
  const { dialect } = ctx;
  return ctx.q
    .selectFrom(ctx.tables.boosts)
    .select([
      'id',
      'tenant_id',
      'feature_key',
      'amount',
      'created_by',
      dialect.selectTimestamp('expires_at').as('expires_at'),
      dialect.selectTimestamp('created_at').as('created_at'),
    ]);
}

/** A boost row as selected by {@link selectBoosts}. */
export interface BoostRow {
  readonly id: string | Uint8Array;
  readonly tenant_id: string | Uint8Array;
  readonly feature_key: string | Uint8Array;
  readonly amount: number | string | bigint | null;
  readonly created_by: string | Uint8Array;
  readonly expires_at: unknown;
  readonly created_at: unknown;
}

/** A frozen {@link BoostRecord} from a row. */
export function toBoostRecord(ctx: QueryContext, row: BoostRow): BoostRecord {
  return Object.freeze({
    id: readText(row.id),
    tenantId: readText(row.tenant_id),
    featureKey: readText(row.feature_key),
    // NULL in the column is an unlimited boost.
    amount: row.amount === null ? 'unlimited' : readCount(row.amount),
    expiresAt: optionalTimestamp(ctx, row.expires_at),
    createdBy: readText(row.created_by),
    createdAt: ctx.dialect.readTimestamp(row.created_at),
  });
}

/** A namespace limit row. */
export interface NamespaceLimitRow {
  readonly tenant_id: string | Uint8Array;
  readonly namespace: string | Uint8Array;
  readonly feature_key: string | Uint8Array;
  readonly usage_limit: number | string | bigint;
}

/** A frozen {@link NamespaceLimitRecord} from a row. */
export function toNamespaceLimitRecord(row: NamespaceLimitRow): NamespaceLimitRecord {
  return Object.freeze({
    tenantId: readText(row.tenant_id),
    namespace: readText(row.namespace),
    featureKey: readText(row.feature_key),
    limit: readCount(row.usage_limit),
  });
}
