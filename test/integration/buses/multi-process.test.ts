import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusKind } from './bus-worker.js';
import { createSharedDatabase, killRedisSubscriber, probeRedis, REDIS_URL, terminatePostgresListener } from './shared-servers.js';
import { WorkerHandle } from './worker-handle.js';
import { describeUnavailable } from '../../support/databases.js';

/**
 * Two app processes on one PostgreSQL database, each with its membership
 * cache on (TTL ten minutes: only the bus can make a change visible in
 * time), connected by each bus. Changes in one are seen by the other
 * "eventually, within a generous bound"; the measured delays are in
 * `bench/bus-propagation.ts` and docs/scaling.md. Killing a worker's bus
 * connection mid-run must never leave it serving a stale answer once it has
 * reported the loss.
 */
const GENEROUS_MS = 10_000;
const redisDown = await probeRedis();
const KINDS: readonly BusKind[] = ['postgres', 'ioredis', 'node-redis'];

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = GENEROUS_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

for (const kind of KINDS) {
  const needsRedis = kind !== 'postgres';
  if (needsRedis && redisDown !== undefined) {
    describeUnavailable(`${kind} bus across processes`, redisDown);
    continue;
  }

  describe(`${kind} bus across processes`, () => {
    let database: Awaited<ReturnType<typeof createSharedDatabase>>;
    const channel = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    const names = { a: `bus-a-${channel}`, b: `bus-b-${channel}` };
    let a: WorkerHandle;
    let b: WorkerHandle;
    let tenantId: string;

    beforeAll(async () => {
      database = await createSharedDatabase();
      a = new WorkerHandle();
      b = new WorkerHandle();
      const init = { cmd: 'init', bus: kind, databaseUrl: database.url, redisUrl: REDIS_URL, channel } as const;
      await Promise.all([a.call({ ...init, name: names.a }), b.call({ ...init, name: names.b })]);
      await eventually('both buses up', async () => (await a.call({ cmd: 'status' })) === 'up' && (await b.call({ cmd: 'status' })) === 'up');
      tenantId = await a.call<string>({ cmd: 'createTenant', ownerId: 'owner-1' });
    }, 60_000);

    afterAll(async () => {
      await Promise.all([a.stop(), b.stop()]);
      await database.drop();
    }, 30_000);

    it('a membership added, re-roled and removed in one process is seen in the other', async () => {
      // B caches "not a member" first, so only the invalidation can change its answer.
      expect(await b.call({ cmd: 'role', tenantId, userId: 'u1' })).toBeNull();
      await a.call({ cmd: 'add', tenantId, userId: 'u1', role: 'readonly' });
      await b.call({ cmd: 'watch', tenantId, userId: 'u1', until: 'readonly', timeoutMs: GENEROUS_MS });
      await a.call({ cmd: 'changeRole', tenantId, userId: 'u1', role: 'operator' });
      await b.call({ cmd: 'watch', tenantId, userId: 'u1', until: 'operator', timeoutMs: GENEROUS_MS });
      // And the other way round.
      expect(await a.call({ cmd: 'role', tenantId, userId: 'u1' })).toBe('operator');
      await b.call({ cmd: 'remove', tenantId, userId: 'u1' });
      await a.call({ cmd: 'watch', tenantId, userId: 'u1', until: null, timeoutMs: GENEROUS_MS });
    }, 60_000);

    it('after its bus connection is killed, an instance reports it and serves no stale answer, then resubscribes', async () => {
      await a.call({ cmd: 'add', tenantId, userId: 'u2', role: 'readonly' });
      await b.call({ cmd: 'watch', tenantId, userId: 'u2', until: 'readonly', timeoutMs: GENEROUS_MS });
      expect(await b.call({ cmd: 'role', tenantId, userId: 'u2' })).toBe('readonly');

      const before = (await b.call<readonly { source: string }[]>({ cmd: 'events' })).length;
      const killed = kind === 'postgres' ? await terminatePostgresListener(database.name, names.b) : await killRedisSubscriber(names.b);
      expect(killed).toBeGreaterThanOrEqual(1);
      await eventually('the loss reported through onError', async () => {
        const events = await b.call<readonly { source: string }[]>({ cmd: 'events' });
        return events.slice(before).some((event) => event.source === 'bus.connection');
      });

      // The documented rule: once the loss is reported, no cached answer is served until resubscribed and flushed.
      await a.call({ cmd: 'changeRole', tenantId, userId: 'u2', role: 'operator' });
      expect(await b.call({ cmd: 'role', tenantId, userId: 'u2' })).toBe('operator');

      await eventually('the bus up again', async () => (await b.call({ cmd: 'status' })) === 'up');
      // Cached again after the flush, and kept fresh by the bus again.
      expect(await b.call({ cmd: 'role', tenantId, userId: 'u2' })).toBe('operator');
      await a.call({ cmd: 'changeRole', tenantId, userId: 'u2', role: 'manager' });
      await b.call({ cmd: 'watch', tenantId, userId: 'u2', until: 'manager', timeoutMs: GENEROUS_MS });
    }, 60_000);
  });
}
