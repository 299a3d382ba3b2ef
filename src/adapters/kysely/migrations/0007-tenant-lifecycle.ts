import { sql, type Kysely, type Migration, type RawBuilder } from 'kysely';
import type { ResolvedTableOptions } from '../kysely-store-options.js';
import { resolveDialect } from '../dialects/resolve-dialect.js';
import type { StoreDialectName } from '../dialects/store-dialect.js';

// RELEASED MIGRATIONS ARE NEVER EDITED (see 0001). Column types are spelled
// out here, not shared with other migrations or the dialect files.

interface ColumnTypes {
  /** Display names, at most 200 characters. */
  readonly name: RawBuilder<unknown>;
  /** Slugs as written, at most 64 ASCII characters. */
  readonly slug: RawBuilder<unknown>;
  /** The lower-cased slug, compared exactly (the unique index). */
  readonly slugKey: RawBuilder<unknown>;
  /** JSON text, kept exactly as written. */
  readonly metadata: RawBuilder<unknown>;
  readonly timestamp: RawBuilder<unknown>;
}

const COLUMN_TYPES: Readonly<Record<StoreDialectName, ColumnTypes>> = {
  postgres: {
    name: sql`varchar(200)`,
    slug: sql`varchar(64)`,
    slugKey: sql`varchar(64) collate "C"`,
    metadata: sql`text`,
    timestamp: sql`timestamptz(3)`,
  },
  mysql: {
    name: sql`varchar(200) character set utf8mb4 collate utf8mb4_bin`,
    slug: sql`varchar(64) character set ascii collate ascii_bin`,
    slugKey: sql`varbinary(64)`,
    metadata: sql`mediumtext character set utf8mb4 collate utf8mb4_bin`,
    timestamp: sql`datetime(3)`,
  },
  sqlite: { name: sql`text`, slug: sql`text`, slugKey: sql`text`, metadata: sql`text`, timestamp: sql`text` },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on the host's instance, typed with any schema.
type AnyKysely = Kysely<any>;

/** The columns this migration adds to the tenants table, in order. */
const TENANT_COLUMNS = ['name', 'slug', 'slug_key', 'metadata', 'archived_at'] as const;

/**
 * SQLite cannot drop or add a foreign key in place: the audit log is rebuilt
 * (same columns, same index, with or without the tenant foreign key) and its
 * rows copied, in the migration's transaction.
 */
async function rebuildSqliteAuditLog(db: AnyKysely, prefix: string, withTenantKey: boolean): Promise<void> {
  const table = `${prefix}audit_log`;
  const staging = `${prefix}audit_log_rebuild`;
  const tenantKey = withTenantKey
    ? sql`, constraint ${sql.id(`${prefix}audit_log_tenant_fkey`)} foreign key (tenant_id) references ${sql.id(`${prefix}tenants`)} (id)`
    : sql``;
  await sql`create table ${sql.id(staging)} (
    id text not null primary key, tenant_id text not null, action text not null, actor_type text not null, actor_id text not null,
    subject_user_id text, metadata text not null, created_at text not null${tenantKey})`.execute(db);
  await sql`insert into ${sql.id(staging)} (id, tenant_id, action, actor_type, actor_id, subject_user_id, metadata, created_at)
    select id, tenant_id, action, actor_type, actor_id, subject_user_id, metadata, created_at from ${sql.id(table)}`.execute(db);
  await sql`drop table ${sql.id(table)}`.execute(db);
  await sql`alter table ${sql.id(staging)} rename to ${sql.id(table)}`.execute(db);
  await db.schema.createIndex(`${prefix}audit_log_tenant_id_idx`).on(table).columns(['tenant_id', 'id']).execute();
}

/**
 * `0007_tenant_lifecycle`: tenant metadata and the lifecycle.
 *
 * - tenants gain `name`, `slug` (as written), `slug_key` (the slug
 *   lower-cased, with a unique index: slugs are unique ignoring case on every
 *   dialect, and a unique index admits any number of NULLs), `metadata`
 *   (JSON text) and `archived_at`. All nullable, so existing rows are
 *   tenants with none of them.
 * - the audit log loses its foreign key to tenants: deleting a tenant keeps
 *   its audit entries (with the `tenant.delete` entry last), so they must
 *   outlive the tenant row. Appends still name an existing tenant (the
 *   insert selects from the tenants table). Every other table keeps its
 *   foreign key, and a tenant deletion removes their rows first.
 */
export function tenantLifecycle(options: ResolvedTableOptions): Migration {
  const prefix = options.tablePrefix;
  const tenants = `${prefix}tenants`;
  const auditLog = `${prefix}audit_log`;
  const auditTenantKey = `${prefix}audit_log_tenant_fkey`;
  const slugIndex = `${prefix}tenants_slug_key_key`;
  return Object.freeze<Migration>({
    async up(host) {
      const db: AnyKysely = host.withoutPlugins();
      const dialect = resolveDialect(db, options.dialect).name;
      const t = COLUMN_TYPES[dialect];
      const types: Readonly<Record<(typeof TENANT_COLUMNS)[number], RawBuilder<unknown>>> = {
        name: t.name,
        slug: t.slug,
        slug_key: t.slugKey,
        metadata: t.metadata,
        archived_at: t.timestamp,
      };
      for (const column of TENANT_COLUMNS) await db.schema.alterTable(tenants).addColumn(column, types[column]).execute();
      await db.schema.createIndex(slugIndex).on(tenants).column('slug_key').unique().execute();
      if (dialect === 'postgres') await db.schema.alterTable(auditLog).dropConstraint(auditTenantKey).execute();
      else if (dialect === 'mysql') await sql`alter table ${sql.id(auditLog)} drop foreign key ${sql.id(auditTenantKey)}`.execute(db);
      else await rebuildSqliteAuditLog(db, prefix, false);
    },
    async down(host) {
      const db: AnyKysely = host.withoutPlugins();
      const dialect = resolveDialect(db, options.dialect).name;
      // Entries of deleted tenants would violate the restored foreign key.
      await db
        .deleteFrom(auditLog)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom(`${tenants} as tenant`)
                .select(sql`1`.as('found'))
                .whereRef('tenant.id', '=', `${auditLog}.tenant_id`),
            ),
          ),
        )
        .execute();
      if (dialect === 'sqlite') await rebuildSqliteAuditLog(db, prefix, true);
      else await db.schema.alterTable(auditLog).addForeignKeyConstraint(auditTenantKey, ['tenant_id'], tenants, ['id']).execute();
      await db.schema
        .dropIndex(slugIndex)
        .$call((drop) => (dialect === 'mysql' ? drop.on(tenants) : drop))
        .execute();
      for (const column of [...TENANT_COLUMNS].reverse()) await db.schema.alterTable(tenants).dropColumn(column).execute();
    },
  });
}
