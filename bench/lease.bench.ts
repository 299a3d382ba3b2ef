import { Redis } from 'ioredis';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { createTenantry, systemActor } from 'tenantry';
import { kyselyStore, migrateToLatest } from 'tenantry/kysely';
import { capabilities, roles } from '../examples/catalog.js';
import { packages } from '../examples/plans.js';
import { load, type LoadResult } from './latency.js';

const ADMIN_URL = process.env['TENANTRY_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env['TENANTRY_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const DATABASE = 'tenantry_lease_bench';
const CALLS = 20_000;

/** Check-and-incr in one Lua script: the Redis baseline for a hot counter. */
const CHECK_AND_INCR = `local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used + tonumber(ARGV[1]) > tonumber(ARGV[2]) then return -1 end
return redis.call('INCRBY', KEYS[1], ARGV[1])`;

/** The overshoot figure: consumptions allowed beyond the limit (and units counted beyond it) when 32 connections oversubscribe a leased counter. */
export interface OvershootResult {
  readonly limit: number;
  readonly attempts: number;
  readonly allowed: number;
  readonly counted: number;
}

/**
 * Hot-counter consumption on PostgreSQL with quota leasing (`api.requests`
 * leased 1,000 units at a time, grants cached) against the raw
 * single-row conditional UPDATE and a Redis Lua check-and-incr, at 8 and 32
 * connections, in the same run; then the overshoot check: 32 connections
 * consuming 2,000 times from a tenant with 1,000 allowed.
 */
export async function leaseBenchmarks(): Promise<{ results: LoadResult[]; overshoot: OvershootResult }> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${DATABASE} with (force)`);
  await admin.query(`create database ${DATABASE}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DATABASE}`;
  const results: LoadResult[] = [];
  const redis = new Redis(REDIS_URL);
  let overshoot: OvershootResult | undefined;
  try {
    for (const connections of [8, 32]) {
      const pool = new pg.Pool({ connectionString: url.toString(), max: connections });
      pool.on('error', () => undefined);
      const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
      await migrateToLatest(db);
      const store = kyselyStore(db);
      const tenantry = createTenantry({
        capabilities,
        roles,
        store,
        entitlements: { packages, leases: { 'api.requests': { size: 1000, maxHoldMs: 10_000 } } },
        cache: { grants: { max: 10_000, ttlMs: 30_000 } },
      });
      await tenantry.ready();
      const system = tenantry.as(systemActor('bench'));
      const { tenant } = await system.tenants.create({ ownerId: 'bench' });
      await system.provisioning.assignPackage({ tenantId: tenant.id, packageKey: 'enterprise' });
      await sql`create table if not exists raw_counter (tenant_id text primary key, used bigint not null)`.execute(db);
      await sql`insert into raw_counter values (${tenant.id}, 0) on conflict do nothing`.execute(db);
      const limit = 1_000_000_000;
      const raw = () => sql`update raw_counter set used = used + 1 where tenant_id = ${tenant.id} and used + 1 <= ${limit} returning used`.execute(db);
      results.push(await load('raw conditional UPDATE, hot row', connections, Math.min(CALLS, 6000), raw));
      results.push(
        await load('consume(), hot, leased (1000)', connections, CALLS, () =>
          system.usage.consume({ tenantId: tenant.id, featureKey: 'api.requests', amount: 1 }),
        ),
      );
      const key = `tenantry-bench:${tenant.id}`;
      await redis.del(key);
      const clients = Array.from({ length: connections }, () => new Redis(REDIS_URL));
      results.push(await load('Redis Lua check-and-incr', connections, CALLS, (worker) => (clients[worker] ?? redis).eval(CHECK_AND_INCR, 1, key, 1, limit)));
      await Promise.all(clients.map((c) => c.quit()));
      if (connections === 32) overshoot = await oversubscribe(system, () => tenantry.close(), connections);
      await tenantry.close();
      await db.destroy();
    }
  } finally {
    await redis.quit();
    const cleanup = new pg.Client({ connectionString: ADMIN_URL });
    await cleanup.connect();
    await cleanup.query(`drop database if exists ${DATABASE} with (force)`);
    await cleanup.end();
  }
  if (overshoot === undefined) throw new Error('The overshoot check did not run.');
  return { results, overshoot };
}

/** 2,000 leased consumptions over `connections` loops against a free tenant (1,000 allowed): how many were allowed, and what the store counts after close(). */
async function oversubscribe(
  system: ReturnType<ReturnType<typeof createTenantry>['as']>,
  close: () => Promise<void>,
  connections: number,
): Promise<OvershootResult> {
  const { tenant } = await system.tenants.create({ ownerId: 'oversubscribed' });
  await system.provisioning.assignPackage({ tenantId: tenant.id, packageKey: 'free' });
  const attempts = 2000;
  let allowed = 0;
  await load('oversubscription', connections, attempts, async () => {
    const decision = await system.usage.tryConsume({ tenantId: tenant.id, featureKey: 'api.requests', amount: 1 });
    if (decision.allowed) allowed += 1;
  });
  // Return the leases, so that what the store counts is what was handed out.
  await close();
  const report = await system.usage.report({ tenantId: tenant.id });
  const counted = report.features.find((usage) => usage.featureKey === 'api.requests')?.used ?? 0;
  return { limit: 1000, attempts, allowed, counted };
}
