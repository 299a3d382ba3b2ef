import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { TENANT_POOL, type ConsumeRequest, type ConsumeResult, type CounterTarget } from '../../../../src/store/entitlement-records.js';
import type { Store } from '../../../../src/store/store.js';
import { between, seededRandom } from './seeded-random.js';

/**
 * A stress scenario for `consume`: a two-level pool (`child` draws on
 * `pool`), two namespaces (`ns-a` with its own limit on `child`, `ns-b`
 * only tracked), consumptions of the child at tenant level and in each
 * namespace, consumptions of the pool directly (in `ns-b`), and a few
 * idempotency keys retried concurrently. Everything is fired at once over
 * several stores. Limits are small, so most attempts are refused once the
 * pool is full: the interesting part is the race to the limits.
 */

const WINDOW = new Date('2024-03-01T00:00:00.000Z');
const LIMITS = { child: 30, pool: 45, childInA: 12 } as const;

/** Figures of one run, reported through the test's annotations. */
export interface StressFigures {
  readonly attempts: number;
  readonly consumed: number;
  readonly exceeded: number;
  readonly replayed: number;
  /** `counter -> "used/limit"` after the run. */
  readonly final: Readonly<Record<string, string>>;
}

interface Attempt {
  readonly request: ConsumeRequest;
  /** The idempotency key's name, for retried attempts. */
  readonly key: string | undefined;
}

/**
 * `targets` in a random order: the store puts every request's counters into
 * the global lock order itself, which this race over overlapping counters
 * would turn into deadlocks (and their retries) if it did not.
 */
function shuffled(random: () => number, targets: CounterTarget[]): CounterTarget[] {
  for (let i = targets.length - 1; i > 0; i -= 1) {
    const j = between(random, 0, i);
    [targets[i], targets[j]] = [targets[j] as CounterTarget, targets[i] as CounterTarget];
  }
  return targets;
}

function counterName(target: Pick<CounterTarget, 'featureKey' | 'namespace'>, prefix: string): string {
  const feature = target.featureKey.slice(prefix.length);
  return target.namespace === TENANT_POOL ? feature : `${feature}@${target.namespace}`;
}

/** Syncs the scenario's features (once per database) and creates a fresh tenant. */
export async function prepareStress(store: Store, prefix: string): Promise<string> {
  await store.syncFeatures([
    { key: `${prefix}child`, kind: 'limit', parentKey: `${prefix}pool` },
    { key: `${prefix}pool`, kind: 'limit', parentKey: null },
  ]);
  const tenantId = `stress-${randomUUID()}`;
  const at = new Date();
  await store.createTenant(
    { id: tenantId, createdByType: 'system', createdBy: 'system:stress', createdAt: at },
    { id: randomUUID(), tenantId, userId: 'owner', role: 'owner', createdByType: 'system', createdBy: 'system:stress', createdAt: at, source: 'system' },
  );
  return tenantId;
}

/** The attempts of one run: `count` random consumptions plus `keys` idempotency keys retried `retries` times each. */
function plan(tenantId: string, prefix: string, seed: number, count: number, keys: number, retries: number): Attempt[] {
  const random = seededRandom(seed);
  const target = (feature: 'child' | 'pool', namespace: string, limit: number | 'unlimited'): CounterTarget => ({
    featureKey: `${prefix}${feature}`,
    namespace,
    windowStart: WINDOW,
    limit,
  });
  const child = () => [target('child', TENANT_POOL, LIMITS.child), target('pool', TENANT_POOL, LIMITS.pool)];
  const childInA = () => [
    target('child', TENANT_POOL, LIMITS.child),
    target('child', 'ns-a', LIMITS.childInA),
    target('pool', TENANT_POOL, LIMITS.pool),
    target('pool', 'ns-a', 'unlimited'),
  ];
  const childInB = () => [
    target('child', TENANT_POOL, LIMITS.child),
    target('child', 'ns-b', 'unlimited'),
    target('pool', TENANT_POOL, LIMITS.pool),
    target('pool', 'ns-b', 'unlimited'),
  ];
  const poolInB = () => [target('pool', TENANT_POOL, LIMITS.pool), target('pool', 'ns-b', 'unlimited')];
  // Direct pool consumptions (in ns-b, so that they are transactions too: a single-statement
  // consume is served so much faster that it would fill the pool before any child commits)
  // make the child's own limit and the pool's both bind.
  const shapes = [child, child, child, childInA, childInA, childInA, childInB, childInB, poolInB, poolInB];
  const request = (amount: number, idempotency?: { key: string; fingerprint: string }): ConsumeRequest => ({
    tenantId,
    amount,
    counters: shuffled(random, (shapes[between(random, 0, shapes.length - 1)] ?? shapes[0]!)()),
    now: WINDOW,
    ...(idempotency === undefined ? {} : { idempotency }),
  });
  const attempts: Attempt[] = Array.from({ length: count }, () => ({ request: request(between(random, 1, 5)), key: undefined }));
  for (let k = 0; k < keys; k += 1) {
    const key = `retry-${k}`;
    const retried = request(between(random, 1, 5), { key, fingerprint: `fp-${k}` });
    // Early in the race, while there is room, so that some keys are consumed and replayed.
    for (let r = 0; r < retries; r += 1) attempts.splice(between(random, 0, Math.floor(count / 4)), 0, { request: retried, key });
  }
  return attempts;
}

/**
 * Fires every attempt at once (round-robin over `stores`), then checks every
 * invariant. `counterRows` counts the tenant's counter rows in the database
 * (the port has no listing of counters).
 */
export async function runStress(
  stores: readonly Store[],
  tenantId: string,
  prefix: string,
  seed: number,
  counterRows: (tenantId: string) => Promise<number>,
): Promise<StressFigures> {
  const attempts = plan(tenantId, prefix, seed, 400, 5, 6);
  const results: ConsumeResult[] = await Promise.all(attempts.map((attempt, i) => stores[i % stores.length]!.consume(attempt.request)));
  const context = `seed ${seed}`;

  // Each idempotency key: counted at most once, and every other attempt replays it (or all were refused).
  for (const key of new Set(attempts.flatMap((a) => (a.key === undefined ? [] : [a.key])))) {
    const outcomes = results.filter((_, i) => attempts[i]?.key === key);
    const consumed = outcomes.filter((r) => r.outcome === 'consumed');
    expect(consumed.length, `${context}: ${key} consumed`).toBeLessThanOrEqual(1);
    if (consumed.length === 1) {
      const counters = JSON.stringify(consumed[0]?.outcome === 'consumed' ? consumed[0].counters : []);
      for (const r of outcomes)
        if (r.outcome !== 'consumed') expect(r.outcome === 'replayed' && JSON.stringify(r.counters), `${context}: ${key}`).toBe(counters);
    } else {
      expect(
        outcomes.every((r) => r.outcome === 'exceeded'),
        `${context}: ${key} all refused`,
      ).toBe(true);
    }
  }

  // Every counter: used equals the sum of the successful consumptions that include it, and stays within its limit.
  const expected = new Map<string, { used: number; limit: number | 'unlimited'; target: CounterTarget }>();
  for (const [i, attempt] of attempts.entries()) {
    const result = results[i];
    for (const [index, target] of attempt.request.counters.entries()) {
      const name = counterName(target, prefix);
      const entry = expected.get(name) ?? { used: 0, limit: target.limit, target };
      if (result?.outcome === 'consumed') entry.used += attempt.request.amount;
      expected.set(name, entry);
      if (result?.outcome === 'exceeded' && result.index === index && target.limit !== 'unlimited') {
        expect(result.used + attempt.request.amount, `${context}: refusal at ${name}`).toBeGreaterThan(target.limit);
      }
    }
  }
  const entries = [...expected.entries()];
  const stored = await stores[0]!.readCounters(
    tenantId,
    entries.map(([, entry]) => entry.target),
  );
  const final: Record<string, string> = {};
  for (const [index, [name, { used, limit }]] of entries.entries()) {
    expect(stored[index], `${context}: ${name}`).toBe(used);
    if (limit !== 'unlimited') expect(used, `${context}: ${name} within its limit`).toBeLessThanOrEqual(limit);
    final[name] = `${used}/${String(limit)}`;
  }
  // Counters are created by their first successful consumption, never by a refused one.
  expect(await counterRows(tenantId), `${context}: no other counters`).toBe(entries.filter(([, e]) => e.used > 0).length);
  const count = (outcome: ConsumeResult['outcome']) => results.filter((r) => r.outcome === outcome).length;
  return { attempts: attempts.length, consumed: count('consumed'), exceeded: count('exceeded'), replayed: count('replayed'), final };
}

/** One line per run for the test's annotation. */
export function describeFigures(figures: StressFigures): string {
  const final = Object.entries(figures.final)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
  return `${figures.attempts} attempts: ${figures.consumed} consumed, ${figures.exceeded} exceeded, ${figures.replayed} replayed; used/limit: ${final}`;
}
