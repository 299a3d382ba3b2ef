import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, tenantryMigrations } from '../../../src/kysely.js';
import { describeSqlDatabases, SQL_DATABASE_NAMES } from '../../support/databases.js';

const childScript = fileURLToPath(new URL('./support/migrate-child.ts', import.meta.url));
const migrationCount = Object.keys(await tenantryMigrations().getMigrations()).length;

type Answer = { readonly ran: number } | { readonly error: string };

/** A separate Node process that migrates the files it is sent, as a second app instance starting up would. */
class Instance {
  readonly #process: ChildProcessWithoutNullStreams;
  readonly #lines: Interface;
  readonly #waiting: ((answer: Answer) => void)[] = [];

  constructor() {
    this.#process = spawn(process.execPath, ['--import', 'tsx', childScript]);
    this.#lines = createInterface({ input: this.#process.stdout });
    this.#lines.on('line', (line) => this.#waiting.shift()?.(JSON.parse(line) as Answer));
  }

  migrate(file: string): Promise<Answer> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#process.stdin.write(`${file}\n`);
    });
  }

  stop(): void {
    this.#lines.close();
    this.#process.stdin.end();
  }
}

describe('sqlite-file: two processes migrating one fresh file', () => {
  const directory = mkdtempSync(join(tmpdir(), 'tenantry-migrate-'));
  const instances: Instance[] = [];
  beforeAll(() => {
    instances.push(new Instance(), new Instance());
  });
  afterAll(() => {
    for (const instance of instances) instance.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('both succeed and every migration runs exactly once, over 10 rounds', { timeout: 120_000 }, async () => {
    for (let round = 0; round < 10; round += 1) {
      const file = join(directory, `round-${round}.sqlite`);
      const answers = await Promise.all(instances.map((instance) => instance.migrate(file)));
      // One process ran them all; the other waited for the write lock and found nothing left to run.
      expect(answers.map((answer) => ('ran' in answer ? answer.ran : answer.error)).sort()).toEqual([0, migrationCount]);
    }
  });
});

// In-memory SQLite is one connection shared by every instance: nothing can run beside it.
await describeSqlDatabases(
  SQL_DATABASE_NAMES.filter((name) => name !== 'sqlite-memory'),
  (database) => {
    it('concurrent migrateToLatest calls on separate connections run each migration once', async () => {
      for (let round = 0; round < 3; round += 1) {
        // A fresh set of tables per round: the prefix names them.
        const tablePrefix = `race${round}_`;
        const instances = [database.connect(), database.connect(), database.connect()];
        const results = await Promise.all(instances.map((db) => migrateToLatest(db, { tablePrefix })));
        expect(results.map((ran) => ran.length).reduce((a, b) => a + b, 0)).toBe(migrationCount);
        expect(results.flat().every((result) => result.status === 'Success')).toBe(true);
      }
    });
  },
  { migrate: false },
);
