import { sql, type CreateTableBuilder, type Migration, type RawBuilder } from 'kysely';
import type { ResolvedTableOptions } from '../kysely-store-options.js';
import { resolveDialect } from '../dialects/resolve-dialect.js';
import type { StoreDialectName } from '../dialects/store-dialect.js';

// RELEASED MIGRATIONS ARE NEVER EDITED (see 0001). Column types are spelled
// out here, not shared with other migrations or the dialect files.

interface ColumnTypes {
  readonly entryId: RawBuilder<unknown>;
  readonly tenantId: RawBuilder<unknown>;
  readonly userId: RawBuilder<unknown>;
  readonly action: RawBuilder<unknown>;
  readonly actorType: RawBuilder<unknown>;
  readonly actorId: RawBuilder<unknown>;
  readonly metadata: RawBuilder<unknown>;
  readonly timestamp: RawBuilder<unknown>;
}

/**
 * `tenant_id` and `subject_user_id` match the types of `tenants.id` and
 * `memberships.user_id` in 0001 (a MySQL foreign key needs identical types).
 * Entry ids are UUIDv7: `uuid` on PostgreSQL, ASCII `char(36)` on MySQL,
 * text on SQLite; all three order them like their lower-case text, which is
 * time order. Metadata is JSON text (not `jsonb`, which would reorder keys
 * and normalise numbers), so it reads back exactly as written.
 */
const COLUMN_TYPES: Readonly<Record<StoreDialectName, ColumnTypes>> = {
  postgres: {
    entryId: sql`uuid`,
    tenantId: sql`varchar(64) collate "C"`,
    userId: sql`varchar(255) collate "C"`,
    action: sql`varchar(64)`,
    actorType: sql`varchar(16)`,
    actorId: sql`varchar(255)`,
    metadata: sql`text`,
    timestamp: sql`timestamptz(3)`,
  },
  mysql: {
    entryId: sql`char(36) character set ascii collate ascii_bin`,
    tenantId: sql`varbinary(256)`,
    userId: sql`varbinary(1020)`,
    action: sql`varchar(64) character set ascii collate ascii_bin`,
    actorType: sql`varchar(16) character set ascii collate ascii_bin`,
    actorId: sql`varchar(255) character set utf8mb4 collate utf8mb4_bin`,
    metadata: sql`mediumtext character set utf8mb4 collate utf8mb4_bin`,
    timestamp: sql`datetime(3)`,
  },
  sqlite: {
    entryId: sql`text`,
    tenantId: sql`text`,
    userId: sql`text`,
    action: sql`text`,
    actorType: sql`text`,
    actorId: sql`text`,
    metadata: sql`text`,
    timestamp: sql`text`,
  },
};

/** InnoDB: the foreign key depends on it, so it is not left to server settings. */
function withEngine(dialect: StoreDialectName) {
  return <T extends string, C extends string>(table: CreateTableBuilder<T, C>): CreateTableBuilder<T, C> =>
    dialect === 'mysql' ? table.modifyEnd(sql`engine = InnoDB`) : table;
}

/**
 * `0002_audit_log`: the append-only audit log. Foreign key to tenants; index
 * (tenant_id, id) serves the newest-first keyset pages of one tenant.
 */
export function auditLog(options: ResolvedTableOptions): Migration {
  const prefix = options.tablePrefix;
  const table = `${prefix}audit_log`;
  return Object.freeze<Migration>({
    async up(host) {
      const db = host.withoutPlugins();
      const dialect = resolveDialect(db, options.dialect).name;
      const types = COLUMN_TYPES[dialect];
      await db.schema
        .createTable(table)
        .addColumn('id', types.entryId, (col) => col.notNull().primaryKey())
        .addColumn('tenant_id', types.tenantId, (col) => col.notNull())
        .addColumn('action', types.action, (col) => col.notNull())
        .addColumn('actor_type', types.actorType, (col) => col.notNull())
        .addColumn('actor_id', types.actorId, (col) => col.notNull())
        .addColumn('subject_user_id', types.userId)
        .addColumn('metadata', types.metadata, (col) => col.notNull())
        .addColumn('created_at', types.timestamp, (col) => col.notNull())
        .addForeignKeyConstraint(`${prefix}audit_log_tenant_fkey`, ['tenant_id'], `${prefix}tenants`, ['id'])
        .$call(withEngine(dialect))
        .execute();
      await db.schema.createIndex(`${prefix}audit_log_tenant_id_idx`).on(table).columns(['tenant_id', 'id']).execute();
    },
    async down(host) {
      await host.withoutPlugins().schema.dropTable(table).execute();
    },
  });
}
