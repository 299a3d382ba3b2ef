import { sql, type CreateTableBuilder, type Migration, type RawBuilder } from 'kysely';
import type { ResolvedTableOptions } from '../kysely-store-options.js';
import { resolveDialect } from '../dialects/resolve-dialect.js';
import type { StoreDialectName } from '../dialects/store-dialect.js';

// RELEASED MIGRATIONS ARE NEVER EDITED (see 0001). Column types are spelled
// out here, not shared with other migrations or the dialect files.

interface ColumnTypes {
  readonly id: RawBuilder<unknown>;
  readonly tenantId: RawBuilder<unknown>;
  readonly catalogKey: RawBuilder<unknown>;
  readonly holder: RawBuilder<unknown>;
  readonly json: RawBuilder<unknown>;
  readonly count: RawBuilder<unknown>;
  readonly timestamp: RawBuilder<unknown>;
}

/** `tenant_id` and `feature_key` match 0001's tenants and 0003's features; counts are 64-bit like 0003's counters. */
const COLUMN_TYPES: Readonly<Record<StoreDialectName, ColumnTypes>> = {
  postgres: {
    id: sql`varchar(64) collate "C"`,
    tenantId: sql`varchar(64) collate "C"`,
    catalogKey: sql`varchar(128) collate "C"`,
    holder: sql`varchar(255) collate "C"`,
    json: sql`text`,
    count: sql`bigint`,
    timestamp: sql`timestamptz(3)`,
  },
  mysql: {
    id: sql`varchar(64) character set ascii collate ascii_bin`,
    tenantId: sql`varbinary(256)`,
    catalogKey: sql`varbinary(512)`,
    holder: sql`varchar(255) character set utf8mb4 collate utf8mb4_bin`,
    json: sql`mediumtext character set utf8mb4 collate utf8mb4_bin`,
    count: sql`bigint`,
    timestamp: sql`datetime(3)`,
  },
  sqlite: { id: sql`text`, tenantId: sql`text`, catalogKey: sql`text`, holder: sql`text`, json: sql`text`, count: sql`integer`, timestamp: sql`text` },
};

/** InnoDB: row locks and foreign keys depend on it, so it is not left to server settings. */
function withEngine(dialect: StoreDialectName) {
  return <T extends string, C extends string>(table: CreateTableBuilder<T, C>): CreateTableBuilder<T, C> =>
    dialect === 'mysql' ? table.modifyEnd(sql`engine = InnoDB`) : table;
}

/**
 * `0013_quota_leases`: outstanding quota leases, one row per block of units
 * an instance took from its counters (`counters` is the JSON list of counter
 * keys it was drawn from). The tenant's foreign key restricts (deleteTenant
 * deletes the rows first). Index (tenant_id, feature_key, expires_at) for the
 * reclaim of a feature's expired leases.
 */
export function quotaLeases(options: ResolvedTableOptions): Migration {
  const leases = `${options.tablePrefix}quota_leases`;
  return Object.freeze<Migration>({
    async up(host) {
      const db = host.withoutPlugins();
      const dialect = resolveDialect(db, options.dialect).name;
      const t = COLUMN_TYPES[dialect];
      await db.schema
        .createTable(leases)
        .addColumn('id', t.id, (col) => col.notNull().primaryKey())
        .addColumn('tenant_id', t.tenantId, (col) => col.notNull())
        .addColumn('feature_key', t.catalogKey, (col) => col.notNull())
        .addColumn('holder_id', t.holder, (col) => col.notNull())
        .addColumn('counters', t.json, (col) => col.notNull())
        .addColumn('granted', t.count, (col) => col.notNull())
        .addColumn('consumed', t.count, (col) => col.notNull())
        .addColumn('acquired_at', t.timestamp, (col) => col.notNull())
        .addColumn('expires_at', t.timestamp, (col) => col.notNull())
        .addForeignKeyConstraint(`${leases}_tenant_fkey`, ['tenant_id'], `${options.tablePrefix}tenants`, ['id'])
        .$call(withEngine(dialect))
        .execute();
      await db.schema.createIndex(`${leases}_expiry_idx`).on(leases).columns(['tenant_id', 'feature_key', 'expires_at']).execute();
    },
    async down(host) {
      await host.withoutPlugins().schema.dropTable(leases).execute();
    },
  });
}
