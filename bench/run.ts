/**
 * `npm run bench`: runs every benchmark and prints one table per group with
 * the machine it ran on. Results are recorded in docs/benchmarks.md.
 */
import { cpus, totalmem } from 'node:os';
import { checkBenchmarks } from './check.bench.js';
import { consumeBenchmarks } from './consume.bench.js';
import { invitationBenchmarks } from './invitation.bench.js';
import { table } from './harness.js';
import { loadTable } from './latency.js';

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`node ${process.version}, ${cpus().length} x ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB\n`);
console.log('## Authorization checks\n');
console.log(table(await checkBenchmarks()));
console.log('\n## Invitation token lookup\n');
console.log(table(await invitationBenchmarks()));
console.log('\n## Entitlement consumption on PostgreSQL\n');
console.log(loadTable(await consumeBenchmarks()));
