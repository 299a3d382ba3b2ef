import { sql, type Migration, type RawBuilder } from 'kysely';
import type { ResolvedTableOptions } from '../kysely-store-options.js';
import { resolveDialect } from '../dialects/resolve-dialect.js';
import type { StoreDialectName } from '../dialects/store-dialect.js';

// RELEASED MIGRATIONS ARE NEVER EDITED (see 0001). Column types are spelled
// out here, not shared with other migrations or the dialect files.

interface ColumnTypes {
  readonly id: RawBuilder<unknown>;
  readonly tenantId: RawBuilder<unknown>;
  /** Normalised email addresses, at most 254 characters, compared exactly. */
  readonly email: RawBuilder<unknown>;
  readonly role: RawBuilder<unknown>;
  /** Selectors (22 base64url characters) and verifier hashes (64 hex digits): ASCII, compared exactly. */
  readonly ascii: RawBuilder<unknown>;
  readonly shortText: RawBuilder<unknown>;
  readonly userId: RawBuilder<unknown>;
  readonly createdBy: RawBuilder<unknown>;
  readonly count: RawBuilder<unknown>;
  readonly timestamp: RawBuilder<unknown>;
}

const COLUMN_TYPES: Readonly<Record<StoreDialectName, ColumnTypes>> = {
  postgres: {
    id: sql`uuid`,
    tenantId: sql`varchar(64) collate "C"`,
    email: sql`varchar(254) collate "C"`,
    role: sql`varchar(64) collate "C"`,
    ascii: sql`varchar(64) collate "C"`,
    shortText: sql`varchar(32)`,
    userId: sql`varchar(255) collate "C"`,
    createdBy: sql`varchar(255)`,
    count: sql`integer`,
    timestamp: sql`timestamptz(3)`,
  },
  mysql: {
    id: sql`char(36) character set ascii collate ascii_bin`,
    tenantId: sql`varbinary(256)`,
    email: sql`varbinary(1016)`,
    role: sql`varbinary(256)`,
    ascii: sql`varchar(64) character set ascii collate ascii_bin`,
    shortText: sql`varchar(32) character set ascii collate ascii_bin`,
    userId: sql`varbinary(1020)`,
    createdBy: sql`varchar(255) character set utf8mb4 collate utf8mb4_bin`,
    count: sql`integer`,
    timestamp: sql`datetime(3)`,
  },
  sqlite: {
    id: sql`text`,
    tenantId: sql`text`,
    email: sql`text`,
    role: sql`text`,
    ascii: sql`text`,
    shortText: sql`text`,
    userId: sql`text`,
    createdBy: sql`text`,
    count: sql`integer`,
    timestamp: sql`text`,
  },
};

/**
 * Migration `0008_invitations`: the invitations table. Unique selector (the
 * one indexed read of an acceptance), unique (tenant_id, open_email) for the
 * one-pending rule (`open_email` is NULL once an invitation is settled),
 * index (tenant_id, status) for listing by status, and a foreign key to the
 * tenants table with `ON DELETE CASCADE`: a deleted tenant takes its
 * invitations (and their audit-free rows) with it.
 */
export function invitations(options: ResolvedTableOptions): Migration {
  const prefix = options.tablePrefix;
  const table = `${prefix}invitations`;
  return Object.freeze<Migration>({
    async up(host) {
      const db = host.withoutPlugins();
      const dialect = resolveDialect(db, options.dialect).name;
      const types = COLUMN_TYPES[dialect];
      await db.schema
        .createTable(table)
        .addColumn('id', types.id, (col) => col.notNull().primaryKey())
        .addColumn('tenant_id', types.tenantId, (col) => col.notNull())
        .addColumn('email', types.email, (col) => col.notNull())
        .addColumn('open_email', types.email)
        .addColumn('role', types.role, (col) => col.notNull())
        .addColumn('selector', types.ascii, (col) => col.notNull())
        .addColumn('verifier_hash', types.ascii, (col) => col.notNull())
        .addColumn('status', types.shortText, (col) => col.notNull())
        .addColumn('require_email_match', types.count, (col) => col.notNull())
        .addColumn('created_by_type', types.shortText, (col) => col.notNull())
        .addColumn('created_by', types.createdBy, (col) => col.notNull())
        .addColumn('created_at', types.timestamp, (col) => col.notNull())
        .addColumn('expires_at', types.timestamp, (col) => col.notNull())
        .addColumn('resend_count', types.count, (col) => col.notNull())
        .addColumn('accepted_by', types.userId)
        .addColumn('settled_at', types.timestamp)
        .addUniqueConstraint(`${prefix}invitations_selector_key`, ['selector'])
        .addUniqueConstraint(`${prefix}invitations_tenant_open_email_key`, ['tenant_id', 'open_email'])
        .addForeignKeyConstraint(`${prefix}invitations_tenant_fkey`, ['tenant_id'], `${prefix}tenants`, ['id'], (fk) => fk.onDelete('cascade'))
        .$call((t) => (dialect === 'mysql' ? t.modifyEnd(sql`engine = InnoDB`) : t))
        .execute();
      await db.schema.createIndex(`${prefix}invitations_tenant_status_idx`).on(table).columns(['tenant_id', 'status']).execute();
      await db.schema.createIndex(`${prefix}invitations_tenant_email_idx`).on(table).columns(['tenant_id', 'email']).execute();
    },
    async down(host) {
      await host.withoutPlugins().schema.dropTable(table).execute();
    },
  });
}
