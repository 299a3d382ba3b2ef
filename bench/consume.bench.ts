import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { createPool } from 'mysql2';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';
import { createTenantry, systemActor } from 'tenantry';
import { kyselyStore, migrateToLatest } from 'tenantry/kysely';
import { capabilities, roles } from '../examples/catalog.js';
import { packages } from '../examples/plans.js';
import { load, type LoadResult } from './latency.js';

const POSTGRES_URL = process.env['TENANTRY_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL_URL = new URL(process.env['TENANTRY_TEST_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306/test');
const DATABASE = 'tenantry_bench';

/** Knobs: total calls per measurement, connection counts, databases. */
const CALLS = Number(process.env['BENCH_CALLS'] ?? 3000);
const CONNECTIONS = (process.env['BENCH_CONNS'] ?? '1,8,32').split(',').map(Number);
export const BENCH_DATABASES = (process.env['BENCH_DBS'] ?? 'postgres,mysql,sqlite').split(',') as readonly BenchDatabase[];

export type BenchDatabase = 'postgres' | 'mysql' | 'sqlite';

/** One measurement row: a variant of one workload at one connection count. */
export interface ConsumeResult extends LoadResult {
  readonly database: BenchDatabase;
  readonly workload: string;
  readonly variant: 'raw' | 'consume()' | 'grantsCache';
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the bench's own raw table sits beside tenantry's.
type AnyKysely = Kysely<any>;

interface Target {
  readonly db: AnyKysely;
  readonly close: () => Promise<void>;
}

function open(database: BenchDatabase, connections: number, dir: string): Target {
  if (database === 'postgres') {
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${DATABASE}`;
    const pool = new pg.Pool({ connectionString: url.toString(), max: connections });
    pool.on('error', () => undefined);
    const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
    return { db, close: () => db.destroy() };
  }
  if (database === 'mysql') {
    const pool = createPool({
      host: MYSQL_URL.hostname,
      port: Number(MYSQL_URL.port || 3306),
      user: decodeURIComponent(MYSQL_URL.username),
      password: decodeURIComponent(MYSQL_URL.password),
      database: DATABASE,
      connectionLimit: connections,
    });
    const db = new Kysely({ dialect: new MysqlDialect({ pool }) });
    return { db, close: () => db.destroy() };
  }
  // SQLite: one file, one connection (writers are serialized by the file lock anyway).
  const db = new Kysely({ dialect: new SqliteDialect({ database: new Database(join(dir, 'bench.sqlite'), { timeout: 5000 }) }) });
  return { db, close: () => db.destroy() };
}

async function createDatabase(database: BenchDatabase): Promise<void> {
  if (database === 'postgres') {
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${DATABASE} with (force)`);
    await admin.query(`create database ${DATABASE}`);
    await admin.end();
  } else if (database === 'mysql') {
    const admin = await createConnection({
      host: MYSQL_URL.hostname,
      port: Number(MYSQL_URL.port || 3306),
      user: decodeURIComponent(MYSQL_URL.username),
      password: decodeURIComponent(MYSQL_URL.password),
    });
    await admin.query(`drop database if exists ${DATABASE}`);
    await admin.query(`create database ${DATABASE} character set utf8mb4`);
    await admin.end();
  }
}

async function dropDatabase(database: BenchDatabase): Promise<void> {
  if (database === 'postgres') {
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${DATABASE} with (force)`);
    await admin.end();
  } else if (database === 'mysql') {
    const admin = await createConnection({
      host: MYSQL_URL.hostname,
      port: Number(MYSQL_URL.port || 3306),
      user: decodeURIComponent(MYSQL_URL.username),
      password: decodeURIComponent(MYSQL_URL.password),
    });
    await admin.query(`drop database if exists ${DATABASE}`);
    await admin.end();
  }
}

/**
 * The raw baseline: one conditional UPDATE of one row. For the pool
 * workload the row holds both counters (child and pool) and the guard checks
 * both: the cheapest all-or-nothing write of two levels there is, and free
 * of the lock-order deadlocks a two-row UPDATE can hit.
 */
function rawStatement(database: BenchDatabase, db: AnyKysely, pool: boolean) {
  const limit = 1_000_000_000;
  const feature = pool ? 'ai.tokens.images' : 'api.requests';
  const set = pool ? sql`used = used + 1, used2 = used2 + 1` : sql`used = used + 1`;
  const guard = pool ? sql`used + 1 <= ${limit} and used2 + 1 <= ${limit}` : sql`used + 1 <= ${limit}`;
  return (tenantId: string) =>
    database === 'mysql'
      ? sql`update raw_counter set ${set} where tenant_id = ${tenantId} and feature = ${feature} and ${guard}`.execute(db)
      : sql`update raw_counter set ${set} where tenant_id = ${tenantId} and feature = ${feature} and ${guard} returning used`.execute(db);
}

const WORKLOADS = [
  { name: 'single feature', feature: 'api.requests', pool: false },
  { name: 'child + parent pool', feature: 'ai.tokens.images', pool: true },
] as const;

/**
 * Entitlement consumption, closed loop, at each connection count: for each
 * workload (one feature; a child feature and its parent pool) on one hot
 * counter and on spread keys (each connection its own tenant), `consume()`
 * without a cache, with `grantsCache`, and the raw conditional UPDATE of the
 * same rows, measured interleaved in one run on one pool. Limits are high
 * enough that no call is refused: this is the cost of an allowed consume.
 */
export async function consumeBenchmarks(database: BenchDatabase): Promise<ConsumeResult[]> {
  await createDatabase(database);
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-bench-'));
  const results: ConsumeResult[] = [];
  try {
    for (const connections of database === 'sqlite' ? [1] : CONNECTIONS) {
      const { db, close } = open(database, connections, dir);
      try {
        await migrateToLatest(db);
        const store = kyselyStore(db);
        const plain = createTenantry({ capabilities, roles, store, entitlements: { packages } });
        const cachedTenantry = createTenantry({ capabilities, roles, store, entitlements: { packages }, cache: { grants: { max: 10_000, ttlMs: 30_000 } } });
        await plain.ready();
        await cachedTenantry.ready();
        const system = plain.as(systemActor('bench'));
        const usage = { 'consume()': system.usage, grantsCache: cachedTenantry.as(systemActor('bench')).usage } as const;
        const tenants: string[] = [];
        for (let i = 0; i < connections; i += 1) {
          const { tenant } = await system.tenants.create({ ownerId: `bench-${connections}-${i}` });
          await system.provisioning.assignPackage({ tenantId: tenant.id, packageKey: 'enterprise' });
          tenants.push(tenant.id);
        }
        await sql`create table if not exists raw_counter (tenant_id varchar(64), feature varchar(64), used bigint not null, used2 bigint not null, primary key (tenant_id, feature))`.execute(
          db,
        );
        for (const tenantId of tenants) {
          for (const feature of ['api.requests', 'ai.tokens.images']) {
            await sql`insert into raw_counter (tenant_id, feature, used, used2) values (${tenantId}, ${feature}, 0, 0)`.execute(db);
          }
        }
        const hot = tenants[0] as string;
        for (const workload of WORKLOADS) {
          const raw = rawStatement(database, db, workload.pool);
          for (const spread of [false, true]) {
            const tenantOf = (worker: number) => (spread ? (tenants[worker] as string) : hot);
            const name = `${workload.name}, ${spread ? 'spread keys' : 'hot row'}`;
            const run = async (variant: ConsumeResult['variant']) => {
              const op =
                variant === 'raw'
                  ? (worker: number) => raw(tenantOf(worker))
                  : (worker: number) => usage[variant].consume({ tenantId: tenantOf(worker), featureKey: workload.feature, amount: 1 });
              const result = await load(`${database} ${name}: ${variant}`, connections, CALLS, op);
              results.push({ ...result, database, workload: name, variant });
            };
            // Interleaved: raw, consume(), cache, then raw again is the next workload's first.
            await run('raw');
            await run('consume()');
            await run('grantsCache');
          }
        }
      } finally {
        await close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await dropDatabase(database);
  }
  return results;
}

/** Each workload's `consume()` and `grantsCache` throughput as a ratio of the raw statement's, with p99s. */
export function ratioTable(results: readonly ConsumeResult[]): string {
  const lines = [
    '| database | workload | conns | raw ops/s (p99 ms) | consume() ops/s (p99 ms) | ratio | grantsCache ops/s (p99 ms) | ratio |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  const raws = results.filter((r) => r.variant === 'raw');
  for (const raw of raws) {
    const find = (variant: ConsumeResult['variant']) =>
      results.find((r) => r.variant === variant && r.database === raw.database && r.workload === raw.workload && r.workers === raw.workers);
    const plain = find('consume()');
    const cached = find('grantsCache');
    const cell = (r: ConsumeResult | undefined) => (r === undefined ? '-' : `${Math.round(r.opsPerSecond)} (${r.p99Ms.toFixed(1)})`);
    const ratio = (r: ConsumeResult | undefined) => (r === undefined ? '-' : (r.opsPerSecond / raw.opsPerSecond).toFixed(2));
    lines.push(`| ${raw.database} | ${raw.workload} | ${raw.workers} | ${cell(raw)} | ${cell(plain)} | ${ratio(plain)} | ${cell(cached)} | ${ratio(cached)} |`);
  }
  return lines.join('\n');
}
