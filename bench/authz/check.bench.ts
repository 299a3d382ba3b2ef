import { createTenantry, systemActor, type Scope, type TenantAccess } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { buildPeers } from './peers.js';
import { interleaved, type RoundResult, type Variant } from './rounds.js';
import { capabilities, roles, TRIPLES, workload, type Capability, type Role } from './workload.js';

/** `BENCH_SCALE=0.05 npm run bench` for a quick smoke run; figures are recorded at scale 1. */
const SCALE = Number(process.env['BENCH_SCALE'] ?? '1');
const HOT = Math.round(1_000_000 * SCALE);
const MIXED = Math.round(1_000_000 * SCALE);
const PER_REQUEST = Math.round(200_000 * SCALE);
const CASBIN = Math.round(5_000 * SCALE);

/** Keeps results observable so the engine cannot drop the benchmarked work. */
let sink: unknown;
let count = 0;

/**
 * The in-process authorization table of issue 12: baselines, peers and
 * tenantry's variants over the same workload and the same triples, in
 * interleaved rounds. Returns the hot rows and the mixed rows.
 */
export async function checkBenchmarks(): Promise<{ hot: RoundResult[]; mixed: RoundResult[] }> {
  const work = workload();
  const store = memoryStore();
  const plain = createTenantry({ capabilities, roles, store });
  const cached = createTenantry({
    capabilities,
    roles: plain.roles,
    store,
    cache: { memberships: { max: 100_000, ttlMs: 3_600_000 } },
  });
  const system = plain.as(systemActor('bench'));
  for (let tenant = 0; tenant < 1_000; tenant += 1) {
    const { tenant: created } = await system.tenants.create({ ownerId: work.userIds[tenant * 10]! });
    work.tenantIds.push(created.id);
  }
  for (const m of work.memberships) {
    if (m.role === 'owner') continue;
    await system.members.add({ tenantId: work.tenantIds[m.tenant]!, userId: work.userIds[m.user]!, role: m.role satisfies Role });
  }
  const peers = await buildPeers(work);
  const { masks, abilities, noAbility, enforcer, bit } = peers;
  const names = capabilities.all();
  const userIds = work.userIds;
  const tenantIds = work.tenantIds;
  const tu = work.users;
  const tt = work.tenants;
  const tc = work.capabilities;

  // Long-lived scopes (one per user) and resolved access objects for every distinct pair of the triples.
  const scopes = new Map<string, Scope<Capability>>();
  const accesses = new Map<string, Map<string, TenantAccess<Capability>>>();
  for (let i = 0; i < TRIPLES; i += 1) {
    const userId = userIds[tu[i]!]!;
    const tenantId = tenantIds[tt[i]!]!;
    let scope = scopes.get(userId);
    if (scope === undefined) scopes.set(userId, (scope = plain.forRequest({ userId })));
    let byTenant = accesses.get(userId);
    if (byTenant === undefined) accesses.set(userId, (byTenant = new Map<string, TenantAccess<Capability>>()));
    if (!byTenant.has(tenantId)) {
      byTenant.set(tenantId, await scope.access(tenantId));
      // Warm the cross-request cache of the other instance for the per-request rows.
      await cached.forRequest({ userId }).check(tenantId, 'tenant.read');
    }
  }

  // The hot triple: a member (a manager) and a capability its role grants.
  const hotMember = work.memberships.find((m) => m.role === 'manager')!;
  const hu = userIds[hotMember.user]!;
  const ht = tenantIds[hotMember.tenant]!;
  const hc: Capability = 'billing.read';
  const hotScope = plain.forRequest({ userId: hu });
  const hotAccess = await hotScope.access(ht);
  if (!hotAccess.can(hc)) throw new Error('the hot triple must be allowed');

  const lookup = (userId: string, tenantId: string, capability: string): boolean => {
    const mask = masks.get(userId)?.get(tenantId);
    return mask !== undefined && (mask & (1 << bit.get(capability)!)) !== 0;
  };
  // The cheapest async API over the same lookup: one promise per call.
  // eslint-disable-next-line @typescript-eslint/require-await
  const lookupAsync = async (userId: string, tenantId: string, capability: string): Promise<boolean> => lookup(userId, tenantId, capability);

  let cursor = 0;
  const advance = () => (cursor = cursor + 1 === TRIPLES ? 0 : cursor + 1);

  const hot: Variant[] = [
    {
      name: 'nested Map<user, Map<tenant, mask>>, sync',
      iterations: HOT,
      run: (n) => {
        for (let i = 0; i < n; i += 1) if (lookup(hu, ht, hc)) count += 1;
      },
    },
    {
      name: 'await of that lookup (async floor)',
      iterations: HOT,
      run: async (n) => {
        for (let i = 0; i < n; i += 1) if (await lookupAsync(hu, ht, hc)) count += 1;
      },
    },
    {
      name: 'CASL 7, ability per (user, tenant), lookup + can',
      iterations: HOT,
      run: (n) => {
        for (let i = 0; i < n; i += 1) if ((abilities.get(hu)?.get(ht) ?? noAbility).can(hc, 'Tenant')) count += 1;
      },
    },
    {
      name: 'casbin 5, rbac-with-domains, enforceSync',
      iterations: CASBIN,
      run: (n) => {
        for (let i = 0; i < n; i += 1) if (enforcer.enforceSync(hu, ht, hc)) count += 1;
      },
    },
    {
      name: 'tenantry access.can (resolved object)',
      iterations: HOT,
      run: (n) => {
        for (let i = 0; i < n; i += 1) if (hotAccess.can(hc)) count += 1;
      },
    },
    {
      name: 'tenantry scope.check, memoized',
      iterations: HOT,
      run: async (n) => {
        for (let i = 0; i < n; i += 1) sink = await hotScope.check(ht, hc);
      },
    },
    {
      name: 'tenantry scope.can, memoized',
      iterations: HOT,
      run: async (n) => {
        for (let i = 0; i < n; i += 1) if (await hotScope.can(ht, hc)) count += 1;
      },
    },
    {
      name: 'tenantry new scope + first check (warm cache)',
      iterations: PER_REQUEST,
      run: async (n) => {
        for (let i = 0; i < n; i += 1) sink = await cached.forRequest({ userId: hu }).check(ht, hc);
      },
    },
  ];

  const mixed: Variant[] = [
    {
      name: 'nested Map<user, Map<tenant, mask>>, sync',
      iterations: MIXED,
      run: (n) => {
        for (let i = 0; i < n; i += 1, advance()) if (lookup(userIds[tu[cursor]!]!, tenantIds[tt[cursor]!]!, names[tc[cursor]!]!)) count += 1;
      },
    },
    {
      name: 'await of that lookup (async floor)',
      iterations: MIXED,
      run: async (n) => {
        for (let i = 0; i < n; i += 1, advance()) if (await lookupAsync(userIds[tu[cursor]!]!, tenantIds[tt[cursor]!]!, names[tc[cursor]!]!)) count += 1;
      },
    },
    {
      name: 'CASL 7, ability per (user, tenant), lookup + can',
      iterations: MIXED,
      run: (n) => {
        for (let i = 0; i < n; i += 1, advance()) {
          const ability = abilities.get(userIds[tu[cursor]!]!)?.get(tenantIds[tt[cursor]!]!) ?? noAbility;
          if (ability.can(names[tc[cursor]!]!, 'Tenant')) count += 1;
        }
      },
    },
    {
      name: 'casbin 5, rbac-with-domains, enforceSync',
      iterations: CASBIN,
      run: (n) => {
        for (let i = 0; i < n; i += 1, advance()) if (enforcer.enforceSync(userIds[tu[cursor]!]!, tenantIds[tt[cursor]!]!, names[tc[cursor]!]!)) count += 1;
      },
    },
    {
      name: 'tenantry access.can (lookup of resolved objects + can)',
      iterations: MIXED,
      run: (n) => {
        for (let i = 0; i < n; i += 1, advance()) {
          if (accesses.get(userIds[tu[cursor]!]!)!.get(tenantIds[tt[cursor]!]!)!.can(names[tc[cursor]!]!)) count += 1;
        }
      },
    },
    {
      name: 'tenantry scope.check, memoized',
      iterations: MIXED,
      run: async (n) => {
        for (let i = 0; i < n; i += 1, advance()) sink = await scopes.get(userIds[tu[cursor]!]!)!.check(tenantIds[tt[cursor]!]!, names[tc[cursor]!]!);
      },
    },
    {
      name: 'tenantry scope.can, memoized',
      iterations: MIXED,
      run: async (n) => {
        for (let i = 0; i < n; i += 1, advance()) if (await scopes.get(userIds[tu[cursor]!]!)!.can(tenantIds[tt[cursor]!]!, names[tc[cursor]!]!)) count += 1;
      },
    },
    {
      name: 'tenantry new scope + first check (warm cache)',
      iterations: PER_REQUEST,
      run: async (n) => {
        for (let i = 0; i < n; i += 1, advance()) {
          sink = await cached.forRequest({ userId: userIds[tu[cursor]!]! }).check(tenantIds[tt[cursor]!]!, names[tc[cursor]!]!);
        }
      },
    },
  ];

  const hotResults = await interleaved(hot);
  const mixedResults = await interleaved(mixed);
  (globalThis as Record<string, unknown>)['tenantryBenchSink'] = [sink, count];
  return { hot: hotResults, mixed: mixedResults };
}
