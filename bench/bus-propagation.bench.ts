/**
 * Propagation delay of an invalidation between two app processes, per bus:
 * process A changes a member's role and notes the wall-clock time its
 * change committed; process B, which has the old role cached (TTL ten
 * minutes), polls its cache and notes when it first answers the new role.
 * The delay is B's time minus A's (one machine, one clock). Run alone:
 * `npx tsx bench/bus-propagation.bench.ts`; `npm run bench` includes it.
 */
import type { BusKind } from '../test/integration/buses/bus-worker.js';
import { createSharedDatabase, probeRedis, REDIS_URL } from '../test/integration/buses/shared-servers.js';
import { WorkerHandle } from '../test/integration/buses/worker-handle.js';

export interface PropagationResult {
  readonly bus: BusKind;
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

async function measure(bus: BusKind, samples: number): Promise<PropagationResult> {
  const database = await createSharedDatabase();
  const channel = `bench_${process.pid}_${bus.replace('-', '_')}`;
  const a = new WorkerHandle();
  const b = new WorkerHandle();
  try {
    const init = { cmd: 'init', bus, databaseUrl: database.url, redisUrl: REDIS_URL, channel } as const;
    await Promise.all([a.call({ ...init, name: `bench-a-${bus}` }), b.call({ ...init, name: `bench-b-${bus}` })]);
    for (;;) {
      if ((await a.call({ cmd: 'status' })) === 'up' && (await b.call({ cmd: 'status' })) === 'up') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const tenantId = await a.call<string>({ cmd: 'createTenant', ownerId: 'owner' });
    await a.call({ cmd: 'add', tenantId, userId: 'member', role: 'readonly' });
    const delays: number[] = [];
    for (let i = 0; i < samples + 10; i += 1) {
      const role = i % 2 === 0 ? 'operator' : 'readonly';
      const previous = i % 2 === 0 ? 'readonly' : 'operator';
      // B caches the previous role, then watches for the new one while A changes it.
      await b.call({ cmd: 'watch', tenantId, userId: 'member', until: previous, timeoutMs: 10_000 });
      const seen = b.request<number>({ cmd: 'watch', tenantId, userId: 'member', until: role, timeoutMs: 10_000 });
      const committed = await a.request({ cmd: 'changeRole', tenantId, userId: 'member', role });
      const observed = (await seen).value;
      if (i >= 10) delays.push(observed - committed.at);
    }
    delays.sort((x, y) => x - y);
    return { bus, samples: delays.length, p50Ms: quantile(delays, 0.5), p99Ms: quantile(delays, 0.99), maxMs: delays.at(-1) ?? 0 };
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await database.drop();
  }
}

/** Every bus (the Redis ones only when Redis is reachable), `samples` changes each. */
export async function busPropagationBenchmarks(samples = 200): Promise<PropagationResult[]> {
  const kinds: BusKind[] = (await probeRedis()) === undefined ? ['postgres', 'ioredis', 'node-redis'] : ['postgres'];
  const results: PropagationResult[] = [];
  for (const kind of kinds) results.push(await measure(kind, samples));
  return results;
}

export function propagationTable(results: readonly PropagationResult[]): string {
  const head = `${'bus'.padEnd(14)}${'samples'.padStart(8)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'max ms'.padStart(9)}`;
  const rows = results.map(
    (r) =>
      `${r.bus.padEnd(14)}${String(r.samples).padStart(8)}${r.p50Ms.toFixed(2).padStart(9)}${r.p99Ms.toFixed(2).padStart(9)}${r.maxMs.toFixed(2).padStart(9)}`,
  );
  return [head, ...rows].join('\n');
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  console.log(propagationTable(await busPropagationBenchmarks()));
}
