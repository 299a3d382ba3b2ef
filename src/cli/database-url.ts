import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely';
import { CliError } from './cli-errors.js';

/** The dialects a database URL can name. */
export type UrlDialect = 'postgres' | 'mysql' | 'sqlite';

/** A database opened from a URL; `destroy()` closes its pool. */
export interface OpenedDatabase {
  readonly dialect: UrlDialect;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI works on tenantry's own tables only.
  readonly db: Kysely<any>;
}

/**
 * Which database `url` names: `postgres://` or `postgresql://`, `mysql://`
 * or `mariadb://`, and `sqlite:<path>` (also `sqlite://<path>` and
 * `sqlite::memory:`). Anything else is a `config` error that does not echo
 * the URL, which may hold a password.
 */
export function dialectOfUrl(url: string): { readonly dialect: UrlDialect; readonly target: string } {
  const scheme = /^([a-z0-9+]+):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return { dialect: 'postgres', target: url };
  if (scheme === 'mysql' || scheme === 'mariadb') return { dialect: 'mysql', target: url.replace(/^mariadb:/i, 'mysql:') };
  if (scheme === 'sqlite') {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (path === '') throw new CliError('config', 'invalid_database_url', 'A sqlite: URL needs a file path, e.g. sqlite:./app.sqlite.');
    return { dialect: 'sqlite', target: path };
  }
  throw new CliError('config', 'invalid_database_url', 'The database URL must start with postgres://, postgresql://, mysql://, mariadb:// or sqlite:.');
}

/**
 * Opens the database `url` names with the host's own driver (`pg`, `mysql2`
 * or `better-sqlite3`, optional peers loaded only when needed).
 */
export async function openDatabase(url: string): Promise<OpenedDatabase> {
  const { dialect, target } = dialectOfUrl(url);
  if (dialect === 'postgres') {
    // CommonJS drivers: their module object is the default export under ESM.
    const { Pool } = (await importDriver<{ default: typeof import('pg') }>('pg')).default;
    return { dialect, db: new Kysely({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: target, max: 4 }) }) }) };
  }
  if (dialect === 'mysql') {
    const { createPool } = (await importDriver<{ default: typeof import('mysql2') }>('mysql2')).default;
    return { dialect, db: new Kysely({ dialect: new MysqlDialect({ pool: createPool({ uri: target, connectionLimit: 4 }) }) }) };
  }
  const sqlite = await importDriver<{ default: typeof import('better-sqlite3') }>('better-sqlite3');
  const Database = sqlite.default;
  return { dialect, db: new Kysely({ dialect: new SqliteDialect({ database: new Database(target) }) }) };
}

async function importDriver<T>(name: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    throw new CliError('config', 'driver_missing', `The database driver "${name}" is not installed: npm install ${name}.`, { cause: error });
  }
}
