import { fork, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { kyselyStore } from '../../../src/kysely.js';
import { EntitlementFixtures } from '../../../src/testing/conformance/entitlement-fixtures.js';
import { describeSqlDatabases } from '../../support/databases.js';

const WORKER = fileURLToPath(new URL('./lease-stress-worker.ts', import.meta.url));
const LIMITS = { child: 1500, team: 900, pool: 1400 } as const;
const MAX_HOLD_MS = 3000;
const PROCESSES = 4;

type Message = { kind: 'ready'; holderId: string } | { kind: 'progress'; handedOut: number } | { kind: 'done'; errors: string[] };

function tallyOf(file: string): { total: number; team: number } {
  const bytes = readFileSync(file);
  if (bytes.length < 16) return { total: 0, team: 0 };
  const view = new Float64Array(bytes.buffer, bytes.byteOffset, 2);
  return { total: view[0] ?? 0, team: view[1] ?? 0 };
}

await describeSqlDatabases(['postgres'], (database) => {
  it('stress: 4 processes × 16 connections lease a small limit, one is SIGKILLed mid-run; used + leased stays within every level and its units come back', async () => {
    const store = kyselyStore(database.db);
    const f = new EntitlementFixtures(store);
    const tenantId = await f.seedEntitled('stress', { child: 'pool', pool: null });
    const leased = [f.target('child', LIMITS.child), f.target('pool', LIMITS.pool)];
    const team = [f.target('child', LIMITS.child), f.target('child', LIMITS.team, { namespace: 'team' }), f.target('pool', LIMITS.pool)];
    const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(database.db);
    const server = new URL(process.env.TENANTRY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
    server.pathname = `/${rows[0]?.name ?? ''}`;
    const url = server.toString();
    const dir = mkdtempSync(join(tmpdir(), 'lease-stress-'));
    const children: { child: ChildProcess; tally: string; holderId: Promise<string>; done: Promise<string[]>; progress: (n: number) => Promise<void> }[] = [];
    for (let p = 0; p < PROCESSES; p += 1) {
      const tally = join(dir, `tally-${String(p)}`);
      const size = randomInt(5, 80);
      const config = JSON.stringify({ url, tenantId, leased, team, size, maxHoldMs: MAX_HOLD_MS, attempts: 40, tally });
      const child = fork(WORKER, [config], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const waiters: { at: number; resolve: () => void }[] = [];
      let ready!: (id: string) => void;
      let done!: (errors: string[]) => void;
      const holderId = new Promise<string>((resolve) => (ready = resolve));
      const finished = new Promise<string[]>((resolve) => (done = resolve));
      child.on('message', (message: Message) => {
        if (message.kind === 'ready') ready(message.holderId);
        else if (message.kind === 'done') done(message.errors);
        else for (const w of waiters.filter((w) => message.handedOut >= w.at)) w.resolve();
      });
      children.push({ child, tally, holderId, done: finished, progress: (at) => new Promise((resolve) => waiters.push({ at, resolve })) });
    }
    const holders = await Promise.all(children.map((c) => c.holderId));
    for (const { child } of children) child.send('go');
    // Kill the first process once it has handed out units (it then holds a lease).
    const victim = children[0];
    if (victim === undefined) throw new Error('no processes');
    await victim.progress(20);
    const exited = new Promise((resolve) => victim.child.once('exit', resolve));
    victim.child.kill('SIGKILL');
    await exited;
    const heldByVictim = (await store.listLeases(tenantId)).filter((lease) => lease.holderId === holders[0]);
    const survivorErrors = await Promise.all(children.slice(1).map((c) => c.done));
    expect(survivorErrors.flat()).toEqual([]);

    const [childUsed = 0, teamUsed = 0, poolUsed = 0] = await store.readCounters(tenantId, team);
    // used already includes every outstanding lease: used + leased-not-yet-consumed never passes a limit.
    expect(childUsed).toBeLessThanOrEqual(LIMITS.child);
    expect(teamUsed).toBeLessThanOrEqual(LIMITS.team);
    expect(poolUsed).toBeLessThanOrEqual(LIMITS.pool);
    // Survivors returned theirs at close(); only the victim's can remain.
    expect((await store.listLeases(tenantId)).every((lease) => lease.holderId === holders[0])).toBe(true);

    // After the hold time, the victim's leases are reclaimed: granted - checkpoint comes back.
    const reclaimed = await store.reclaimLeases({ tenantId, featureKey: leased[0]?.featureKey ?? '', now: new Date(Date.now() + MAX_HOLD_MS) });
    expect(await store.listLeases(tenantId)).toEqual([]);
    const after = await store.readCounters(tenantId, team);
    const handedOut = children.map((c) => tallyOf(c.tally));
    const total = handedOut.reduce((sum, t) => sum + t.total, 0);
    const inTeam = handedOut.reduce((sum, t) => sum + t.team, 0);
    // Never an overshoot: what every process handed out, the victim included, fits every level.
    expect(total).toBeLessThanOrEqual(Math.min(LIMITS.child, LIMITS.pool));
    expect(inTeam).toBeLessThanOrEqual(LIMITS.team);
    // Every unit handed out is counted; beyond that, at most what the victim claimed ahead stays counted.
    const slack = 16 * 5;
    expect(after[0] ?? 0).toBeGreaterThanOrEqual(total - slack);
    expect((after[0] ?? 0) - total).toBeLessThanOrEqual(heldByVictim.length * (Math.ceil(80 / 4) + 5) + slack);
    expect(heldByVictim.length + reclaimed.length).toBeGreaterThan(0);
  }, 60_000);
});
