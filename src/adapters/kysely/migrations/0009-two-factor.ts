import { sql, type Migration, type RawBuilder } from 'kysely';
import type { ResolvedTableOptions } from '../kysely-store-options.js';
import { resolveDialect } from '../dialects/resolve-dialect.js';
import type { StoreDialectName } from '../dialects/store-dialect.js';

// RELEASED MIGRATIONS ARE NEVER EDITED (see 0001). Column types are spelled
// out here, not shared with other migrations or the dialect files.

interface ColumnTypes {
  /** User ids as in 0001: at most 255 characters, compared exactly. */
  readonly userId: RawBuilder<unknown>;
  /** ASCII tokens: status, algorithm, key ids, base64, argon2 PHC strings. */
  readonly ascii: RawBuilder<unknown>;
  readonly codeId: RawBuilder<unknown>;
  readonly small: RawBuilder<unknown>;
  readonly step: RawBuilder<unknown>;
  readonly timestamp: RawBuilder<unknown>;
}

const COLUMN_TYPES: Readonly<Record<StoreDialectName, ColumnTypes>> = {
  postgres: {
    userId: sql`varchar(255) collate "C"`,
    ascii: sql`varchar(255) collate "C"`,
    codeId: sql`uuid`,
    small: sql`integer`,
    step: sql`bigint`,
    timestamp: sql`timestamptz(3)`,
  },
  mysql: {
    userId: sql`varbinary(1020)`,
    ascii: sql`varchar(255) character set ascii collate ascii_bin`,
    codeId: sql`char(36) character set ascii collate ascii_bin`,
    small: sql`integer`,
    step: sql`bigint`,
    timestamp: sql`datetime(3)`,
  },
  sqlite: { userId: sql`text`, ascii: sql`text`, codeId: sql`text`, small: sql`integer`, step: sql`integer`, timestamp: sql`text` },
};

/**
 * Migration `0009_two_factor`: one row per user with the sealed TOTP secret
 * (AES-256-GCM ciphertext with its tag, nonce, key id), its parameters,
 * status and the last accepted time step (the replay guard); and the
 * recovery codes as argon2id hashes, indexed by user. User-level tables: no
 * reference to tenants.
 */
export function twoFactor(options: ResolvedTableOptions): Migration {
  const factors = `${options.tablePrefix}two_factor`;
  const codes = `${options.tablePrefix}recovery_codes`;
  return {
    async up(host) {
      const db = host.withoutPlugins();
      const dialect = resolveDialect(db, options.dialect).name;
      const types = COLUMN_TYPES[dialect];
      const engine = <T extends { modifyEnd(s: RawBuilder<unknown>): T }>(t: T): T => (dialect === 'mysql' ? t.modifyEnd(sql`engine = InnoDB`) : t);
      await db.schema
        .createTable(factors)
        .addColumn('user_id', types.userId, (col) => col.notNull())
        .addColumn('status', types.ascii, (col) => col.notNull())
        .addColumn('ciphertext', types.ascii, (col) => col.notNull())
        .addColumn('nonce', types.ascii, (col) => col.notNull())
        .addColumn('key_id', types.ascii, (col) => col.notNull())
        .addColumn('algorithm', types.ascii, (col) => col.notNull())
        .addColumn('digits', types.small, (col) => col.notNull())
        .addColumn('period', types.small, (col) => col.notNull())
        .addColumn('last_step', types.step, (col) => col.notNull())
        .addColumn('created_at', types.timestamp, (col) => col.notNull())
        .addColumn('updated_at', types.timestamp, (col) => col.notNull())
        .addPrimaryKeyConstraint(`${factors}_pk`, ['user_id'])
        .$call(engine)
        .execute();
      // Rotation pages through the rows of old keys.
      await db.schema.createIndex(`${factors}_key_idx`).on(factors).columns(['key_id', 'user_id']).execute();
      await db.schema
        .createTable(codes)
        .addColumn('id', types.codeId, (col) => col.notNull())
        .addColumn('user_id', types.userId, (col) => col.notNull())
        .addColumn('hash', types.ascii, (col) => col.notNull())
        .addColumn('created_at', types.timestamp, (col) => col.notNull())
        .addColumn('used_at', types.timestamp)
        .addPrimaryKeyConstraint(`${codes}_pk`, ['id'])
        .$call(engine)
        .execute();
      await db.schema.createIndex(`${codes}_user_idx`).on(codes).column('user_id').execute();
    },
    async down(host) {
      const db = host.withoutPlugins();
      await db.schema.dropTable(codes).execute();
      await db.schema.dropTable(factors).execute();
    },
  };
}
