import type { ColumnType } from 'kysely';
import type { TextColumn, TimestampColumn } from './tables.js';

/** Row type of `tenant_roles` (`0014_tenant_roles`). `capabilities` is a JSON array of capability names. */
export interface TenantRolesTable {
  tenant_id: TextColumn;
  name: TextColumn;
  capabilities: TextColumn;
  description: ColumnType<string | Uint8Array | null, string | null, string | null>;
  created_at: TimestampColumn;
  updated_at: ColumnType<unknown, Date | string, Date | string>;
}
