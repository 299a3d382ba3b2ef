import { sql, type Migration, type RawBuilder } from 'kysely';
import type { ResolvedTableOptions } from '../kysely-store-options.js';
import { resolveDialect } from '../dialects/resolve-dialect.js';
import type { StoreDialectName } from '../dialects/store-dialect.js';

// RELEASED MIGRATIONS ARE NEVER EDITED (see 0001). Column types are spelled
// out here, not shared with other migrations or the dialect files.

interface ColumnTypes {
  /** Limiter keys (at most 200 characters), compared exactly. */
  readonly key: RawBuilder<unknown>;
  readonly count: RawBuilder<unknown>;
  readonly timestamp: RawBuilder<unknown>;
}

const COLUMN_TYPES: Readonly<Record<StoreDialectName, ColumnTypes>> = {
  postgres: { key: sql`varchar(200) collate "C"`, count: sql`bigint`, timestamp: sql`timestamptz(3)` },
  mysql: { key: sql`varbinary(800)`, count: sql`bigint`, timestamp: sql`datetime(3)` },
  sqlite: { key: sql`text`, count: sql`integer`, timestamp: sql`text` },
};

/**
 * Migration `0004_rate_limits`: fixed-window counters for the store-backed
 * rate limiter, keyed by (limiter key, window start). `expires_at` is
 * indexed so that old windows can be pruned in bulk.
 */
export function rateLimits(options: ResolvedTableOptions): Migration {
  const table = `${options.tablePrefix}rate_limits`;
  return {
    async up(host) {
      const db = host.withoutPlugins();
      const dialect = resolveDialect(db, options.dialect).name;
      const types = COLUMN_TYPES[dialect];
      await db.schema
        .createTable(table)
        .addColumn('limiter_key', types.key, (col) => col.notNull())
        .addColumn('window_start', types.timestamp, (col) => col.notNull())
        .addColumn('hits', types.count, (col) => col.notNull())
        .addColumn('expires_at', types.timestamp, (col) => col.notNull())
        .addPrimaryKeyConstraint(`${table}_pk`, ['limiter_key', 'window_start'])
        .$call((t) => (dialect === 'mysql' ? t.modifyEnd(sql`engine = InnoDB`) : t))
        .execute();
      await db.schema.createIndex(`${table}_expires_idx`).on(table).column('expires_at').execute();
    },
    async down(host) {
      await host.withoutPlugins().schema.dropTable(table).execute();
    },
  };
}
