import { Kysely, MysqlDialect } from 'kysely';
import { createPool } from 'mysql2';
import { createConnection, type Connection } from 'mysql2/promise';
import { describeFailure, uniqueDatabaseName, type IsolatedDatabase, type SqlDatabaseConfig, type TestKysely } from './db-config.js';

/** Server to test against. Default is the local MariaDB of the development container. */
const SERVER_URL = new URL(process.env.TENANTRY_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test');

const server = {
  host: SERVER_URL.hostname,
  port: Number(SERVER_URL.port || 3306),
  user: decodeURIComponent(SERVER_URL.username),
  password: decodeURIComponent(SERVER_URL.password),
};

async function withAdmin<T>(work: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await createConnection({ ...server, connectTimeout: 3000 });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

/** MySQL/MariaDB: one database per test file. */
export const mysqlDatabase: SqlDatabaseConfig = {
  kind: 'sql',
  dialect: 'mysql',
  async probe() {
    try {
      await withAdmin((connection) => connection.query('select 1'));
      return undefined;
    } catch (error) {
      return `no MySQL/MariaDB at ${SERVER_URL.host} (${describeFailure(error)})`;
    }
  },
  async create(): Promise<IsolatedDatabase> {
    const name = uniqueDatabaseName();
    await withAdmin((connection) => connection.query(`create database \`${name}\` character set utf8mb4`));
    const instances: TestKysely[] = [];
    return {
      url: Object.assign(new URL(SERVER_URL.href), { pathname: `/${name}` }).href,
      connect(options = {}) {
        const pool = createPool({
          ...server,
          database: name,
          connectionLimit: options.maxConnections ?? 10,
          // A zone far from UTC: timestamps must not depend on the connection's zone.
          timezone: '+05:30',
        });
        const db: TestKysely = new Kysely({ dialect: new MysqlDialect({ pool }), ...(options.log ? { log: options.log } : {}) });
        instances.push(db);
        return db;
      },
      async drop() {
        await Promise.all(instances.map((db) => db.destroy()));
        await withAdmin((connection) => connection.query(`drop database if exists \`${name}\``));
      },
    };
  },
};
