import type { ColumnType } from 'kysely';
import type {
  BillingCyclesTable,
  BoostsTable,
  FeaturesTable,
  IdempotencyKeysTable,
  NamespaceLimitsTable,
  PackageAssignmentsTable,
  UsageAlertsTable,
  RateLimitsTable,
  UsageCountersTable,
} from './entitlement-tables.js';
import type { RecoveryCodesTable, TwoFactorTable } from './two-factor-tables.js';
import type { WebhookAttemptsTable, WebhookDeliveriesTable, WebhookEndpointsTable } from './webhook-tables.js';
import type { InvitationsTable } from './invitation-tables.js';
import type { TenantRolesTable } from './tenant-role-tables.js';
import type { QuotaLeasesTable } from './lease-tables.js';

/**
 * A text column as drivers return it: a string, or bytes where the column is
 * binary (MySQL/MariaDB `varbinary`, used there for exact, case-sensitive
 * comparison). Written as a string.
 */
export type TextColumn = ColumnType<string | Uint8Array, string, string>;

/**
 * A timestamp column. Its stored form is dialect-specific (`timestamptz`,
 * UTC `datetime(3)`, ISO-8601 text), so reads go through the dialect's codec.
 */
export type TimestampColumn = ColumnType<unknown, Date | string, never>;

/** Row type of the tenants table. */
export interface TenantsTable {
  id: TextColumn;
  /** `user` or `system` (`0005_provenance_actor_type`); says what `created_by` is. */
  created_by_type: TextColumn;
  created_by: TextColumn;
  created_at: TimestampColumn;
  /** `0007_tenant_lifecycle`: display name, slug as written, its lower-cased unique key, JSON metadata, archive time. */
  name: NullableTextColumn;
  slug: NullableTextColumn;
  slug_key: NullableTextColumn;
  metadata: NullableTextColumn;
  archived_at: NullableTimestampColumn;
}

/** A nullable text column (see {@link TextColumn}); absent from an insert means NULL. */
export type NullableTextColumn = ColumnType<string | Uint8Array | null, string | null | undefined, string | null>;

/** A nullable timestamp column (see {@link TimestampColumn}). */
export type NullableTimestampColumn = ColumnType<unknown, Date | string | null | undefined, Date | string | null>;

/** Row type of the memberships table. */
export interface MembershipsTable {
  id: TextColumn;
  tenant_id: TextColumn;
  user_id: TextColumn;
  role: TextColumn;
  /** `user` or `system` (`0005_provenance_actor_type`); says what `created_by` is. */
  created_by_type: TextColumn;
  created_by: TextColumn;
  created_at: TimestampColumn;
  source: TextColumn;
}

/** Row type of the audit log (`0002_audit_log`). */
export interface AuditLogTable {
  id: TextColumn;
  tenant_id: TextColumn;
  action: TextColumn;
  actor_type: TextColumn;
  actor_id: TextColumn;
  subject_user_id: ColumnType<string | Uint8Array | null, string | null, never>;
  /** `AuditMetadata` as JSON text. */
  metadata: TextColumn;
  created_at: TimestampColumn;
}

/** The tables the store queries, under their logical (unprefixed) names. */
export interface TenantryDatabase {
  tenants: TenantsTable;
  memberships: MembershipsTable;
  audit_log: AuditLogTable;
  features: FeaturesTable;
  package_assignments: PackageAssignmentsTable;
  boosts: BoostsTable;
  namespace_limits: NamespaceLimitsTable;
  usage_counters: UsageCountersTable;
  idempotency_keys: IdempotencyKeysTable;
  usage_alerts: UsageAlertsTable;
  rate_limits: RateLimitsTable;
  two_factor: TwoFactorTable;
  recovery_codes: RecoveryCodesTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  billing_cycles: BillingCyclesTable;
  invitations: InvitationsTable;
  tenant_roles: TenantRolesTable;
  quota_leases: QuotaLeasesTable;
}

/** Physical table names, typed as the logical names. See {@link tableNames}. */
export type TableNames = { readonly [T in keyof TenantryDatabase]: T };

/**
 * The physical names of the store's tables for `prefix`.
 *
 * Each value is the prefixed name at run time but is typed as the logical
 * name, so the typed query builder still knows the columns. This is sound
 * because every query names one table and references its columns
 * unqualified; a qualified reference (`memberships.user_id`) would not be.
 */
export function tableNames(prefix: string): TableNames {
  const name = <T extends keyof TenantryDatabase>(table: T) => `${prefix}${table}` as T;
  return Object.freeze({
    tenants: name('tenants'),
    memberships: name('memberships'),
    audit_log: name('audit_log'),
    features: name('features'),
    package_assignments: name('package_assignments'),
    boosts: name('boosts'),
    namespace_limits: name('namespace_limits'),
    usage_counters: name('usage_counters'),
    idempotency_keys: name('idempotency_keys'),
    usage_alerts: name('usage_alerts'),
    rate_limits: name('rate_limits'),
    two_factor: name('two_factor'),
    recovery_codes: name('recovery_codes'),
    webhook_endpoints: name('webhook_endpoints'),
    webhook_deliveries: name('webhook_deliveries'),
    webhook_attempts: name('webhook_attempts'),
    billing_cycles: name('billing_cycles'),
    invitations: name('invitations'),
    tenant_roles: name('tenant_roles'),
    quota_leases: name('quota_leases'),
  });
}
