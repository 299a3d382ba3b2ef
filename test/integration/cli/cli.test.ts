import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenantry, systemActor } from 'tenantry';
import { kyselyStore } from 'tenantry/kysely';
import { capabilities, roles } from '../../../examples/catalog.js';
import { packages } from '../../../examples/plans.js';
import type { IsolatedDatabase, SqlDatabaseConfig, TestKysely } from '../../support/db-config.js';
import { mysqlDatabase } from '../../support/db-mysql.js';
import { postgresDatabase } from '../../support/db-postgres.js';
import { sqliteFileDatabase } from '../../support/db-sqlite.js';
import { CONFIG, runBin } from './run-bin.js';

/**
 * The `tenantry` executable end to end: the real bin in a child process
 * against SQLite (file), PostgreSQL and MariaDB, checked against what an
 * in-process tenantry over the same database sees.
 */
/** What `tenantry status --json` prints. */
interface StatusJson {
  readonly pending: number;
  readonly migrations: readonly { readonly name: string; readonly executedAt: string | null }[];
}

const DATABASES: readonly (readonly [string, SqlDatabaseConfig])[] = [
  ['sqlite-file', sqliteFileDatabase],
  ['postgres', postgresDatabase],
  ['mysql', mysqlDatabase],
];

/** Each run of the bin is a Node process that loads the sources through tsx: seconds each on a loaded 2-core machine. */
const BIN_TEST_TIMEOUT_MS = 240_000;

for (const [name, config] of DATABASES) {
  describe(`tenantry CLI on ${name}`, { timeout: BIN_TEST_TIMEOUT_MS }, () => {
    let database: IsolatedDatabase | undefined;
    let db: TestKysely;
    let url: string;
    const run = (...args: string[]) => runBin([...args, '--database-url', url, '--config', CONFIG]);
    const pendingNow = async () => (JSON.parse((await run('status', '--json')).stdout) as StatusJson).pending;

    beforeAll(async () => {
      // An unreachable server fails every test of its block, in CI and locally.
      const reason = await config.probe();
      if (reason !== undefined) throw new Error(reason);
      database = await config.create();
      db = database.connect();
      url = database.url as string;
    });
    afterAll(async () => {
      await database?.drop();
    });

    it('status and a dry run change nothing; migrate applies every migration once', async () => {
      const before = await run('status', '--json');
      expect(before.code).toBe(0);
      const status = JSON.parse(before.stdout) as StatusJson;
      expect(status.pending).toBe(status.migrations.length);

      const dry = await run('migrate', '--dry-run', '--json');
      expect(JSON.parse(dry.stdout)).toEqual({ dryRun: true, up: status.migrations.map((m) => m.name), down: [] });
      expect(await pendingNow()).toBe(status.migrations.length);

      const applied = await run('migrate');
      expect(applied.code).toBe(0);
      expect(applied.stdout.trim().split('\n')).toEqual(status.migrations.map((m) => `applied  ${m.name}`));
      expect((await run('migrate')).stdout).toBe('Nothing to migrate.\n');
      expect(await pendingNow()).toBe(0);
    });

    it('provisions, reports, simulates, changes the package and exports the audit log', async () => {
      const tenantry = createTenantry({ capabilities, roles, store: kyselyStore(db), entitlements: { packages } });
      const { tenant } = await tenantry.as(systemActor('test')).tenants.create({ ownerId: 'owner' });

      const provisioned = await run('provision', '--tenant', tenant.id, '--package', 'pro', '--cycle-anchor', '2026-01-31T00:00:00Z');
      expect(provisioned).toMatchObject({ code: 0, stdout: `Assigned pro to tenant ${tenant.id}.\n` });
      const seats = (await tenantry.as(systemActor('test')).usage.report({ tenantId: tenant.id })).features.find((f) => f.featureKey === 'seats');
      expect(seats?.limit).toBe(25);

      const usage = JSON.parse((await run('usage', '--tenant', tenant.id, '--json')).stdout) as { features: { featureKey: string; limit: unknown }[] };
      expect(usage.features.find((f) => f.featureKey === 'seats')?.limit).toBe(25);

      const simulated = JSON.parse((await run('simulate', '--tenant', tenant.id, '--package', 'free', '--json')).stdout) as { lost: string[] };
      expect(simulated.lost).toEqual(['sso']);

      expect((await run('change-package', '--tenant', tenant.id, '--from', 'pro', '--to', 'enterprise', '--usage', 'carry')).code).toBe(0);
      const after = (await tenantry.as(systemActor('test')).usage.report({ tenantId: tenant.id })).features.find((f) => f.featureKey === 'seats');
      expect(after?.limit).toBe('unlimited');

      const ndjson = await run('audit', 'export', '--tenant', tenant.id, '--format', 'ndjson');
      expect(ndjson.code).toBe(0);
      const entries = ndjson.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { action: string; actor: { type: string; id: string } });
      const listed = await tenantry.as(systemActor('test')).audit.list({ tenantId: tenant.id });
      expect(entries.map((e) => e.action)).toEqual(listed.items.map((e) => e.action));
      expect(entries.some((e) => e.actor.type === 'system' && e.actor.id === 'cli')).toBe(true);
      expect(ndjson.stderr).toContain(`exported ${entries.length} entries`);

      const csv = (await run('audit', 'export', '--tenant', tenant.id, '--format', 'csv')).stdout.trim().split('\n');
      expect(csv[0]).toBe('id,created_at,action,actor_type,actor_id,subject_user_id,metadata');
      expect(csv).toHaveLength(entries.length + 1);
      const future = await run('audit', 'export', '--tenant', tenant.id, '--format', 'ndjson', '--since', '2999-01-01');
      expect(future).toMatchObject({ code: 0, stdout: '' });

      const pruned = await run('prune', '--json');
      expect(pruned.code).toBe(0);
      expect(JSON.parse(pruned.stdout)).toMatchObject({ idempotencyKeys: 0, auditEntries: 0 });
    });

    it('refuses an unknown tenant with exit code 1 and one line naming the code, no stack', async () => {
      const refused = await run('usage', '--tenant', '00000000-0000-4000-8000-000000000000');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^tenantry: .+ \([a-z_]+\)\n$/);
      expect(refused.stderr).not.toContain('    at ');
    });

    it('migrates down to a named migration and back up', async () => {
      const states = (JSON.parse((await run('status', '--json')).stdout) as StatusJson).migrations;
      const target = states[2]?.name as string;
      const down = await run('migrate', '--to', target);
      expect(down.code).toBe(0);
      const later = states.slice(3).map((m) => `reverted ${m.name}`);
      expect(down.stdout.trim().split('\n')).toEqual(later.reverse());
      expect(await pendingNow()).toBe(states.length - 3);
      expect((await run('migrate')).code).toBe(0);
      expect(await pendingNow()).toBe(0);
    });
  });
}

describe('tenantry CLI: usage and configuration errors', { timeout: BIN_TEST_TIMEOUT_MS }, () => {
  it('prints help with exit code 0, and an unknown command with exit code 2', async () => {
    const help = await runBin(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: tenantry <command> [flags]');
    const unknown = await runBin(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('tenantry: Unknown command "frobnicate". (unknown_command)\n');
  });

  it('a missing required flag, an unknown flag or a malformed value is exit code 2', async () => {
    expect((await runBin(['provision', '--package', 'pro', '--database-url', 'sqlite::memory:'])).stderr).toBe(
      'tenantry: --tenant is required. (missing_option)\n',
    );
    expect((await runBin(['status', '--colour'])).code).toBe(2);
    const badDate = await runBin([
      'provision',
      '--tenant',
      't',
      '--package',
      'pro',
      '--cycle-anchor',
      'tomorrow',
      '--database-url',
      'sqlite::memory:',
      '--config',
      CONFIG,
    ]);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain('--cycle-anchor must be an ISO 8601 date');
  });

  it('no database, a bad URL or a missing config module is exit code 3, and the URL is never echoed', async () => {
    expect(await runBin(['status'])).toMatchObject({
      code: 3,
      stderr: 'tenantry: No database: pass --database-url or set DATABASE_URL. (missing_database_url)\n',
    });
    const bad = await runBin(['status', '--database-url', 'redis://user:s3cret@host/0']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).not.toContain('s3cret');
    const noConfig = await runBin(['usage', '--tenant', 't', '--database-url', 'sqlite::memory:', '--config', 'missing.config.js']);
    expect(noConfig.code).toBe(3);
    expect(noConfig.stderr).toContain('(config_not_found)');
  });

  it('an unreachable database server is exit code 4, with the stack only under --verbose', async () => {
    const down = await runBin(['status', '--database-url', 'postgres://postgres:s3cret@127.0.0.1:1/test']);
    expect(down.code).toBe(4);
    expect(down.stderr.split('\n').filter((line) => line !== '')).toHaveLength(1);
    expect(down.stderr).not.toContain('s3cret');
    const verbose = await runBin(['status', '--database-url', 'postgres://postgres@127.0.0.1:1/test', '--verbose']);
    expect(verbose.code).toBe(4);
    expect(verbose.stderr).toContain('    at ');
  });

  it('reads the database URL from DATABASE_URL', async () => {
    const database = await sqliteFileDatabase.create();
    try {
      const run = await runBin(['status', '--json'], { DATABASE_URL: database.url as string });
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ dialect: 'sqlite' });
    } finally {
      await database.drop();
    }
  });
});
