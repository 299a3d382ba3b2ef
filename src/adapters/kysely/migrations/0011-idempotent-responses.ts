import { sql, type Kysely, type Migration, type RawBuilder } from 'kysely';
import type { ResolvedTableOptions } from '../kysely-store-options.js';
import { resolveDialect } from '../dialects/resolve-dialect.js';
import type { StoreDialectName } from '../dialects/store-dialect.js';

// RELEASED MIGRATIONS ARE NEVER EDITED (see 0001). Column types are spelled
// out here, not shared with other migrations or the dialect files.

/**
 * The stored response as JSON (status, headers, base64 body). MySQL's `text`
 * holds 64 KiB, less than a base64 body at the helper's largest cap, so it
 * takes `mediumblob` (16 MiB) there.
 */
const RESPONSE_TYPE: Readonly<Record<StoreDialectName, RawBuilder<unknown>>> = {
  postgres: sql`text`,
  mysql: sql`mediumblob`,
  sqlite: sql`text`,
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on the host's instance, typed with any schema.
type AnyKysely = Kysely<any>;

/**
 * `0011_idempotent_responses`: `idempotency_keys.response` (nullable), the
 * first HTTP response of an idempotent request as the response-replay helper
 * stores it. It lives on the consumption's own record, so it shares its key,
 * fingerprint and TTL, is pruned with it and deleted with the tenant; no new
 * table, index or foreign key. Existing records get `null` (no response
 * stored: their replays are answered as before).
 */
export function idempotentResponses(options: ResolvedTableOptions): Migration {
  const idempotency = `${options.tablePrefix}idempotency_keys`;
  return Object.freeze<Migration>({
    async up(host) {
      const db: AnyKysely = host.withoutPlugins();
      const dialect = resolveDialect(db, options.dialect).name;
      await db.schema.alterTable(idempotency).addColumn('response', RESPONSE_TYPE[dialect]).execute();
    },
    async down(host) {
      const db: AnyKysely = host.withoutPlugins();
      await db.schema.alterTable(idempotency).dropColumn('response').execute();
    },
  });
}
