/**
 * A quick CPU-time probe of the per-request path (hot triple), for iterating
 * on it without the full table: `npx tsx bench/authz/per-request-micro.ts`.
 * Prints CPU ns/op of: a new scope + first check (warm cross-request cache),
 * the same with `scope.access()` + `can`, the sync nested-Map lookup and the
 * `await` of it, median of 7 rounds.
 */
import { createMongoAbility } from '@casl/ability';
import { createTenantry, systemActor } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { interleaved } from './rounds.js';
import { capabilities, roles } from './workload.js';

const N = Number(process.env['MICRO_N'] ?? '200000');
const tenantry = createTenantry({ capabilities, roles, store: memoryStore(), cache: { memberships: { max: 1000, ttlMs: 3_600_000 } } });
const { tenant } = await tenantry.as(systemActor('micro')).tenants.create({ ownerId: 'owner' });
await tenantry.as(systemActor('micro')).members.add({ tenantId: tenant.id, userId: 'user-0001', role: 'manager' });
const tenantId = tenant.id;
const userId = 'user-0001';
await tenantry.forRequest({ userId }).check(tenantId, 'billing.read');
const masks = new Map([[userId, new Map([[tenantId, 0b10000]])]]);
const bit = new Map([['billing.read', 4]]);
const lookup = (u: string, t: string, c: string) => ((masks.get(u)?.get(t) ?? 0) & (1 << bit.get(c)!)) !== 0;
// eslint-disable-next-line @typescript-eslint/require-await
const lookupAsync = async (u: string, t: string, c: string) => lookup(u, t, c);
const ability = createMongoAbility([{ action: [...roles.capabilitiesOf('manager')], subject: 'all' }]);
const abilities = new Map([[userId, new Map([[tenantId, ability]])]]);
const noAbility = createMongoAbility([]);
const memoized = tenantry.forRequest({ userId });
await memoized.check(tenantId, 'billing.read');
let sink: unknown;
let count = 0;
const rows = await interleaved([
  {
    name: 'nested Map, sync',
    iterations: N,
    run: (n) => {
      for (let i = 0; i < n; i += 1) if (lookup(userId, tenantId, 'billing.read')) count += 1;
    },
  },
  {
    name: 'await of that lookup',
    iterations: N,
    run: async (n) => {
      for (let i = 0; i < n; i += 1) if (await lookupAsync(userId, tenantId, 'billing.read')) count += 1;
    },
  },
  {
    name: 'CASL lookup + can',
    iterations: N,
    run: (n) => {
      for (let i = 0; i < n; i += 1) if ((abilities.get(userId)?.get(tenantId) ?? noAbility).can('billing.read', 'Tenant')) count += 1;
    },
  },
  {
    name: 'memoized scope.check',
    iterations: N,
    run: async (n) => {
      for (let i = 0; i < n; i += 1) sink = await memoized.check(tenantId, 'billing.read');
    },
  },
  {
    name: 'new scope only (no check)',
    iterations: N,
    run: (n) => {
      for (let i = 0; i < n; i += 1) sink = tenantry.forRequest({ userId });
    },
  },
  {
    name: 'new scope + first check',
    iterations: N,
    run: async (n) => {
      for (let i = 0; i < n; i += 1) sink = await tenantry.forRequest({ userId }).check(tenantId, 'billing.read');
    },
  },
  {
    name: 'new scope + access + can',
    iterations: N,
    run: async (n) => {
      for (let i = 0; i < n; i += 1) if ((await tenantry.forRequest({ userId }).access(tenantId)).can('billing.read')) count += 1;
    },
  },
]);
for (const row of rows) console.log(`${row.name.padEnd(28)}${row.nsPerOp.toFixed(1).padStart(9)} cpu ns/op${row.wallNsPerOp.toFixed(1).padStart(9)} wall`);
(globalThis as Record<string, unknown>)['sink'] = [sink, count];
