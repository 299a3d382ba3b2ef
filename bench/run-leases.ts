/**
 * `npx tsx bench/run-leases.ts`: hot-counter consumption with quota leasing
 * on PostgreSQL against the raw conditional UPDATE and a Redis Lua
 * check-and-incr, at 8 and 32 connections (see lease.bench.ts). Kept apart
 * from run-db.ts (`npm run bench:db`) so that the two can be merged
 * independently. Results are recorded in docs/benchmarks.md.
 */
import { cpus, totalmem } from 'node:os';
import { leaseBenchmarks } from './lease.bench.js';
import { loadTable } from './latency.js';

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`node ${process.version}, ${cpus().length} x ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB\n`);
console.log('## Hot counter with quota leasing on PostgreSQL\n');
const { results, overshoot } = await leaseBenchmarks();
console.log(loadTable(results));
console.log(
  `\noversubscription at 32 connections: ${String(overshoot.attempts)} attempts, limit ${String(overshoot.limit)}, allowed ${String(overshoot.allowed)}, counted ${String(overshoot.counted)}, overshoot ${String(Math.max(0, overshoot.allowed - overshoot.limit))}`,
);
