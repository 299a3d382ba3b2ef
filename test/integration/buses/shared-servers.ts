import { Kysely, PostgresDialect } from 'kysely';
import { Redis } from 'ioredis';
import pg from 'pg';
import { migrateToLatest } from '../../../src/kysely.js';
import { uniqueDatabaseName } from '../../support/db-config.js';

/** The servers the multi-process bus tests share; CI runs both (`.ci/run` starts Redis). */
export const POSTGRES_URL = process.env.TENANTRY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.TENANTRY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function urlOf(database: string): string {
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A migrated PostgreSQL database of its own, and its removal. */
export async function createSharedDatabase(): Promise<{ readonly url: string; readonly name: string; drop(): Promise<void> }> {
  const name = uniqueDatabaseName();
  await admin((client) => client.query(`create database "${name}"`));
  const url = urlOf(name);
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }) });
  await migrateToLatest(db);
  await db.destroy();
  return {
    url,
    name,
    drop: () => admin((client) => client.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}

/**
 * Kills the listening connection of one worker's PostgreSQL bus, as a
 * network failure or a failover would: resolves with how many backends were
 * terminated.
 */
export async function terminatePostgresListener(database: string, applicationName: string): Promise<number> {
  const result = await admin((client) =>
    client.query<{ pid: number }>(
      "select pg_terminate_backend(pid) as pid from pg_stat_activity where datname = $1 and application_name = $2 and query ilike 'listen%'",
      [database, applicationName],
    ),
  );
  return result.rowCount ?? 0;
}

/** Kills the pub/sub connection of one worker's Redis bus (`CLIENT KILL ID`): resolves with how many were killed. */
export async function killRedisSubscriber(name: string): Promise<number> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const list = String(await redis.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
    const ids = list
      .split('\n')
      .filter((line) => line.includes(` name=${name} `))
      .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1])
      .filter((id): id is string => id !== undefined);
    for (const id of ids) await redis.call('CLIENT', 'KILL', 'ID', id);
    return ids.length;
  } finally {
    redis.disconnect();
  }
}

/** Why Redis cannot be used here, or `undefined`. */
export async function probeRedis(): Promise<string | undefined> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true, connectTimeout: 2000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    return `no Redis at ${new URL(REDIS_URL).host} (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    redis.disconnect();
  }
}
