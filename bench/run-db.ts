/**
 * `npm run bench:db`: entitlement consumption on PostgreSQL against a raw
 * conditional UPDATE (see consume.bench.ts). Results are recorded in
 * docs/benchmarks.md.
 */
import { cpus, totalmem } from 'node:os';
import { consumeBenchmarks } from './consume.bench.js';
import { loadTable } from './latency.js';

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`node ${process.version}, ${cpus().length} x ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB\n`);
console.log('## Entitlement consumption on PostgreSQL\n');
console.log(loadTable(await consumeBenchmarks()));
