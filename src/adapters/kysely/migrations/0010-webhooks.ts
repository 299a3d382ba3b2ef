import { sql, type CreateTableBuilder, type Migration, type RawBuilder } from 'kysely';
import type { ResolvedTableOptions } from '../kysely-store-options.js';
import { resolveDialect } from '../dialects/resolve-dialect.js';
import type { StoreDialectName } from '../dialects/store-dialect.js';

// RELEASED MIGRATIONS ARE NEVER EDITED (see 0001). Column types are spelled
// out here, not shared with other migrations or the dialect files.

interface ColumnTypes {
  readonly id: RawBuilder<unknown>;
  readonly tenantId: RawBuilder<unknown>;
  readonly shortText: RawBuilder<unknown>;
  readonly longText: RawBuilder<unknown>;
  readonly count: RawBuilder<unknown>;
  readonly timestamp: RawBuilder<unknown>;
}

/**
 * `tenant_id` matches `tenants.id` of 0001 (a MySQL foreign key needs
 * identical types). Ids are UUIDs or `evt_`-prefixed, as ASCII text.
 * Secrets are ciphertext produced by the service's keyring.
 */
const COLUMN_TYPES: Readonly<Record<StoreDialectName, ColumnTypes>> = {
  postgres: {
    id: sql`varchar(64) collate "C"`,
    tenantId: sql`varchar(64) collate "C"`,
    shortText: sql`varchar(255)`,
    longText: sql`text`,
    count: sql`integer`,
    timestamp: sql`timestamptz(3)`,
  },
  mysql: {
    id: sql`varchar(64) character set ascii collate ascii_bin`,
    tenantId: sql`varbinary(256)`,
    shortText: sql`varchar(255) character set utf8mb4 collate utf8mb4_bin`,
    longText: sql`mediumtext character set utf8mb4 collate utf8mb4_bin`,
    count: sql`integer`,
    timestamp: sql`datetime(3)`,
  },
  sqlite: { id: sql`text`, tenantId: sql`text`, shortText: sql`text`, longText: sql`text`, count: sql`integer`, timestamp: sql`text` },
};

/** InnoDB: the foreign keys depend on it, so it is not left to server settings. */
function withEngine(dialect: StoreDialectName) {
  return <T extends string, C extends string>(table: CreateTableBuilder<T, C>): CreateTableBuilder<T, C> =>
    dialect === 'mysql' ? table.modifyEnd(sql`engine = InnoDB`) : table;
}

/**
 * `0010_webhooks`: endpoints, the outbox of deliveries, and the attempt log.
 *
 * Cascades: deleting an endpoint deletes its deliveries, deleting a delivery
 * its attempts (`ON DELETE CASCADE`); tenants are never deleted by tenantry,
 * and their foreign keys restrict. Indexes: deliveries (status,
 * next_attempt_at) for the workers' claim, (endpoint_id, next_attempt_at) for
 * one endpoint's log, (tenant_id, created_at) for listing; endpoints
 * (tenant_id, created_at).
 */
export function webhooks(options: ResolvedTableOptions): Migration {
  const prefix = options.tablePrefix;
  const endpoints = `${prefix}webhook_endpoints`;
  const deliveries = `${prefix}webhook_deliveries`;
  const attempts = `${prefix}webhook_attempts`;
  return Object.freeze<Migration>({
    async up(host) {
      const db = host.withoutPlugins();
      const dialect = resolveDialect(db, options.dialect).name;
      const t = COLUMN_TYPES[dialect];
      await db.schema
        .createTable(endpoints)
        .addColumn('id', t.id, (col) => col.notNull().primaryKey())
        .addColumn('tenant_id', t.tenantId, (col) => col.notNull())
        .addColumn('url', t.longText, (col) => col.notNull())
        .addColumn('events', t.longText, (col) => col.notNull())
        .addColumn('description', t.shortText)
        .addColumn('status', t.shortText, (col) => col.notNull())
        .addColumn('secret', t.longText, (col) => col.notNull())
        .addColumn('previous_secret', t.longText)
        .addColumn('previous_secret_expires_at', t.timestamp)
        .addColumn('failing_since', t.timestamp)
        .addColumn('created_at', t.timestamp, (col) => col.notNull())
        .addColumn('updated_at', t.timestamp, (col) => col.notNull())
        .addForeignKeyConstraint(`${endpoints}_tenant_fkey`, ['tenant_id'], `${prefix}tenants`, ['id'])
        .$call(withEngine(dialect))
        .execute();
      await db.schema.createIndex(`${endpoints}_tenant_idx`).on(endpoints).columns(['tenant_id', 'created_at']).execute();
      await db.schema
        .createTable(deliveries)
        .addColumn('id', t.id, (col) => col.notNull().primaryKey())
        .addColumn('tenant_id', t.tenantId, (col) => col.notNull())
        .addColumn('endpoint_id', t.id, (col) => col.notNull())
        .addColumn('event_id', t.id, (col) => col.notNull())
        .addColumn('event_type', t.shortText, (col) => col.notNull())
        .addColumn('payload', t.longText, (col) => col.notNull())
        .addColumn('status', t.shortText, (col) => col.notNull())
        .addColumn('attempts', t.count, (col) => col.notNull())
        .addColumn('next_attempt_at', t.timestamp, (col) => col.notNull())
        .addColumn('claim_token', t.id)
        .addColumn('claimed_until', t.timestamp)
        .addColumn('created_at', t.timestamp, (col) => col.notNull())
        .addColumn('updated_at', t.timestamp, (col) => col.notNull())
        .addForeignKeyConstraint(`${deliveries}_tenant_fkey`, ['tenant_id'], `${prefix}tenants`, ['id'])
        .addForeignKeyConstraint(`${deliveries}_endpoint_fkey`, ['endpoint_id'], endpoints, ['id'], (fk) => fk.onDelete('cascade'))
        .$call(withEngine(dialect))
        .execute();
      await db.schema.createIndex(`${deliveries}_due_idx`).on(deliveries).columns(['status', 'next_attempt_at']).execute();
      await db.schema.createIndex(`${deliveries}_endpoint_idx`).on(deliveries).columns(['endpoint_id', 'next_attempt_at']).execute();
      await db.schema.createIndex(`${deliveries}_tenant_idx`).on(deliveries).columns(['tenant_id', 'created_at']).execute();
      await db.schema
        .createTable(attempts)
        .addColumn('delivery_id', t.id, (col) => col.notNull())
        .addColumn('attempt', t.count, (col) => col.notNull())
        .addColumn('started_at', t.timestamp, (col) => col.notNull())
        .addColumn('duration_ms', t.count, (col) => col.notNull())
        .addColumn('response_status', t.count)
        .addColumn('response_body', t.longText)
        .addColumn('error_class', t.shortText)
        .addPrimaryKeyConstraint(`${attempts}_pk`, ['delivery_id', 'attempt'])
        .addForeignKeyConstraint(`${attempts}_delivery_fkey`, ['delivery_id'], deliveries, ['id'], (fk) => fk.onDelete('cascade'))
        .$call(withEngine(dialect))
        .execute();
    },
    async down(host) {
      const db = host.withoutPlugins();
      await db.schema.dropTable(attempts).execute();
      await db.schema.dropTable(deliveries).execute();
      await db.schema.dropTable(endpoints).execute();
    },
  });
}
