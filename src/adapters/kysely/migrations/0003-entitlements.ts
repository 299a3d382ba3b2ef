import { sql, type CreateTableBuilder, type Kysely, type Migration, type RawBuilder } from 'kysely';
import type { ResolvedTableOptions } from '../kysely-store-options.js';
import { resolveDialect } from '../dialects/resolve-dialect.js';
import type { StoreDialectName } from '../dialects/store-dialect.js';

// RELEASED MIGRATIONS ARE NEVER EDITED (see 0001). Column types are spelled
// out here, not shared with other migrations or the dialect files.

interface ColumnTypes {
  readonly rowId: RawBuilder<unknown>;
  readonly tenantId: RawBuilder<unknown>;
  /** Feature and package keys (at most 128 characters). */
  readonly catalogKey: RawBuilder<unknown>;
  readonly kind: RawBuilder<unknown>;
  /** Namespaces (at most 64 characters; the tenant pool is `''`). */
  readonly namespace: RawBuilder<unknown>;
  /** Idempotency keys (at most 128 characters). */
  readonly idempotencyKey: RawBuilder<unknown>;
  readonly provenance: RawBuilder<unknown>;
  readonly json: RawBuilder<unknown>;
  readonly count: RawBuilder<unknown>;
  readonly threshold: RawBuilder<unknown>;
  readonly timestamp: RawBuilder<unknown>;
}

/**
 * Keys compare exactly and sort by code point on every dialect, as in 0001:
 * `COLLATE "C"`, `varbinary` (4 bytes per character), SQLite's BINARY.
 * Counts are 64-bit integers.
 */
const COLUMN_TYPES: Readonly<Record<StoreDialectName, ColumnTypes>> = {
  postgres: {
    rowId: sql`uuid`,
    tenantId: sql`varchar(64) collate "C"`,
    catalogKey: sql`varchar(128) collate "C"`,
    kind: sql`varchar(16)`,
    namespace: sql`varchar(64) collate "C"`,
    idempotencyKey: sql`varchar(128) collate "C"`,
    provenance: sql`varchar(255)`,
    json: sql`text`,
    count: sql`bigint`,
    threshold: sql`integer`,
    timestamp: sql`timestamptz(3)`,
  },
  mysql: {
    rowId: sql`char(36) character set ascii collate ascii_bin`,
    tenantId: sql`varbinary(256)`,
    catalogKey: sql`varbinary(512)`,
    kind: sql`varchar(16) character set ascii collate ascii_bin`,
    namespace: sql`varbinary(256)`,
    idempotencyKey: sql`varbinary(512)`,
    provenance: sql`varchar(255) character set utf8mb4 collate utf8mb4_bin`,
    json: sql`mediumtext character set utf8mb4 collate utf8mb4_bin`,
    count: sql`bigint`,
    threshold: sql`integer`,
    timestamp: sql`datetime(3)`,
  },
  sqlite: {
    rowId: sql`text`,
    tenantId: sql`text`,
    catalogKey: sql`text`,
    kind: sql`text`,
    namespace: sql`text`,
    idempotencyKey: sql`text`,
    provenance: sql`text`,
    json: sql`text`,
    count: sql`integer`,
    threshold: sql`integer`,
    timestamp: sql`text`,
  },
};

/** InnoDB: row locks and foreign keys depend on it, so it is not left to server settings. */
function withEngine(dialect: StoreDialectName) {
  return <T extends string, C extends string>(table: CreateTableBuilder<T, C>): CreateTableBuilder<T, C> =>
    dialect === 'mysql' ? table.modifyEnd(sql`engine = InnoDB`) : table;
}

/**
 * At most one active assignment per (tenant, package), enforced by the
 * database so that two concurrent assignments cannot both succeed.
 * PostgreSQL and SQLite: a partial unique index over the rows whose
 * `cancelled_at` is null. MySQL/MariaDB have no partial indexes: a stored
 * generated column `active_marker` is 1 while active and NULL once
 * cancelled, and unique indexes admit any number of NULLs, so the unique
 * index (tenant_id, package_key, active_marker) only constrains active rows.
 */
async function createAssignments(db: Kysely<unknown>, dialect: StoreDialectName, prefix: string, types: ColumnTypes): Promise<void> {
  const table = `${prefix}package_assignments`;
  await db.schema
    .createTable(table)
    .addColumn('id', types.rowId, (col) => col.notNull().primaryKey())
    .addColumn('tenant_id', types.tenantId, (col) => col.notNull())
    .addColumn('package_key', types.catalogKey, (col) => col.notNull())
    .addColumn('assigned_by', types.provenance, (col) => col.notNull())
    .addColumn('assigned_at', types.timestamp, (col) => col.notNull())
    .addColumn('cancelled_by', types.provenance)
    .addColumn('cancelled_at', types.timestamp)
    .$call((t) =>
      dialect === 'mysql'
        ? t
            .addColumn('active_marker', sql`tinyint`, (col) => col.generatedAlwaysAs(sql`case when cancelled_at is null then 1 end`).stored())
            .addUniqueConstraint(`${prefix}package_assignments_active_key`, ['tenant_id', 'package_key', 'active_marker'])
        : t,
    )
    .addForeignKeyConstraint(`${prefix}package_assignments_tenant_fkey`, ['tenant_id'], `${prefix}tenants`, ['id'])
    .$call(withEngine(dialect))
    .execute();
  if (dialect !== 'mysql') {
    await db.schema
      .createIndex(`${prefix}package_assignments_active_key`)
      .on(table)
      .columns(['tenant_id', 'package_key'])
      .unique()
      .where(sql.ref('cancelled_at'), 'is', null)
      .execute();
  }
}

/**
 * `0003_entitlements`: features (the synced catalog; `parent_key` references
 * `features.key` with ON DELETE RESTRICT so a pool with children cannot be
 * deleted), package assignments, boosts, namespace limits, usage counters,
 * idempotency records and the usage alert history. Every row naming a
 * feature references it with ON DELETE RESTRICT; every row naming a tenant
 * references the tenant.
 */
export function entitlements(options: ResolvedTableOptions): Migration {
  const prefix = options.tablePrefix;
  const name = (table: string) => `${prefix}${table}`;
  const tenants = name('tenants');
  const features = name('features');
  return Object.freeze<Migration>({
    async up(host) {
      const db = host.withoutPlugins();
      const dialect = resolveDialect(db, options.dialect).name;
      const t = COLUMN_TYPES[dialect];
      const engine = withEngine(dialect);
      await db.schema
        .createTable(features)
        .addColumn('key', t.catalogKey, (col) => col.notNull().primaryKey())
        .addColumn('kind', t.kind, (col) => col.notNull())
        .addColumn('parent_key', t.catalogKey)
        .addForeignKeyConstraint(`${prefix}features_parent_fkey`, ['parent_key'], features, ['key'], (fk) => fk.onDelete('restrict'))
        .$call(engine)
        .execute();
      await createAssignments(db, dialect, prefix, t);
      await db.schema
        .createTable(name('boosts'))
        .addColumn('id', t.rowId, (col) => col.notNull().primaryKey())
        .addColumn('tenant_id', t.tenantId, (col) => col.notNull())
        .addColumn('feature_key', t.catalogKey, (col) => col.notNull())
        .addColumn('amount', t.count)
        .addColumn('expires_at', t.timestamp)
        .addColumn('created_by', t.provenance, (col) => col.notNull())
        .addColumn('created_at', t.timestamp, (col) => col.notNull())
        .addForeignKeyConstraint(`${prefix}boosts_tenant_fkey`, ['tenant_id'], tenants, ['id'])
        .addForeignKeyConstraint(`${prefix}boosts_feature_fkey`, ['feature_key'], features, ['key'], (fk) => fk.onDelete('restrict'))
        .$call(engine)
        .execute();
      await db.schema.createIndex(`${prefix}boosts_tenant_created_idx`).on(name('boosts')).columns(['tenant_id', 'created_at']).execute();
      await db.schema
        .createTable(name('namespace_limits'))
        .addColumn('tenant_id', t.tenantId, (col) => col.notNull())
        .addColumn('namespace', t.namespace, (col) => col.notNull())
        .addColumn('feature_key', t.catalogKey, (col) => col.notNull())
        .addColumn('usage_limit', t.count, (col) => col.notNull())
        .addPrimaryKeyConstraint(`${prefix}namespace_limits_pkey`, ['tenant_id', 'namespace', 'feature_key'])
        .addForeignKeyConstraint(`${prefix}namespace_limits_tenant_fkey`, ['tenant_id'], tenants, ['id'])
        .addForeignKeyConstraint(`${prefix}namespace_limits_feature_fkey`, ['feature_key'], features, ['key'], (fk) => fk.onDelete('restrict'))
        .$call(engine)
        .execute();
      await db.schema
        .createTable(name('usage_counters'))
        .addColumn('tenant_id', t.tenantId, (col) => col.notNull())
        .addColumn('feature_key', t.catalogKey, (col) => col.notNull())
        .addColumn('namespace', t.namespace, (col) => col.notNull())
        .addColumn('window_start', t.timestamp, (col) => col.notNull())
        .addColumn('used', t.count, (col) => col.notNull())
        .addPrimaryKeyConstraint(`${prefix}usage_counters_pkey`, ['tenant_id', 'feature_key', 'namespace', 'window_start'])
        .addForeignKeyConstraint(`${prefix}usage_counters_tenant_fkey`, ['tenant_id'], tenants, ['id'])
        .addForeignKeyConstraint(`${prefix}usage_counters_feature_fkey`, ['feature_key'], features, ['key'], (fk) => fk.onDelete('restrict'))
        .$call(engine)
        .execute();
      await db.schema
        .createTable(name('idempotency_keys'))
        .addColumn('tenant_id', t.tenantId, (col) => col.notNull())
        .addColumn('idempotency_key', t.idempotencyKey, (col) => col.notNull())
        .addColumn('fingerprint', t.json, (col) => col.notNull())
        .addColumn('result', t.json)
        .addColumn('created_at', t.timestamp, (col) => col.notNull())
        .addPrimaryKeyConstraint(`${prefix}idempotency_keys_pkey`, ['tenant_id', 'idempotency_key'])
        .addForeignKeyConstraint(`${prefix}idempotency_keys_tenant_fkey`, ['tenant_id'], tenants, ['id'])
        .$call(engine)
        .execute();
      await db.schema
        .createTable(name('usage_alerts'))
        .addColumn('tenant_id', t.tenantId, (col) => col.notNull())
        .addColumn('feature_key', t.catalogKey, (col) => col.notNull())
        .addColumn('namespace', t.namespace, (col) => col.notNull())
        .addColumn('threshold', t.threshold, (col) => col.notNull())
        .addColumn('window_start', t.timestamp, (col) => col.notNull())
        .addColumn('used', t.count, (col) => col.notNull())
        .addColumn('usage_limit', t.count, (col) => col.notNull())
        .addColumn('created_at', t.timestamp, (col) => col.notNull())
        .addPrimaryKeyConstraint(`${prefix}usage_alerts_pkey`, ['tenant_id', 'feature_key', 'namespace', 'threshold', 'window_start'])
        .addForeignKeyConstraint(`${prefix}usage_alerts_tenant_fkey`, ['tenant_id'], tenants, ['id'])
        .addForeignKeyConstraint(`${prefix}usage_alerts_feature_fkey`, ['feature_key'], features, ['key'], (fk) => fk.onDelete('restrict'))
        .$call(engine)
        .execute();
    },
    async down(host) {
      const db = host.withoutPlugins();
      for (const table of ['usage_alerts', 'idempotency_keys', 'usage_counters', 'namespace_limits', 'boosts', 'package_assignments', 'features']) {
        await db.schema.dropTable(name(table)).execute();
      }
    },
  });
}
