import { sql, type CreateTableBuilder, type Migration, type RawBuilder } from 'kysely';
import type { ResolvedTableOptions } from '../kysely-store-options.js';
import { resolveDialect } from '../dialects/resolve-dialect.js';
import type { StoreDialectName } from '../dialects/store-dialect.js';

// RELEASED MIGRATIONS ARE NEVER EDITED. Databases that already ran this one
// will not run it again, so a change here would make their schema differ from
// new installs. Change the schema with a new, later-numbered migration. For
// the same reason the column types below are spelled out here rather than
// taken from the dialect files, which may evolve.

interface ColumnTypes {
  readonly tenantId: RawBuilder<unknown>;
  readonly userId: RawBuilder<unknown>;
  readonly role: RawBuilder<unknown>;
  readonly membershipId: RawBuilder<unknown>;
  readonly createdBy: RawBuilder<unknown>;
  readonly source: RawBuilder<unknown>;
  readonly timestamp: RawBuilder<unknown>;
}

/**
 * Identifier columns compare and sort by code point on every dialect:
 * `COLLATE "C"` on PostgreSQL, `varbinary` on MySQL/MariaDB (byte-wise and,
 * unlike the PAD SPACE `utf8mb4_bin`, sensitive to trailing spaces), SQLite's
 * default BINARY collation. Lengths: tenant ids at most 64 characters, user
 * ids 255, roles 64 (4 bytes per character in the varbinary columns).
 */
const COLUMN_TYPES: Readonly<Record<StoreDialectName, ColumnTypes>> = {
  postgres: {
    tenantId: sql`varchar(64) collate "C"`,
    userId: sql`varchar(255) collate "C"`,
    role: sql`varchar(64) collate "C"`,
    membershipId: sql`uuid`,
    createdBy: sql`varchar(255)`,
    source: sql`varchar(32)`,
    timestamp: sql`timestamptz(3)`,
  },
  mysql: {
    tenantId: sql`varbinary(256)`,
    userId: sql`varbinary(1020)`,
    role: sql`varbinary(256)`,
    membershipId: sql`char(36) character set ascii collate ascii_bin`,
    createdBy: sql`varchar(255) character set utf8mb4 collate utf8mb4_bin`,
    source: sql`varchar(32) character set ascii collate ascii_bin`,
    timestamp: sql`datetime(3)`,
  },
  sqlite: {
    tenantId: sql`text`,
    userId: sql`text`,
    role: sql`text`,
    membershipId: sql`text`,
    createdBy: sql`text`,
    source: sql`text`,
    timestamp: sql`text`,
  },
};

/** InnoDB is the default engine, but row locks and foreign keys depend on it, so it is not left to server settings. */
function withEngine(dialect: StoreDialectName) {
  return <T extends string, C extends string>(table: CreateTableBuilder<T, C>): CreateTableBuilder<T, C> =>
    dialect === 'mysql' ? table.modifyEnd(sql`engine = InnoDB`) : table;
}

/**
 * `0001_tenants_and_memberships`: the tenants table and the memberships table
 * (uuid primary key, unique (tenant_id, user_id), indexes (tenant_id, role)
 * for owner counts and (user_id, tenant_id) for the tenant switcher, which
 * also serves its ordering).
 */
export function tenantsAndMemberships(options: ResolvedTableOptions): Migration {
  const prefix = options.tablePrefix;
  const tenants = `${prefix}tenants`;
  const memberships = `${prefix}memberships`;
  return Object.freeze<Migration>({
    async up(host) {
      // Like the store, the schema ignores the host's plugins (a CamelCasePlugin would rename columns).
      const db = host.withoutPlugins();
      const dialect = resolveDialect(db, options.dialect).name;
      const types = COLUMN_TYPES[dialect];
      const engine = withEngine(dialect);
      await db.schema
        .createTable(tenants)
        .addColumn('id', types.tenantId, (col) => col.notNull().primaryKey())
        .addColumn('created_by', types.createdBy, (col) => col.notNull())
        .addColumn('created_at', types.timestamp, (col) => col.notNull())
        .$call(engine)
        .execute();
      await db.schema
        .createTable(memberships)
        .addColumn('id', types.membershipId, (col) => col.notNull().primaryKey())
        .addColumn('tenant_id', types.tenantId, (col) => col.notNull())
        .addColumn('user_id', types.userId, (col) => col.notNull())
        .addColumn('role', types.role, (col) => col.notNull())
        .addColumn('created_by', types.createdBy, (col) => col.notNull())
        .addColumn('created_at', types.timestamp, (col) => col.notNull())
        .addColumn('source', types.source, (col) => col.notNull())
        .addUniqueConstraint(`${prefix}memberships_tenant_user_key`, ['tenant_id', 'user_id'])
        .addForeignKeyConstraint(`${prefix}memberships_tenant_fkey`, ['tenant_id'], tenants, ['id'])
        .$call(engine)
        .execute();
      await db.schema.createIndex(`${prefix}memberships_tenant_role_idx`).on(memberships).columns(['tenant_id', 'role']).execute();
      await db.schema.createIndex(`${prefix}memberships_user_tenant_idx`).on(memberships).columns(['user_id', 'tenant_id']).execute();
    },
    async down(host) {
      const db = host.withoutPlugins();
      await db.schema.dropTable(memberships).execute();
      await db.schema.dropTable(tenants).execute();
    },
  });
}
