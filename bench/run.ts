/**
 * `npm run bench`: the authorization benchmarks of issue 12 in one process,
 * in interleaved rounds: baselines, peers (CASL, casbin) and tenantry's
 * variants on the same workload, then a cold request on PostgreSQL beside a
 * raw single-row SELECT. Prints the machine, Node version and method, every
 * figure, and the ratios the targets are stated in. The consumption
 * benchmarks are `npm run bench:db`. Results are recorded in docs/benchmarks.md.
 *
 * `BENCH_ONLY=authz npm run bench` stops after the authorization sections
 * (in-process table, ratios, cold PostgreSQL request), for a short run on a
 * shared machine.
 */
import { cpus, platform, release, totalmem } from 'node:os';
import { checkBenchmarks } from './authz/check.bench.js';
import { postgresColdRequest } from './authz/postgres.bench.js';
import type { RoundResult } from './authz/rounds.js';
import { busPropagationBenchmarks, propagationTable } from './bus-propagation.bench.js';
import { table as harnessTable } from './harness.js';
import { invitationBenchmarks } from './invitation.bench.js';
import { twoFactorBenchmarks } from './two-factor.bench.js';
import { webhookBenchmarks, webhookTable } from './webhooks.bench.js';

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`machine: ${cpus().length} x ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${platform()} ${release()}`);
console.log(`node: ${process.version}, V8 ${process.versions.v8}`);
console.log(
  'method: one process; every variant runs once per round, in the same order, 7 timed rounds after one untimed warm-up round; ' +
    'the median round is reported in CPU ns/op of the process (process.cpuUsage; wall ns/op beside it; the PostgreSQL rows compare wall time). Sync variants run a plain loop, async ones await every call. Workload: 1,000 tenants, ' +
    '10,000 users, 20,000 memberships, 4 roles, 12 capabilities; hot = one allowed (member, tenant, capability) triple repeated; ' +
    'mixed = 1,000,000 seeded random triples, half from memberships, half from 20,000 random (user, tenant) pairs.\n',
);

function table(rows: readonly RoundResult[]): string {
  const width = Math.max(...rows.map((row) => row.name.length)) + 2;
  const head = `${'variant'.padEnd(width)}${'cpu ns/op'.padStart(11)}${'min'.padStart(10)}${'max'.padStart(10)}${'wall ns/op'.padStart(12)}${'ops/round'.padStart(11)}`;
  const lines = rows.map(
    (row) =>
      `${row.name.padEnd(width)}${row.nsPerOp.toFixed(1).padStart(11)}${row.samples[0]!.toFixed(1).padStart(10)}${row.samples.at(-1)!.toFixed(1).padStart(10)}${row.wallNsPerOp.toFixed(1).padStart(12)}${row.iterations.toLocaleString('en-US').padStart(11)}`,
  );
  return [head, ...lines].join('\n');
}

function ns(rows: readonly RoundResult[], prefix: string): number {
  const row = rows.find((r) => r.name.startsWith(prefix));
  if (row === undefined) throw new Error(`no row ${prefix}`);
  return row.nsPerOp;
}

function verdict(label: string, value: number, target: string, met: boolean): string {
  return `${label.padEnd(66)}${value.toFixed(2).padStart(9)}  target ${target.padEnd(9)} ${met ? 'met' : 'MISSED'}`;
}

const { hot, mixed } = await checkBenchmarks();
console.log('## hot (one triple)\n');
console.log(table(hot));
console.log('\n## mixed (random triples)\n');
console.log(table(mixed));

const map = 'nested Map';
const floor = 'await of that lookup';
const casl = 'CASL';
const casbin = 'casbin';
const access = 'tenantry access.can';
const check = 'tenantry scope.check';
const can = 'tenantry scope.can';
const perRequest = 'tenantry new scope';
console.log('\n## ratios (lower is better for tenantry / peer; higher for peer / tenantry)\n');
const ratios = [
  verdict('hot access.can / nested-Map sync', ns(hot, access) / ns(hot, map), '<= 2', ns(hot, access) / ns(hot, map) <= 2),
  verdict('hot CASL lookup + can / access.can', ns(hot, casl) / ns(hot, access), '>= 5', ns(hot, casl) / ns(hot, access) >= 5),
  verdict('mixed access.can / nested-Map sync', ns(mixed, access) / ns(mixed, map), '(info)', true),
  verdict('mixed CASL lookup + can / access.can', ns(mixed, casl) / ns(mixed, access), '(info)', true),
  verdict('hot scope.check / await floor', ns(hot, check) / ns(hot, floor), '<= 1.1', ns(hot, check) / ns(hot, floor) <= 1.1),
  verdict('mixed scope.check / await floor', ns(mixed, check) / ns(mixed, floor), '<= 1.1', ns(mixed, check) / ns(mixed, floor) <= 1.1),
  verdict('hot scope.can / await floor', ns(hot, can) / ns(hot, floor), '(info)', true),
  verdict('mixed scope.can / await floor', ns(mixed, can) / ns(mixed, floor), '(info)', true),
  verdict('hot casbin / access.can', ns(hot, casbin) / ns(hot, access), '>= 1000', ns(hot, casbin) / ns(hot, access) >= 1000),
  verdict('hot casbin / scope.check', ns(hot, casbin) / ns(hot, check), '(info)', true),
  verdict('mixed casbin / scope.check', ns(mixed, casbin) / ns(mixed, check), '(info)', true),
  verdict('hot per-request (new scope + first check) / CASL', ns(hot, perRequest) / ns(hot, casl), '<= 1', ns(hot, perRequest) / ns(hot, casl) <= 1),
  verdict('mixed per-request (new scope + first check) / CASL', ns(mixed, perRequest) / ns(mixed, casl), '<= 1', ns(mixed, perRequest) / ns(mixed, casl) <= 1),
];
console.log(ratios.join('\n'));

console.log('\n## cold request on PostgreSQL (1 connection, sequential)\n');
const cold = await postgresColdRequest();
if (cold === undefined) {
  console.log('PostgreSQL not reachable (TENANTRY_TEST_POSTGRES_URL): skipped.');
} else {
  console.log(table(cold));
  const wall = (prefix: string) => cold.find((row) => row.name.startsWith(prefix))!.wallNsPerOp;
  const ratio = wall('tenantry') / wall('raw SELECT role');
  console.log(`\n${verdict('cold request / raw SELECT', ratio, '<= 1.2', ratio <= 1.2)}`);
  console.log(verdict('cold request / raw SELECT as a named prepared statement', wall('tenantry') / wall('raw SELECT, named'), '(info)', true));
}

if (process.env['BENCH_ONLY'] === 'authz') process.exit(0);

console.log('\n## Two-factor (argon2id recovery codes, keyring, verify)\n');
console.log(harnessTable(await twoFactorBenchmarks()));

console.log('\n## Invalidation propagation between two processes\n');
console.log(propagationTable(await busPropagationBenchmarks()));

console.log('\n## Invitation token lookup (unknown selector, wrong verifier, valid)\n');
console.log(harnessTable(await invitationBenchmarks()));

console.log('\n## Webhook worker throughput (local 127.0.0.1 receiver, 300 deliveries)\n');
console.log(webhookTable(await webhookBenchmarks()));
