import type { ColumnType } from 'kysely';

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
  created_by: TextColumn;
  created_at: TimestampColumn;
}

/** Row type of the memberships table. */
export interface MembershipsTable {
  id: TextColumn;
  tenant_id: TextColumn;
  user_id: TextColumn;
  role: TextColumn;
  created_by: TextColumn;
  created_at: TimestampColumn;
  source: TextColumn;
}

/** The tables the store queries, under their logical (unprefixed) names. */
export interface TenantryDatabase {
  tenants: TenantsTable;
  memberships: MembershipsTable;
}

/** Physical table names, typed as the logical names. See {@link tableNames}. */
export interface TableNames {
  readonly tenants: 'tenants';
  readonly memberships: 'memberships';
}

/**
 * The physical names of the store's tables for `prefix`.
 *
 * Each value is the prefixed name at run time but is typed as the logical
 * name, so the typed query builder still knows the columns. This is sound
 * because every query names one table and references its columns
 * unqualified; a qualified reference (`memberships.user_id`) would not be.
 */
export function tableNames(prefix: string): TableNames {
  return Object.freeze({
    tenants: `${prefix}tenants` as 'tenants',
    memberships: `${prefix}memberships` as 'memberships',
  });
}
