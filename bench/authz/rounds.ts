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
  readonly nsPerOp: number;
  /** Every round's ns/op, sorted. */
  readonly samples: readonly number[];
  readonly iterations: number;
}

export async function interleaved(variants: readonly Variant[], rounds = 7): Promise<RoundResult[]> {
  // Warm-up: one untimed round, so every variant is compiled by the optimizing tier before timing.
  for (const variant of variants) await variant.run(variant.iterations);
  const samples = variants.map(() => [] as number[]);
  for (let round = 0; round < rounds; round += 1) {
    for (const [index, variant] of variants.entries()) {
      const start = process.hrtime.bigint();
      await variant.run(variant.iterations);
      samples[index]!.push(Number(process.hrtime.bigint() - start) / variant.iterations);
    }
  }
  return variants.map((variant, index) => {
    const sorted = [...samples[index]!].sort((a, b) => a - b);
    return { name: variant.name, nsPerOp: sorted[Math.floor(sorted.length / 2)]!, samples: sorted, iterations: variant.iterations };
  });
}
