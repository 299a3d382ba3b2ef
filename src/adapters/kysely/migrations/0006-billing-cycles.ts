import { sql, type Kysely, type Migration, type RawBuilder } from 'kysely';
import type { ResolvedTableOptions } from '../kysely-store-options.js';
import { resolveDialect } from '../dialects/resolve-dialect.js';
import type { StoreDialectName } from '../dialects/store-dialect.js';

// RELEASED MIGRATIONS ARE NEVER EDITED (see 0001). Column types are spelled
// out here, not shared with other migrations or the dialect files.

interface ColumnTypes {
  /** Tenant ids, compared exactly, as in 0001. */
  readonly tenantId: RawBuilder<unknown>;
  readonly timestamp: RawBuilder<unknown>;
}

const COLUMN_TYPES: Readonly<Record<StoreDialectName, ColumnTypes>> = {
  postgres: { tenantId: sql`varchar(64) collate "C"`, timestamp: sql`timestamptz(3)` },
  mysql: { tenantId: sql`varbinary(256)`, timestamp: sql`datetime(3)` },
  sqlite: { tenantId: sql`text`, timestamp: sql`text` },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on the host's instance, typed with any schema.
type AnyKysely = Kysely<any>;

/**
 * `0006_billing_cycles`:
 *
 * - `billing_cycles`: one row per tenant holding its billing-cycle anchor,
 *   which provisioning sets (`assignPackage({ cycleAnchor })`,
 *   `setBillingCycle`) and cycle-anchored periods count from. Before, the
 *   anchor was derived from the oldest active package, so cancelling an
 *   add-on moved every window.
 * - `idempotency_keys.expires_at` (nullable, indexed): when a record stops
 *   counting and may be pruned. Records written before have none and are kept
 *   until pruned by age.
 *
 * Backfill: every tenant gets the anchor it had under the old rule, so no
 * window moves on upgrade: the oldest active package's `assigned_at`, else
 * the first boost's `created_at`. Tenants with neither get no row (they are
 * anchored by their first provisioning).
 */
export function billingCycles(options: ResolvedTableOptions): Migration {
  const prefix = options.tablePrefix;
  const cycles = `${prefix}billing_cycles`;
  const idempotency = `${prefix}idempotency_keys`;
  return Object.freeze<Migration>({
    async up(host) {
      const db: AnyKysely = host.withoutPlugins();
      const dialect = resolveDialect(db, options.dialect).name;
      const types = COLUMN_TYPES[dialect];
      await db.schema
        .createTable(cycles)
        .addColumn('tenant_id', types.tenantId, (col) => col.notNull().primaryKey())
        .addColumn('cycle_anchor', types.timestamp, (col) => col.notNull())
        .addForeignKeyConstraint(`${prefix}billing_cycles_tenant_fkey`, ['tenant_id'], `${prefix}tenants`, ['id'])
        .$call((t) => (dialect === 'mysql' ? t.modifyEnd(sql`engine = InnoDB`) : t))
        .execute();
      await db.schema.alterTable(idempotency).addColumn('expires_at', types.timestamp).execute();
      await db.schema.createIndex(`${idempotency}_expires_idx`).on(idempotency).column('expires_at').execute();
      await db
        .insertInto(cycles)
        .columns(['tenant_id', 'cycle_anchor'])
        .expression(
          db
            .selectFrom(`${prefix}package_assignments`)
            .select(['tenant_id', (eb) => eb.fn.min('assigned_at').as('cycle_anchor')])
            .where('cancelled_at', 'is', null)
            .groupBy('tenant_id'),
        )
        .execute();
      await db
        .insertInto(cycles)
        .columns(['tenant_id', 'cycle_anchor'])
        .expression(
          db
            .selectFrom(`${prefix}boosts`)
            .select(['tenant_id', (eb) => eb.fn.min('created_at').as('cycle_anchor')])
            .where('tenant_id', 'not in', db.selectFrom(cycles).select('tenant_id'))
            .groupBy('tenant_id'),
        )
        .execute();
    },
    async down(host) {
      const db: AnyKysely = host.withoutPlugins();
      await db.schema
        .dropIndex(`${idempotency}_expires_idx`)
        .$call((d) => (resolveDialect(db, options.dialect).name === 'mysql' ? d.on(idempotency) : d))
        .execute();
      await db.schema.alterTable(idempotency).dropColumn('expires_at').execute();
      await db.schema.dropTable(cycles).execute();
    },
  });
}
