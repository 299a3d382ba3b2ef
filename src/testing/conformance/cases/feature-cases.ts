import assert from 'node:assert/strict';
import type { FeatureRecord } from '../../../store/entitlement-records.js';
import type { Store } from '../../../store/store.js';
import { sortedByCodeUnit } from '../assertions.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { EntitlementFixtures, WINDOW } from '../entitlement-fixtures.js';

/** The features of this case (features are global: other cases' rows are filtered out). */
async function featuresOf(store: Store, f: EntitlementFixtures): Promise<readonly FeatureRecord[]> {
  return (await store.listFeatures()).filter((feature) => feature.key.startsWith(`${f.namespace}.`));
}

/** syncFeatures, listFeatures, deleteFeature. */
export const featureCases = [
  {
    name: 'syncFeatures upserts features and listFeatures returns them ordered by key',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const k = (label: string) => f.featureKey(label);
      await store.syncFeatures([
        { key: k('b'), kind: 'limit', parentKey: null },
        { key: k('B'), kind: 'boolean', parentKey: null },
        { key: k('a'), kind: 'limit', parentKey: k('b') },
      ]);
      // A second sync changes kinds and parents and adds a feature; it never removes one.
      await store.syncFeatures([
        { key: k('a'), kind: 'limit', parentKey: null },
        { key: k('B'), kind: 'limit', parentKey: null },
        { key: k('c'), kind: 'limit', parentKey: k('B') },
      ]);
      const expected = [
        { key: k('B'), kind: 'limit', parentKey: null },
        { key: k('a'), kind: 'limit', parentKey: null },
        { key: k('b'), kind: 'limit', parentKey: null },
        { key: k('c'), kind: 'limit', parentKey: k('B') },
      ];
      const listed = await featuresOf(store, f);
      assert.deepEqual(listed, expected);
      assert.deepEqual(
        listed.map((feature) => feature.key),
        sortedByCodeUnit(listed.map((feature) => feature.key)),
      );
    },
  },
  {
    name: 'syncFeatures accepts children before their parents, and a parent synced earlier',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const k = (label: string) => f.featureKey(label);
      await store.syncFeatures([
        { key: k('leaf'), kind: 'limit', parentKey: k('middle') },
        { key: k('middle'), kind: 'limit', parentKey: k('root') },
        { key: k('root'), kind: 'limit', parentKey: null },
      ]);
      await store.syncFeatures([{ key: k('later'), kind: 'limit', parentKey: k('root') }]);
      assert.deepEqual(
        (await featuresOf(store, f)).map((feature) => [feature.key, feature.parentKey]),
        [
          [k('later'), k('root')],
          [k('leaf'), k('middle')],
          [k('middle'), k('root')],
          [k('root'), null],
        ],
      );
    },
  },
  {
    name: 'syncFeatures throws FeatureNotFoundError for a missing parent and writes nothing',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const k = (label: string) => f.featureKey(label);
      await store.syncFeatures([{ key: k('kept'), kind: 'limit', parentKey: null }]);
      await assert.rejects(
        store.syncFeatures([
          { key: k('kept'), kind: 'boolean', parentKey: null },
          { key: k('orphan'), kind: 'limit', parentKey: k('nowhere') },
        ]),
        (error: { code?: unknown; featureKey?: unknown }) => error.code === 'feature_not_found' && error.featureKey === k('nowhere'),
      );
      assert.deepEqual(await featuresOf(store, f), [{ key: k('kept'), kind: 'limit', parentKey: null }]);
    },
  },
  {
    name: 'deleteFeature deletes an unused feature and returns not_found for an unknown one',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      await f.syncLimitFeatures({ parent: null, child: 'parent' });
      assert.equal(await store.deleteFeature(f.featureKey('unknown')), 'not_found');
      assert.equal(await store.deleteFeature(f.featureKey('child')), 'deleted');
      assert.equal(await store.deleteFeature(f.featureKey('child')), 'not_found');
      // Without its child the parent is unused too.
      assert.equal(await store.deleteFeature(f.featureKey('parent')), 'deleted');
      assert.deepEqual(await featuresOf(store, f), []);
    },
  },
  {
    name: 'deleteFeature refuses a feature with children (has_children) and keeps it',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      await f.syncLimitFeatures({ parent: null, child: 'parent' });
      assert.equal(await store.deleteFeature(f.featureKey('parent')), 'has_children');
      assert.deepEqual(
        (await featuresOf(store, f)).map((feature) => feature.key),
        [f.featureKey('child'), f.featureKey('parent')],
      );
    },
  },
  {
    name: 'deleteFeature refuses a feature referenced by a boost, a counter, an alert or a namespace limit (in_use)',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { boosted: null, counted: null, alerted: null, limited: null, unused: null });
      await store.addBoost(f.boost(tenantId, 'boosted', 5));
      await store.consume(f.consumeRequest(tenantId, 1, [f.target('counted', 10)]));
      await store.recordAlert(f.alert(tenantId, 'alerted', 80));
      await store.setNamespaceLimit({ tenantId, namespace: 'ns', featureKey: f.featureKey('limited'), limit: 3 });
      for (const label of ['boosted', 'counted', 'alerted', 'limited']) {
        assert.equal(await store.deleteFeature(f.featureKey(label)), 'in_use', label);
      }
      assert.equal(await store.deleteFeature(f.featureKey('unused')), 'deleted');
      assert.equal((await featuresOf(store, f)).length, 4);
      assert.deepEqual(await store.readCounters(tenantId, [{ featureKey: f.featureKey('counted'), namespace: '', windowStart: WINDOW }]), [1]);
    },
  },
] as const satisfies readonly StoreConformanceCase[];
