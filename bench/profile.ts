/**
 * The per-request path alone, for a CPU profile (see docs/benchmarks.md):
 *
 *   node --cpu-prof --cpu-prof-dir=.profile --import tsx bench/profile.ts
 *   npx tsx bench/profile-summary.ts .profile/*.cpuprofile
 *
 * A new scope and its first check per call, memberships served by the warm
 * cross-request cache, over the mixed triples of the benchmark workload.
 */
import { createTenantry, systemActor } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { capabilities, roles, TRIPLES, workload } from './authz/workload.js';

const SECONDS = Number(process.env['PROFILE_SECONDS'] ?? '6');
const work = workload();
const tenantry = createTenantry({ capabilities, roles, store: memoryStore(), cache: { memberships: { max: 100_000, ttlMs: 3_600_000 } } });
const system = tenantry.as(systemActor('profile'));
for (let tenant = 0; tenant < 1_000; tenant += 1) work.tenantIds.push((await system.tenants.create({ ownerId: work.userIds[tenant * 10]! })).tenant.id);
for (const m of work.memberships) {
  if (m.role !== 'owner') await system.members.add({ tenantId: work.tenantIds[m.tenant]!, userId: work.userIds[m.user]!, role: m.role });
}
const names = capabilities.all();
for (let i = 0; i < TRIPLES; i += 1)
  await tenantry.forRequest({ userId: work.userIds[work.users[i]!]! }).check(work.tenantIds[work.tenants[i]!]!, 'tenant.read');

let sink: unknown;
let calls = 0;
const until = Date.now() + SECONDS * 1000;
for (let i = 0; Date.now() < until; i = i + 1 === TRIPLES ? 0 : i + 1) {
  for (let k = 0; k < 1000; k += 1, i = i + 1 === TRIPLES ? 0 : i + 1) {
    sink = await tenantry.forRequest({ userId: work.userIds[work.users[i]!]! }).check(work.tenantIds[work.tenants[i]!]!, names[work.capabilities[i]!]!);
    calls += 1;
  }
}
console.log(`${calls} per-request checks in ${SECONDS} s: ${((SECONDS * 1e9) / calls).toFixed(0)} ns/op`, typeof sink);
