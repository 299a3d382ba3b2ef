/**
 * Interleaved rounds: every variant runs once per round, in the same order,
 * so a slow phase of the machine (a noisy neighbour, a GC-heavy moment)
 * hits every variant alike; the median round is reported. Each variant
 * brings its own loop (`run(iterations)`), so the measured call site is
 * monomorphic and the harness adds nothing per operation.
 */
export interface Variant {
  readonly name: string;
  /** Operations per round. */
  readonly iterations: number;
  /** Runs `iterations` operations; sync variants return nothing, async ones a promise. */
  readonly run: (iterations: number) => unknown;
}

export interface RoundResult {
  readonly name: string;
  /** Median wall-clock ns/op (what a caller waits, including time the process is descheduled). */
  readonly wallNsPerOp: number;
  /**
   * Median CPU ns/op of the process (user + system, `process.cpuUsage()`):
   * on a shared machine, the figure the in-process rows are compared by,
   * because a descheduled process accrues wall time but no CPU time.
   */
  readonly nsPerOp: number;
  /** Every round's CPU ns/op, sorted. */
  readonly samples: readonly number[];
  readonly iterations: number;
}

export async function interleaved(variants: readonly Variant[], rounds = 7): Promise<RoundResult[]> {
  // Warm-up: one untimed round, so every variant is compiled by the optimizing tier before timing.
  for (const variant of variants) await variant.run(variant.iterations);
  const samples = variants.map(() => [] as number[]);
  const wall = variants.map(() => [] as number[]);
  for (let round = 0; round < rounds; round += 1) {
    for (const [index, variant] of variants.entries()) {
      const cpu = process.cpuUsage();
      const start = process.hrtime.bigint();
      await variant.run(variant.iterations);
      wall[index]!.push(Number(process.hrtime.bigint() - start) / variant.iterations);
      const used = process.cpuUsage(cpu);
      samples[index]!.push(((used.user + used.system) * 1000) / variant.iterations);
    }
  }
  const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return variants.map((variant, index) => ({
    name: variant.name,
    nsPerOp: median(samples[index]!),
    wallNsPerOp: median(wall[index]!),
    samples: [...samples[index]!].sort((a, b) => a - b),
    iterations: variant.iterations,
  }));
}
