/**
 * `npm run bench:db`: entitlement consumption on PostgreSQL, MariaDB/MySQL
 * and a SQLite file, each against its own raw conditional UPDATE (see
 * consume.bench.ts), with ratios. Knobs: BENCH_CALLS (calls per
 * measurement, default 3000), BENCH_CONNS (default 1,8,32), BENCH_DBS
 * (default postgres,mysql,sqlite). Results are recorded in docs/benchmarks.md.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { BENCH_DATABASES, consumeBenchmarks, ratioTable, type ConsumeResult } from './consume.bench.js';
import { loadTable } from './latency.js';

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
console.log(`node ${process.version}, ${cpus().length} x ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, load average ${load()}\n`);
const all: ConsumeResult[] = [];
for (const database of BENCH_DATABASES) {
  try {
    const results = await consumeBenchmarks(database);
    all.push(...results);
    console.log(`## Entitlement consumption on ${database}\n`);
    console.log(loadTable(results));
    console.log('');
  } catch (error) {
    console.log(`## ${database}: not measured (${error instanceof Error ? error.message : String(error)})\n`);
  }
}
console.log('## Ratios to the raw statement\n');
console.log(ratioTable(all));
console.log(`\nload average after the run: ${load()}`);
