import { sql, type Kysely, type Migration, type RawBuilder } from 'kysely';
import type { ResolvedTableOptions } from '../kysely-store-options.js';
import { resolveDialect } from '../dialects/resolve-dialect.js';
import type { StoreDialectName } from '../dialects/store-dialect.js';

// RELEASED MIGRATIONS ARE NEVER EDITED (see 0001). Column types are spelled
// out here, not shared with other migrations or the dialect files.

/** `user` or `system`: ASCII, compared exactly. */
const ACTOR_TYPE: Readonly<Record<StoreDialectName, RawBuilder<unknown>>> = {
  postgres: sql`varchar(16)`,
  mysql: sql`varchar(16) character set ascii collate ascii_bin`,
  sqlite: sql`text`,
};

/** What every stored system-actor provenance id starts with (`system:<label>`). */
const SYSTEM_PREFIX = 'system:';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on the host's instance, typed with any schema.
type AnyKysely = Kysely<any>;

/** True for rows whose `created_by` starts with `system:` (exactly: `substr`, unlike SQLite's `LIKE`, is case-sensitive). */
const prefixed = sql<boolean>`substr(created_by, 1, ${SYSTEM_PREFIX.length}) = ${SYSTEM_PREFIX}`;

/**
 * `0005_provenance_actor_type`: `created_by_type` (`user` or `system`) on
 * tenants and memberships, so that a user whose id reads `system:<label>` can
 * no longer pass for the system actor in provenance. The audit log already
 * stores `actor_type` beside `actor_id` and is left as it is.
 *
 * New columns are `NOT NULL DEFAULT 'user'`: rows written by other code that
 * does not know the column are never taken for the system actor.
 *
 * Backfill of the rows written before, which only have `created_by`:
 *
 * - a tenant is `system` when its `created_by` starts with `system:` and no
 *   `tenant.create` audit entry says a user created it (tenantry writes that
 *   entry, with its actor type, in the tenant's creating transaction; tenants
 *   written straight through the store have none, and for them the prefix
 *   decides);
 * - a membership is `system` when its `created_by` starts with `system:` and
 *   either its source is `system` (only the system actor adds members with
 *   that source) or it is the owner membership created with a tenant
 *   (`tenant_create`) that is `system` by the rule above;
 * - every other row is `user`.
 *
 * Ids are kept as they are (`system:<label>` for the system actor), so readers
 * of `created_by` see the same values as before.
 */
export function provenanceActorType(options: ResolvedTableOptions): Migration {
  const prefix = options.tablePrefix;
  const tenants = `${prefix}tenants`;
  const memberships = `${prefix}memberships`;
  const auditLog = `${prefix}audit_log`;
  return Object.freeze<Migration>({
    async up(host) {
      const db: AnyKysely = host.withoutPlugins();
      const type = ACTOR_TYPE[resolveDialect(db, options.dialect).name];
      for (const table of [tenants, memberships]) {
        await db.schema
          .alterTable(table)
          .addColumn('created_by_type', type, (col) => col.notNull().defaultTo('user'))
          .execute();
      }
      await db
        .updateTable(tenants)
        .set({ created_by_type: 'system' })
        .where(prefixed)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom(`${auditLog} as creation`)
                .select(sql`1`.as('found'))
                .whereRef('creation.tenant_id', '=', `${tenants}.id`)
                .where('creation.action', '=', 'tenant.create')
                .where('creation.actor_type', '=', 'user'),
            ),
          ),
        )
        .execute();
      await db
        .updateTable(memberships)
        .set({ created_by_type: 'system' })
        .where(prefixed)
        .where((eb) =>
          eb.or([
            eb('source', '=', 'system'),
            eb.and([
              eb('source', '=', 'tenant_create'),
              eb.exists(
                eb
                  .selectFrom(`${tenants} as tenant`)
                  .select(sql`1`.as('found'))
                  .whereRef('tenant.id', '=', `${memberships}.tenant_id`)
                  .where('tenant.created_by_type', '=', 'system'),
              ),
            ]),
          ]),
        )
        .execute();
    },
    async down(host) {
      const db: AnyKysely = host.withoutPlugins();
      for (const table of [memberships, tenants]) await db.schema.alterTable(table).dropColumn('created_by_type').execute();
    },
  });
}
