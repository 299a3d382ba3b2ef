/**
 * Child process of the concurrent-migration test, standing in for one app
 * instance: for every SQLite file path it reads on stdin (one per line), it
 * migrates that file and answers one JSON line with how many migrations it
 * ran, or the error it got.
 */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { createInterface } from 'node:readline';
import { migrateToLatest } from '../../../../src/kysely.js';

for await (const file of createInterface({ input: process.stdin })) {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(file, { timeout: 20_000 }) }) });
  try {
    const ran = await migrateToLatest(db);
    process.stdout.write(`${JSON.stringify({ ran: ran.length })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`);
  } finally {
    await db.destroy();
  }
}
