import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { createTenantry, systemActor } from 'tenantry';
import { kyselyStore, migrateToLatest } from 'tenantry/kysely';
import { capabilities, roles } from '../examples/catalog.js';
import { packages } from '../examples/plans.js';
import { load, type LoadResult } from './latency.js';

const ADMIN_URL = process.env['TENANTRY_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const DATABASE = 'tenantry_bench';
const CALLS = 3000;

/**
 * Entitlement consumption on PostgreSQL, closed loop, at 1/8/32 connections:
 * one hot counter (every call on the same tenant and feature) and spread keys
 * (each connection its own tenant), beside a raw single-statement conditional
 * UPDATE on the same kind of row, measured in the same run. Limits are set so
 * high that no call is refused: this measures the cost of an allowed consume.
 */
export async function consumeBenchmarks(): Promise<LoadResult[]> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${DATABASE} with (force)`);
  await admin.query(`create database ${DATABASE}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DATABASE}`;
  const results: LoadResult[] = [];
  try {
    for (const connections of [1, 8, 32]) {
      const pool = new pg.Pool({ connectionString: url.toString(), max: connections });
      pool.on('error', () => undefined);
      const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
      await migrateToLatest(db);
      const store = kyselyStore(db);
      const tenantry = createTenantry({ capabilities, roles, store, entitlements: { packages } });
      const cachedTenantry = createTenantry({ capabilities, roles, store, entitlements: { packages }, cache: { grants: { max: 10_000, ttlMs: 30_000 } } });
      await tenantry.ready();
      await cachedTenantry.ready();
      const system = tenantry.as(systemActor('bench'));
      const entitlements = system.usage;
      const cached = cachedTenantry.as(systemActor('bench')).usage;
      const tenants: string[] = [];
      for (let i = 0; i < connections; i += 1) {
        const { tenant } = await system.tenants.create({ ownerId: `bench-${i}` });
        await system.provisioning.assignPackage({ tenantId: tenant.id, packageKey: 'pro' });
        tenants.push(tenant.id);
      }
      const consume = (usage: typeof entitlements, tenantId: string) => usage.consume({ tenantId, featureKey: 'api.requests', amount: 1 });
      await sql`create table if not exists raw_counter (tenant_id text, feature text, used bigint not null, primary key (tenant_id, feature))`.execute(db);
      await sql`insert into raw_counter select t, 'api.requests', 0 from unnest(${tenants}::text[]) as t on conflict do nothing`.execute(db);
      const hot = tenants[0]!;
      const limit = 1_000_000_000;
      const raw = (tenantId: string) =>
        sql`update raw_counter set used = used + 1 where tenant_id = ${tenantId} and feature = 'api.requests' and used + 1 <= ${limit} returning used`.execute(
          db,
        );
      results.push(await load('raw conditional UPDATE, hot row', connections, CALLS, () => raw(hot)));
      results.push(await load('consume(), hot counter', connections, CALLS, () => consume(entitlements, hot)));
      results.push(await load('consume(), hot, grants cached', connections, CALLS, () => consume(cached, hot)));
      results.push(await load('raw conditional UPDATE, spread', connections, CALLS, (worker) => raw(tenants[worker]!)));
      results.push(await load('consume(), spread keys', connections, CALLS, (worker) => consume(entitlements, tenants[worker]!)));
      results.push(await load('consume(), spread, grants cached', connections, CALLS, (worker) => consume(cached, tenants[worker]!)));
      await db.destroy();
    }
  } finally {
    const cleanup = new pg.Client({ connectionString: ADMIN_URL });
    await cleanup.connect();
    await cleanup.query(`drop database if exists ${DATABASE} with (force)`);
    await cleanup.end();
  }
  return results;
}
