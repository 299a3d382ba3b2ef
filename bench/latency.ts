/** Latency and throughput of a closed-loop load: `workers` loops each run `op` until `total` calls are made. */
export interface LoadResult {
  readonly name: string;
  readonly workers: number;
  readonly calls: number;
  readonly opsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export async function load(name: string, workers: number, total: number, op: (worker: number) => Promise<unknown>): Promise<LoadResult> {
  const latencies: number[] = [];
  let issued = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (issued < total) {
        issued += 1;
        const t0 = process.hrtime.bigint();
        await op(worker);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { name, workers, calls: latencies.length, opsPerSecond: latencies.length / seconds, p50Ms: at(0.5), p99Ms: at(0.99) };
}

export function loadTable(results: readonly LoadResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length)) + 2;
  const head = `${'benchmark'.padEnd(width)}${'conns'.padStart(6)}${'ops/s'.padStart(10)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}`;
  const rows = results.map(
    (r) =>
      `${r.name.padEnd(width)}${String(r.workers).padStart(6)}${Math.round(r.opsPerSecond).toString().padStart(10)}${r.p50Ms.toFixed(2).padStart(9)}${r.p99Ms.toFixed(2).padStart(9)}`,
  );
  return [head, ...rows].join('\n');
}
