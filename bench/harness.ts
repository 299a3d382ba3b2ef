/**
 * A small benchmark harness: warm up, then run several timed rounds and keep
 * the median ns/op, which is robust to the odd GC pause or noisy neighbour.
 */
export interface BenchResult {
  readonly name: string;
  readonly nsPerOp: number;
  readonly opsPerSecond: number;
  readonly rounds: number;
  readonly iterations: number;
}

export async function bench(name: string, iterations: number, op: () => unknown, rounds = 7): Promise<BenchResult> {
  for (let i = 0; i < Math.min(iterations, 10_000); i += 1) await op();
  const samples: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i += 1) await op();
    samples.push(Number(process.hrtime.bigint() - start) / iterations);
  }
  samples.sort((a, b) => a - b);
  const nsPerOp = samples[Math.floor(samples.length / 2)]!;
  return { name, nsPerOp, opsPerSecond: 1e9 / nsPerOp, rounds, iterations };
}

export function table(results: readonly BenchResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length)) + 2;
  const lines = results.map(
    (r) => `${r.name.padEnd(width)}${r.nsPerOp.toFixed(1).padStart(12)} ns/op${Math.round(r.opsPerSecond).toLocaleString('en-US').padStart(16)} ops/s`,
  );
  return [`${'benchmark'.padEnd(width)}${'median'.padStart(12)}${' '.repeat(22)}`, ...lines].join('\n');
}
