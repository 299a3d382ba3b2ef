import Database from 'better-sqlite3';
import {
  DialectAdapterBase,
  DummyDriver,
  Kysely,
  MysqlDialect,
  PostgresAdapter,
  PostgresDialect,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteDialect,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type QueryCompiler,
} from 'kysely';
import { createPool } from 'mysql2';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { kyselyStore, tenantryMigrations } from '../../../src/kysely.js';
import type { TestKysely } from '../../support/db-config.js';

const instances: TestKysely[] = [];
function track(db: TestKysely): TestKysely {
  instances.push(db);
  return db;
}

afterEach(async () => {
  await Promise.all(instances.splice(0).map((db) => db.destroy()));
});

/** The error `build` throws. */
function thrown(build: () => unknown): unknown {
  try {
    build();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** A dialect with the given adapter and a driver that never connects. */
function dialectWith(adapter: DialectAdapter): Dialect {
  return {
    createAdapter: () => adapter,
    createDriver: (): Driver => new DummyDriver(),
    createIntrospector: (db): DatabaseIntrospector => new PostgresIntrospector(db),
    createQueryCompiler: (): QueryCompiler => new PostgresQueryCompiler(),
  };
}

describe('dialect resolution', () => {
  // Building a Kysely instance does not connect, so no server is needed.
  it('detects PostgreSQL, MySQL and SQLite from the Kysely adapter', () => {
    expect(kyselyStore(track(new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool() }) }))).name).toBe('kysely:postgres');
    expect(kyselyStore(track(new Kysely({ dialect: new MysqlDialect({ pool: createPool({}) }) }))).name).toBe('kysely:mysql');
    expect(kyselyStore(track(new Kysely({ dialect: new SqliteDialect({ database: new Database(':memory:') }) }))).name).toBe('kysely:sqlite');
  });

  it('detects third-party dialects built on a Kysely adapter', () => {
    class PgLiteLikeAdapter extends PostgresAdapter {}
    expect(kyselyStore(track(new Kysely({ dialect: dialectWith(new PgLiteLikeAdapter()) }))).name).toBe('kysely:postgres');
  });

  it('takes the dialect option over detection', () => {
    class CustomAdapter extends SqliteAdapter {}
    const db = track(new Kysely({ dialect: dialectWith(new CustomAdapter()) }));
    expect(kyselyStore(db, { dialect: 'mysql' }).name).toBe('kysely:mysql');
  });

  it('refuses an unknown adapter without the dialect option, naming the option', () => {
    class OtherAdapter extends DialectAdapterBase {
      override acquireMigrationLock(): Promise<void> {
        return Promise.resolve();
      }
      override releaseMigrationLock(): Promise<void> {
        return Promise.resolve();
      }
    }
    const db = track(new Kysely({ dialect: dialectWith(new OtherAdapter()) }));
    expect(thrown(() => kyselyStore(db))).toMatchObject({ code: 'configuration_invalid', message: /"dialect" option/ });
    expect(kyselyStore(db, { dialect: 'postgres' }).name).toBe('kysely:postgres');
  });

  it('rejects invalid options with ConfigurationError', () => {
    const db = track(new Kysely({ dialect: new SqliteDialect({ database: new Database(':memory:') }) }));
    for (const options of [{ tablePrefix: 'Upper_' }, { tablePrefix: '1x' }, { dialect: 'mssql' }, { prefix: 'x_' }]) {
      expect(thrown(() => kyselyStore(db, options as never))).toMatchObject({ code: 'configuration_invalid' });
      expect(thrown(() => tenantryMigrations(options as never))).toMatchObject({ code: 'configuration_invalid' });
    }
    expect(kyselyStore(db, { tablePrefix: '' }).name).toBe('kysely:sqlite');
    // preparedStatements is a store option only: validated there, unknown to the migrations.
    expect(thrown(() => kyselyStore(db, { preparedStatements: 'yes' } as never))).toMatchObject({ code: 'configuration_invalid' });
    expect(thrown(() => tenantryMigrations({ preparedStatements: false } as never))).toMatchObject({ code: 'configuration_invalid' });
    expect(kyselyStore(db, { preparedStatements: false }).name).toBe('kysely:sqlite');
  });
});
