import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { createTenantry, pinnedTransport, systemActor, type Store } from 'tenantry';
import { kyselyStore, migrateToLatest } from 'tenantry/kysely';
import { memoryStore } from 'tenantry/memory';
import { capabilities, roles } from '../examples/catalog.js';

/** One row of the webhook worker benchmark. */
export interface WebhookBenchRow {
  readonly name: string;
  readonly deliveries: number;
  readonly seconds: number;
  readonly perSecond: number;
}

const DELIVERIES = 300;
const CONCURRENCY = [1, 8, 16] as const;

/**
 * Worker throughput: `DELIVERIES` due deliveries (one membership change
 * each) drained by one worker with `deliverDue({ limit: concurrency })` in a
 * loop, against a receiver on 127.0.0.1 (allowlisted explicitly, as a host
 * would for a trusted local receiver) that answers 204 at once. Timed: the
 * drain only, claims, signing, the HTTP round trip through the pinned
 * transport and the completion write; not the outbox writes before it.
 */
export async function webhookBenchmarks(): Promise<WebhookBenchRow[]> {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const rows: WebhookBenchRow[] = [];
  try {
    for (const storeName of ['memory', 'sqlite file'] as const) {
      for (const concurrency of CONCURRENCY) {
        const directory = mkdtempSync(join(tmpdir(), 'tenantry-bench-'));
        const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(join(directory, 'store.sqlite'), { timeout: 5000 }) }) });
        try {
          let store: Store;
          if (storeName === 'memory') store = memoryStore();
          else {
            await migrateToLatest(db);
            store = kyselyStore(db);
          }
          const before = received;
          const seconds = await drain(store, origin, concurrency);
          if (received - before !== DELIVERIES) throw new Error(`receiver saw ${received - before} of ${DELIVERIES} deliveries`);
          rows.push({ name: `${storeName}, concurrency ${concurrency}`, deliveries: DELIVERIES, seconds, perSecond: DELIVERIES / seconds });
        } finally {
          await db.destroy();
          rmSync(directory, { recursive: true, force: true });
        }
      }
    }
  } finally {
    await new Promise((resolve) => {
      server.close(resolve).closeAllConnections();
    });
  }
  return rows;
}

async function drain(store: Store, origin: string, concurrency: number): Promise<number> {
  const tenantry = createTenantry({
    capabilities,
    roles,
    store,
    manageMembers: 'membership.manage',
    webhooks: {
      manage: 'tenant.manage',
      keyring: { current: 'k1', keys: { k1: randomBytes(32).toString('base64') } },
      transport: pinnedTransport(),
      urlPolicy: { allowlist: [origin] },
    },
  });
  const system = tenantry.as(systemActor('bench'));
  const { tenant } = await system.tenants.create({ ownerId: 'owner' });
  await tenantry.forRequest({ userId: 'owner' }).webhooks.create({ tenantId: tenant.id, url: `${origin}/hooks`, events: ['tenant_membership.added'] });
  for (let i = 0; i < DELIVERIES; i += 1) await system.members.add({ tenantId: tenant.id, userId: `user-${i}`, role: 'readonly' });
  const start = performance.now();
  let total = 0;
  for (;;) {
    const claimed = await tenantry.webhooks.deliverDue({ limit: concurrency });
    if (claimed === 0) break;
    total += claimed;
  }
  const seconds = (performance.now() - start) / 1000;
  if (total !== DELIVERIES) throw new Error(`worker claimed ${total} of ${DELIVERIES} deliveries`);
  return seconds;
}

/** The rows as a plain table. */
export function webhookTable(rows: readonly WebhookBenchRow[]): string {
  const width = Math.max(...rows.map((row) => row.name.length)) + 2;
  return rows
    .map(
      (row) =>
        `${row.name.padEnd(width)}${String(row.deliveries).padStart(6)} deliveries${row.seconds.toFixed(3).padStart(9)} s${Math.round(row.perSecond).toLocaleString('en-US').padStart(9)} deliveries/s`,
    )
    .join('\n');
}
