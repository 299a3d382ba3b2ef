import assert from 'node:assert/strict';
import { rejectsWithCode } from '../assertions.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { EntitlementFixtures, WINDOW } from '../entitlement-fixtures.js';

/** recordAlert and listAlerts. */
export const alertCases = [
  {
    name: 'recordAlert records an alert once per feature, namespace, threshold and window; listAlerts returns them oldest first',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { f: null, g: null });
      const at = (ms: number) => new Date(Date.parse('2024-03-10T00:00:00.000Z') + ms);
      const first = f.alert(tenantId, 'f', 80, { createdAt: at(1) });
      const distinct = [
        f.alert(tenantId, 'f', 90, { createdAt: at(3) }),
        f.alert(tenantId, 'g', 80, { createdAt: at(2) }),
        f.alert(tenantId, 'f', 80, { namespace: 'team', createdAt: at(4) }),
        f.alert(tenantId, 'f', 80, { windowStart: new Date(WINDOW.getTime() + 1), createdAt: at(5) }),
      ];
      assert.equal(await store.recordAlert(first), true);
      // Same key, other values: still the same alert.
      assert.equal(await store.recordAlert({ ...first, used: 99, limit: 1, createdAt: at(9) }), false);
      for (const alert of distinct) assert.equal(await store.recordAlert(alert), true);
      assert.deepEqual(await store.listAlerts(tenantId), [first, distinct[1], distinct[0], distinct[2], distinct[3]]);
      assert.deepEqual(await store.listAlerts(f.tenantId('unknown')), []);
    },
  },
  {
    name: 'recordAlert throws NotFoundError for a missing tenant and FeatureNotFoundError for a missing feature',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a');
      await rejectsWithCode(store.recordAlert(f.alert(f.tenantId('missing'), 'f', 80)), 'not_found');
      await rejectsWithCode(store.recordAlert(f.alert(tenantId, 'missing', 80)), 'feature_not_found');
      assert.deepEqual(await store.listAlerts(tenantId), []);
    },
  },
] as const satisfies readonly StoreConformanceCase[];
