import { sql, type Migration, type RawBuilder } from 'kysely';
import type { ResolvedTableOptions } from '../kysely-store-options.js';
import { resolveDialect } from '../dialects/resolve-dialect.js';
import type { StoreDialectName } from '../dialects/store-dialect.js';

// RELEASED MIGRATIONS ARE NEVER EDITED (see 0001). Column types are spelled
// out here, not shared with other migrations or the dialect files.

interface ColumnTypes {
  readonly tenantId: RawBuilder<unknown>;
  readonly role: RawBuilder<unknown>;
  readonly json: RawBuilder<unknown>;
  readonly description: RawBuilder<unknown>;
  readonly timestamp: RawBuilder<unknown>;
}

/**
 * `tenant_id` and `name` match `memberships.tenant_id` and `memberships.role`
 * of 0001 (a MySQL foreign key needs identical types, and a role name is
 * compared with a membership's role exactly). Capabilities are a JSON array
 * of capability names, never a joined string.
 */
const COLUMN_TYPES: Readonly<Record<StoreDialectName, ColumnTypes>> = {
  postgres: {
    tenantId: sql`varchar(64) collate "C"`,
    role: sql`varchar(64) collate "C"`,
    json: sql`text`,
    description: sql`varchar(1024)`,
    timestamp: sql`timestamptz(3)`,
  },
  mysql: {
    tenantId: sql`varbinary(256)`,
    role: sql`varbinary(256)`,
    json: sql`mediumtext character set utf8mb4 collate utf8mb4_bin`,
    description: sql`varchar(1024) character set utf8mb4 collate utf8mb4_bin`,
    timestamp: sql`datetime(3)`,
  },
  sqlite: { tenantId: sql`text`, role: sql`text`, json: sql`text`, description: sql`text`, timestamp: sql`text` },
};

/**
 * `0014_tenant_roles`: roles a tenant defines for itself. Primary key
 * (tenant_id, name), so a name is unique per tenant and two concurrent
 * creations cannot both succeed; foreign key to tenants (tenant deletion
 * deletes the rows first, like every tenant-owned table). InnoDB on MySQL.
 */
export function tenantRoles(options: ResolvedTableOptions): Migration {
  const prefix = options.tablePrefix;
  const table = `${prefix}tenant_roles`;
  return Object.freeze<Migration>({
    async up(host) {
      const db = host.withoutPlugins();
      const dialect = resolveDialect(db, options.dialect).name;
      const t = COLUMN_TYPES[dialect];
      await db.schema
        .createTable(table)
        .addColumn('tenant_id', t.tenantId, (col) => col.notNull())
        .addColumn('name', t.role, (col) => col.notNull())
        .addColumn('capabilities', t.json, (col) => col.notNull())
        .addColumn('description', t.description)
        .addColumn('created_at', t.timestamp, (col) => col.notNull())
        .addColumn('updated_at', t.timestamp, (col) => col.notNull())
        .addPrimaryKeyConstraint(`${table}_pkey`, ['tenant_id', 'name'])
        .addForeignKeyConstraint(`${table}_tenant_fkey`, ['tenant_id'], `${prefix}tenants`, ['id'])
        .$call((builder) => (dialect === 'mysql' ? builder.modifyEnd(sql`engine = InnoDB`) : builder))
        .execute();
    },
    async down(host) {
      await host.withoutPlugins().schema.dropTable(table).execute();
    },
  });
}
