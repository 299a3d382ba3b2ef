import { createTenantry } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { capabilities, roles } from '../examples/catalog.js';
import { bench, type BenchResult } from './harness.js';

/**
 * Authorization checks: a memoized check() against a plain Map lookup measured
 * in the same run (sync, and awaited like check() is), and the cold cost of a
 * new request scope's first check on the in-memory store.
 */
export async function checkBenchmarks(): Promise<BenchResult[]> {
  const tenantry = createTenantry({ capabilities, roles, store: memoryStore() });
  const { tenant } = await tenantry.forRequest({ userId: 'owner' }).tenants.create();
  const scope = tenantry.forRequest({ userId: 'owner' });
  await scope.check(tenant.id, 'billing.read');

  const baseline = new Map([[`${tenant.id}:billing.read`, { allowed: true }]]);
  const key = `${tenant.id}:billing.read`;
  let sink: unknown;
  const n = 1_000_000;
  const results = [
    await bench('Map.get (sync baseline)', n, () => {
      sink = baseline.get(key);
    }),
    await bench('await Map.get (async baseline)', n, async () => {
      sink = await Promise.resolve(baseline.get(key));
    }),
    await bench('scope.check, memoized', n, async () => {
      sink = await scope.check(tenant.id, 'billing.read');
    }),
    await bench('scope.can, memoized', n, async () => {
      sink = await scope.can(tenant.id, 'billing.read');
    }),
    await bench('new scope + first check (memory store)', 100_000, async () => {
      sink = await tenantry.forRequest({ userId: 'owner' }).check(tenant.id, 'billing.read');
    }),
    await bench('new scope + check, non-member (memory store)', 100_000, async () => {
      sink = await tenantry.forRequest({ userId: 'stranger' }).check(tenant.id, 'billing.read');
    }),
  ];
  // Keep the results observable so the engine cannot drop the benchmarked work.
  (globalThis as Record<string, unknown>)['tenantryBenchSink'] = sink;
  return results;
}
