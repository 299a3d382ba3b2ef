/**
 * One app instance of the lease stress test, in its own process: 16
 * connections on the test's PostgreSQL database, 16 loops consuming through
 * quota leases (falling back to the store when no lease can serve). Every
 * unit it hands out is written at once (synchronously) to its tally file, so
 * that the parent knows what a process killed with SIGKILL had handed out.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { kyselyStore } from '../../../src/kysely.js';
import { Effects } from '../../../src/services/effects/effects.js';
import { QuotaLeases } from '../../../src/services/entitlements/quota-leases.js';
import type { CounterTarget } from '../../../src/store/entitlement-records.js';

interface Config {
  readonly url: string;
  readonly tenantId: string;
  readonly leased: readonly CounterTarget[];
  readonly team: readonly CounterTarget[];
  readonly size: number;
  readonly maxHoldMs: number;
  readonly attempts: number;
  readonly tally: string;
}

const config = JSON.parse(process.argv[2] ?? '{}', (key, value: unknown) => (key === 'windowStart' ? new Date(value as string) : value)) as Config;
const pool = new pg.Pool({ connectionString: config.url, max: 16 });
pool.on('error', () => undefined);
const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
const store = kyselyStore(db);
const errors: string[] = [];
const holderId = `stress-${String(process.pid)}`;
const featureKey = config.leased[0]?.featureKey ?? '';
const leases = new QuotaLeases({
  store,
  policies: new Map([[featureKey, { size: config.size, maxHoldMs: config.maxHoldMs, checkpointMs: Math.floor(config.maxHoldMs / 4) }]]),
  holderId,
  now: () => new Date(),
  generateId: () => crypto.randomUUID(),
  effects: new Effects((error) => errors.push(String(error))),
});

const fd = openSync(config.tally, 'w');
const tally = new Float64Array(2); // [handed out in total, of which in the namespace]
const record = (amount: number, team: boolean) => {
  tally[0] = (tally[0] ?? 0) + amount;
  if (team) tally[1] = (tally[1] ?? 0) + amount;
  writeSync(fd, tally, 0, 16, 0);
};

async function loop(index: number): Promise<void> {
  const team = index % 2 === 0;
  const targets = team ? config.team : config.leased;
  for (let i = 0; i < config.attempts; i += 1) {
    const amount = 1 + ((index * 7 + i) % 5);
    const served = await leases.consume(config.tenantId, featureKey, targets, amount);
    if (served !== undefined) record(amount, team);
    else {
      const direct = await store.consume({ tenantId: config.tenantId, amount, counters: targets, now: new Date() });
      if (direct.outcome === 'consumed') record(amount, team);
    }
    if (i % 10 === 0) process.send?.({ kind: 'progress', handedOut: tally[0] });
  }
}

process.send?.({ kind: 'ready', holderId });
process.once('message', () => {
  void (async () => {
    await Promise.all(Array.from({ length: 16 }, (_, i) => loop(i)));
    await leases.close();
    closeSync(fd);
    await db.destroy();
    process.send?.({ kind: 'done', errors }, () => process.exit(0));
  })();
});
