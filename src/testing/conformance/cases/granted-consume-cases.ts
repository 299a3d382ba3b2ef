import assert from 'node:assert/strict';
import { TENANT_POOL } from '../../../store/entitlement-records.js';
import type { GrantedConsumeRequest, GrantedConsumeResult, GrantedLevel, PackageGrant } from '../../../store/granted-consume.js';
import type { Store } from '../../../store/store.js';
import { rejectsWithCode } from '../assertions.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { EntitlementFixtures, WINDOW } from '../entitlement-fixtures.js';
import { CREATED_AT } from '../fixtures.js';

/** Builds `consumeGranted` requests under one case's feature and package keys. */
class GrantedFixtures extends EntitlementFixtures {
  readonly #store: Store;

  constructor(store: Store) {
    super(store);
    this.#store = store;
  }

  packageKey(label: string): string {
    return `${this.namespace}.pkg.${label}`;
  }

  /** A level of feature `label`: `grants` maps package labels to what they grant it. */
  level(label: string, grants: Readonly<Record<string, number | 'unlimited'>> = {}, namespace: string = TENANT_POOL): GrantedLevel {
    const packageGrants: PackageGrant[] = Object.entries(grants).map(([pkg, limit]) => ({ packageKey: this.packageKey(pkg), limit }));
    return { featureKey: this.featureKey(label), namespace, windowStart: WINDOW, packageGrants };
  }

  request(tenantId: string, amount: number, levels: readonly GrantedLevel[], extra: Partial<GrantedConsumeRequest> = {}): GrantedConsumeRequest {
    return {
      tenantId,
      amount,
      levels,
      catalog: {
        packageKeys: ['basic', 'pro', 'big', 'addon'].map((label) => this.packageKey(label)),
        featureKeys: ['f', 'g', 'child', 'pool'].map((label) => this.featureKey(label)),
      },
      now: CREATED_AT,
      ...extra,
    };
  }

  async assign(tenantId: string, label: string): Promise<void> {
    await this.#store.assignPackage(this.assignment(tenantId, this.packageKey(label)));
  }
}

/** The result without its derived limits, to compare with what `consume` answers. */
function outcomeOf(result: GrantedConsumeResult): unknown {
  if (!('levels' in result)) return result;
  const { levels: _levels, ...rest } = result;
  return rest;
}

function levelsOf(result: GrantedConsumeResult): unknown {
  return 'levels' in result ? result.levels : undefined;
}

/** consumeGranted: limits derived from the stored grants inside the guarded write. */
export const grantedConsumeCases = [
  {
    name: 'consumeGranted sums package grants and active boosts, lets unlimited win, and refuses a feature nothing grants',
    async run({ store }) {
      const f = new GrantedFixtures(store);
      const tenantId = await f.seedEntitled('a', { f: null, g: null, child: null });
      await f.assign(tenantId, 'basic');
      await f.assign(tenantId, 'addon');
      await store.addBoost(f.boost(tenantId, 'f', 5));
      await store.addBoost(f.boost(tenantId, 'f', 1000, { expiresAt: CREATED_AT })); // expired at now: not counted
      await store.addBoost(f.boost(tenantId, 'f', 7, { expiresAt: new Date(CREATED_AT.getTime() + 1) }));
      const fLevel = f.level('f', { basic: 10, addon: 3, pro: 1000 });
      const first = await store.consumeGranted(f.request(tenantId, 25, [fLevel]));
      assert.deepEqual(outcomeOf(first), { outcome: 'consumed', counters: [{ before: 0, after: 25 }] });
      assert.deepEqual(levelsOf(first), [{ enabled: true, limit: 25 }]);
      const full = await store.consumeGranted(f.request(tenantId, 1, [fLevel]));
      assert.deepEqual(outcomeOf(full), { outcome: 'exceeded', index: 0, used: 25 });
      assert.deepEqual(levelsOf(full), [{ enabled: true, limit: 25 }]);
      // A boost of 'unlimited' wins over every sum.
      await store.addBoost(f.boost(tenantId, 'g', 'unlimited'));
      const g = await store.consumeGranted(f.request(tenantId, 1_000_000, [f.level('g', { basic: 1 })]));
      assert.deepEqual(levelsOf(g), [{ enabled: true, limit: 'unlimited' }]);
      assert.equal(g.outcome, 'consumed');
      // Granted by no active package and no boost: not enabled, limit 0, refused without a write.
      const none = await store.consumeGranted(f.request(tenantId, 1, [f.level('child', { pro: 50 })]));
      assert.deepEqual(outcomeOf(none), { outcome: 'exceeded', index: 0, used: 0 });
      assert.deepEqual(levelsOf(none), [{ enabled: false, limit: 0 }]);
      assert.deepEqual(await store.readCounters(tenantId, [fLevel, f.level('child')]), [25, 0]);
    },
  },
  {
    name: 'consumeGranted ignores cancelled packages and caps a sum past the ceiling at COUNTER_CEILING',
    async run({ store }) {
      const f = new GrantedFixtures(store);
      const tenantId = await f.seedEntitled('a');
      await f.assign(tenantId, 'basic');
      await f.assign(tenantId, 'big');
      await store.cancelPackage({ tenantId, packageKey: f.packageKey('basic'), cancelledBy: 'system:billing', cancelledAt: CREATED_AT });
      const small = await store.consumeGranted(f.request(tenantId, 2, [f.level('f', { basic: 100, big: 1 })]));
      assert.deepEqual(outcomeOf(small), { outcome: 'exceeded', index: 0, used: 0 });
      assert.deepEqual(levelsOf(small), [{ enabled: true, limit: 1 }]);
      await f.assign(tenantId, 'pro');
      const huge = await store.consumeGranted(f.request(tenantId, 1, [f.level('f', { big: Number.MAX_SAFE_INTEGER, pro: Number.MAX_SAFE_INTEGER })]));
      assert.deepEqual(levelsOf(huge), [{ enabled: true, limit: Number.MAX_SAFE_INTEGER }]);
      assert.equal(huge.outcome, 'consumed');
    },
  },
  {
    name: 'consumeGranted bounds a namespace by its own limit (else unlimited) and the tenant pool, all or nothing, in the caller order',
    async run({ store }) {
      const f = new GrantedFixtures(store);
      const tenantId = await f.seedEntitled('a', { child: 'pool', pool: null });
      await f.assign(tenantId, 'basic');
      await store.setNamespaceLimit({ tenantId, namespace: 'team', featureKey: f.featureKey('child'), limit: 3 });
      // Caller order child, child@team, pool@other, pool: not the lock order, answered in this order.
      const levels = [f.level('child', { basic: 100 }), f.level('child', {}, 'team'), f.level('pool', {}, 'other'), f.level('pool', { basic: 8 })];
      const first = await store.consumeGranted(f.request(tenantId, 2, levels));
      assert.equal(first.outcome, 'consumed');
      assert.deepEqual(levelsOf(first), [
        { enabled: true, limit: 100 },
        { enabled: true, limit: 3 },
        { enabled: true, limit: 'unlimited' },
        { enabled: true, limit: 8 },
      ]);
      const team = await store.consumeGranted(f.request(tenantId, 2, levels));
      assert.deepEqual(outcomeOf(team), { outcome: 'exceeded', index: 1, used: 2 });
      const pool = await store.consumeGranted(f.request(tenantId, 7, [levels[0] as GrantedLevel, levels[3] as GrantedLevel]));
      assert.deepEqual(outcomeOf(pool), { outcome: 'exceeded', index: 1, used: 2 });
      assert.deepEqual(await store.readCounters(tenantId, levels), [2, 2, 2, 2]);
    },
  },
  {
    name: 'consumeGranted answers anchor_moved for another stored billing-cycle anchor and unresolved for stale grants, writing nothing',
    async run({ store }) {
      const f = new GrantedFixtures(store);
      const tenantId = await f.seedEntitled('a');
      await f.assign(tenantId, 'basic');
      const level = f.level('f', { basic: 10 });
      assert.equal((await store.consumeGranted(f.request(tenantId, 1, [level], { cycleAnchor: null }))).outcome, 'consumed');
      const anchor = new Date('2024-02-10T08:30:00.125Z');
      await store.setCycleAnchor({ tenantId, anchor });
      assert.deepEqual(await store.consumeGranted(f.request(tenantId, 1, [level], { cycleAnchor: null })), { outcome: 'anchor_moved', cycleAnchor: anchor });
      assert.deepEqual(await store.consumeGranted(f.request(tenantId, 1, [level], { cycleAnchor: new Date(0) })), {
        outcome: 'anchor_moved',
        cycleAnchor: anchor,
      });
      assert.equal((await store.consumeGranted(f.request(tenantId, 1, [level], { cycleAnchor: new Date(anchor.getTime()) }))).outcome, 'consumed');
      // Not compared when absent.
      assert.equal((await store.consumeGranted(f.request(tenantId, 1, [level]))).outcome, 'consumed');
      // An active package the catalog does not list: unresolved.
      await store.assignPackage(f.assignment(tenantId, `${f.namespace}.retired`));
      assert.deepEqual(await store.consumeGranted(f.request(tenantId, 1, [level])), { outcome: 'unresolved' });
      await store.cancelPackage({ tenantId, packageKey: `${f.namespace}.retired`, cancelledBy: 'system:billing', cancelledAt: CREATED_AT });
      // A boost of a feature the catalog does not list: unresolved.
      await f.syncLimitFeatures({ gone: null });
      await store.addBoost(f.boost(tenantId, 'gone', 5));
      assert.deepEqual(await store.consumeGranted(f.request(tenantId, 1, [level])), { outcome: 'unresolved' });
      assert.deepEqual(await store.readCounters(tenantId, [level]), [3]);
    },
  },
  {
    name: 'consumeGranted records the derived limits under an idempotency key and replays them after the grants changed',
    async run({ store }) {
      const f = new GrantedFixtures(store);
      const tenantId = await f.seedEntitled('a', { child: 'pool', pool: null });
      await f.assign(tenantId, 'basic');
      const levels = [f.level('child', { basic: 5 }), f.level('pool', { basic: 'unlimited' })];
      const key = { key: 'retry-1', fingerprint: 'fp\u0000x', expiresAt: new Date(CREATED_AT.getTime() + 60_000) };
      const first = await store.consumeGranted(f.request(tenantId, 4, levels, { idempotency: key }));
      assert.deepEqual(outcomeOf(first), {
        outcome: 'consumed',
        counters: [
          { before: 0, after: 4 },
          { before: 0, after: 4 },
        ],
      });
      await store.cancelPackage({ tenantId, packageKey: f.packageKey('basic'), cancelledBy: 'system:billing', cancelledAt: CREATED_AT });
      const replay = await store.consumeGranted(f.request(tenantId, 4, levels, { idempotency: key }));
      assert.deepEqual(outcomeOf(replay), {
        outcome: 'replayed',
        counters: [
          { before: 0, after: 4 },
          { before: 0, after: 4 },
        ],
        limits: [5, 'unlimited'],
      });
      assert.deepEqual(levelsOf(replay), [
        { enabled: false, limit: 0 },
        { enabled: false, limit: 0 },
      ]);
      assert.deepEqual(outcomeOf(await store.consumeGranted(f.request(tenantId, 4, levels, { idempotency: { ...key, fingerprint: 'other' } }))), {
        outcome: 'idempotency_conflict',
      });
      // The same record answers a plain consume with the key.
      const plain = await store.consume({ tenantId, amount: 4, counters: [f.target('child', 0), f.target('pool', 0)], idempotency: key, now: CREATED_AT });
      assert.equal(plain.outcome, 'replayed');
      assert.deepEqual(await store.readCounters(tenantId, levels), [4, 4]);
    },
  },
  {
    name: 'consumeGranted reports a missing tenant and an unsynced feature like consume, and rolls back with its transaction',
    async run({ store }) {
      const f = new GrantedFixtures(store);
      const tenantId = await f.seedEntitled('a');
      await f.assign(tenantId, 'basic');
      await rejectsWithCode(store.consumeGranted(f.request(f.tenantId('missing'), 1, [f.level('f', { basic: 10 })])), 'not_found');
      await rejectsWithCode(
        store.consumeGranted(f.request(f.tenantId('missing'), 1, [f.level('f', { basic: 10 })], { idempotency: { key: 'k', fingerprint: 'fp' } })),
        'not_found',
      );
      await store.addBoost(f.boost(tenantId, 'f', 3));
      await rejectsWithCode(store.consumeGranted(f.request(tenantId, 1, [f.level('unsynced', {}, 'team')])), 'feature_not_found');
      await assert.rejects(
        store.transaction(async (tx) => {
          const inside = await tx.consumeGranted(f.request(tenantId, 2, [f.level('f', { basic: 10 })]));
          assert.equal(inside.outcome, 'consumed');
          throw new Error('roll back');
        }),
        /roll back/,
      );
      assert.deepEqual(await store.readCounters(tenantId, [f.level('f')]), [0]);
      const inTx = await store.transaction((tx) => tx.consumeGranted(f.request(tenantId, 13, [f.level('f', { basic: 10 })])));
      assert.equal(inTx.outcome, 'consumed');
      assert.deepEqual(await store.readCounters(tenantId, [f.level('f')]), [13]);
    },
  },
  {
    name: '24 concurrent consumeGranted of 1 against derived limits of 9 (pool) and 5 (child): exactly 5 succeed',
    async run({ store }) {
      const f = new GrantedFixtures(store);
      const tenantId = await f.seedEntitled('a', { child: 'pool', pool: null });
      await f.assign(tenantId, 'basic');
      await store.addBoost(f.boost(tenantId, 'pool', 4));
      const levels = [f.level('child', { basic: 5 }), f.level('pool', { basic: 5 })];
      const results = await Promise.all(Array.from({ length: 24 }, () => store.consumeGranted(f.request(tenantId, 1, levels))));
      assert.equal(results.filter((r) => r.outcome === 'consumed').length, 5);
      assert.deepEqual(await store.readCounters(tenantId, levels), [5, 5]);
    },
  },
] as const satisfies readonly StoreConformanceCase[];
