import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createTenantry, systemActor } from 'tenantry';
import { kyselyStore, migrateToLatest } from 'tenantry/kysely';
import { interleaved, type RoundResult } from './rounds.js';
import { capabilities, roles } from './workload.js';

const ADMIN_URL = process.env['TENANTRY_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const DATABASE = 'tenantry_bench_authz';
const SCALE = Number(process.env['BENCH_SCALE'] ?? '1');
const CALLS = Math.max(50, Math.round(2_000 * SCALE));

/**
 * A cold request on PostgreSQL: a new scope and its first check (no cache),
 * which is one membership SELECT, beside the raw single-row SELECT of the
 * same row by its unique key on the same pool, sent unnamed (what the target
 * is stated against) and as a named prepared statement (one connection,
 * sequential calls, so this is latency). `BENCH_PREPARED=false` measures
 * the store with `preparedStatements: false`. `undefined` when PostgreSQL is
 * not reachable.
 */
export async function postgresColdRequest(): Promise<RoundResult[] | undefined> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  await admin.query(`drop database if exists ${DATABASE} with (force)`);
  await admin.query(`create database ${DATABASE}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DATABASE}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db);
    const tenantry = createTenantry({ capabilities, roles, store: kyselyStore(db, { preparedStatements: process.env['BENCH_PREPARED'] !== 'false' }) });
    const system = tenantry.as(systemActor('bench'));
    const tenantIds: string[] = [];
    for (let i = 0; i < 50; i += 1) {
      const { tenant } = await system.tenants.create({ ownerId: `owner-${i}` });
      await system.members.add({ tenantId: tenant.id, userId: `member-${i}`, role: 'operator' });
      tenantIds.push(tenant.id);
    }
    let i = 0;
    let sink: unknown;
    const results = await interleaved([
      {
        name: 'raw SELECT role by (tenant_id, user_id), pg pool',
        iterations: CALLS,
        run: async (n) => {
          for (let k = 0; k < n; k += 1, i += 1) {
            const tenantId = tenantIds[i % tenantIds.length]!;
            sink = await pool.query('select role from tenantry_memberships where tenant_id = $1 and user_id = $2', [
              tenantId,
              `member-${i % tenantIds.length}`,
            ]);
          }
        },
      },
      {
        // The same statement as a named prepared statement: the floor of any client that prepares.
        name: 'raw SELECT, named prepared statement, pg pool',
        iterations: CALLS,
        run: async (n) => {
          for (let k = 0; k < n; k += 1, i += 1) {
            const tenantId = tenantIds[i % tenantIds.length]!;
            sink = await pool.query({
              name: 'bench_raw_membership',
              text: 'select role from tenantry_memberships where tenant_id = $1 and user_id = $2',
              values: [tenantId, `member-${i % tenantIds.length}`],
            });
          }
        },
      },
      {
        name: 'tenantry new scope + first check (no cache)',
        iterations: CALLS,
        run: async (n) => {
          for (let k = 0; k < n; k += 1, i += 1) {
            const tenantId = tenantIds[i % tenantIds.length]!;
            sink = await tenantry.forRequest({ userId: `member-${i % tenantIds.length}` }).check(tenantId, 'project.write');
          }
        },
      },
    ]);
    (globalThis as Record<string, unknown>)['tenantryBenchSink'] = sink;
    return results;
  } finally {
    await db.destroy();
    const cleanup = new pg.Client({ connectionString: ADMIN_URL });
    await cleanup.connect();
    await cleanup.query(`drop database if exists ${DATABASE} with (force)`);
    await cleanup.end();
  }
}
