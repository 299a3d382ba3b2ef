import assert from 'node:assert/strict';
import { isTenantryError } from '../../../core/errors/index.js';
import type { NamespaceLimitRecord } from '../../../store/entitlement-records.js';
import { rejectsWithCode } from '../assertions.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { EntitlementFixtures } from '../entitlement-fixtures.js';

const at = (iso: string) => new Date(iso);
const byNamespaceAndFeature = (a: NamespaceLimitRecord, b: NamespaceLimitRecord) =>
  a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.featureKey < b.featureKey ? -1 : a.featureKey > b.featureKey ? 1 : 0;

/** Package assignments, boosts, namespace limits and readGrants. */
export const provisioningCases = [
  {
    name: 'assignPackage records active assignments that readGrants returns oldest first',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a');
      const pro = f.assignment(tenantId, 'pro', at('2024-03-02T10:00:00.002Z'));
      const addon = f.assignment(tenantId, 'addon', at('2024-03-01T10:00:00.001Z'));
      await store.assignPackage(pro);
      await store.assignPackage(addon);
      assert.deepEqual((await store.readGrants(tenantId)).packages, [addon, pro]);
    },
  },
  {
    name: 'assignPackage of an already active package throws AlreadyExistsError(package assignment) and keeps the first',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a');
      const first = f.assignment(tenantId, 'pro');
      await store.assignPackage(first);
      await rejectsWithCode(store.assignPackage(f.assignment(tenantId, 'pro', at('2030-01-01T00:00:00.000Z'))), 'already_exists', 'package assignment');
      assert.deepEqual((await store.readGrants(tenantId)).packages, [first]);
    },
  },
  {
    name: 'cancelPackage cancels the active assignment and returns it; the package can then be assigned again',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a');
      const first = f.assignment(tenantId, 'pro');
      await store.assignPackage(first);
      const cancellation = { tenantId, packageKey: 'pro', cancelledBy: 'system:churn', cancelledAt: at('2024-04-01T00:00:00.004Z') };
      assert.deepEqual(await store.cancelPackage(cancellation), { ...first, cancelledBy: 'system:churn', cancelledAt: cancellation.cancelledAt });
      assert.deepEqual((await store.readGrants(tenantId)).packages, []);
      assert.equal(await store.cancelPackage(cancellation), undefined);
      assert.equal(await store.cancelPackage({ ...cancellation, packageKey: 'never' }), undefined);
      const again = f.assignment(tenantId, 'pro', at('2024-05-01T00:00:00.000Z'));
      await store.assignPackage(again);
      assert.deepEqual((await store.readGrants(tenantId)).packages, [again]);
      // Cancelling again cancels the new assignment, not the old one.
      assert.equal((await store.cancelPackage(cancellation))?.id, again.id);
    },
  },
  {
    name: 'assignPackage to a missing tenant throws NotFoundError',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      await rejectsWithCode(store.assignPackage(f.assignment(f.tenantId('missing'), 'pro')), 'not_found');
      assert.equal(await store.cancelPackage({ tenantId: f.tenantId('missing'), packageKey: 'pro', cancelledBy: 'x', cancelledAt: new Date() }), undefined);
    },
  },
  {
    name: 'addBoost records limited, unlimited and expiring boosts that readGrants returns oldest first',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { f: null, g: null });
      const later = f.boost(tenantId, 'f', 250, { createdAt: at('2024-03-05T00:00:00.005Z'), expiresAt: at('2024-04-05T23:59:59.999Z') });
      const unlimited = f.boost(tenantId, 'g', 'unlimited', { createdAt: at('2024-03-04T00:00:00.004Z') });
      const large = f.boost(tenantId, 'f', Number.MAX_SAFE_INTEGER, { createdAt: at('2024-03-06T00:00:00.000Z') });
      for (const boost of [later, unlimited, large]) await store.addBoost(boost);
      assert.deepEqual((await store.readGrants(tenantId)).boosts, [unlimited, later, large]);
    },
  },
  {
    name: 'addBoost throws NotFoundError for a missing tenant and FeatureNotFoundError for a missing feature',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a');
      await rejectsWithCode(store.addBoost(f.boost(f.tenantId('missing'), 'f', 5)), 'not_found');
      await rejectsWithCode(store.addBoost(f.boost(tenantId, 'missing', 5)), 'feature_not_found');
      assert.deepEqual((await store.readGrants(tenantId)).boosts, []);
    },
  },
  {
    name: 'setNamespaceLimit sets, replaces and clears a namespace limit',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { f: null, g: null });
      const set = (namespace: string, label: string, limit: number | 'unlimited') =>
        store.setNamespaceLimit({ tenantId, namespace, featureKey: f.featureKey(label), limit });
      await set('team-a', 'f', 10);
      await set('team-b', 'f', 0);
      await set('team-a', 'g', 3);
      await set('team-a', 'f', 12);
      await set('team-a', 'f', 12);
      await set('team-a', 'g', 'unlimited');
      await set('team-c', 'g', 'unlimited');
      const limits = [...(await store.readGrants(tenantId)).namespaceLimits].sort(byNamespaceAndFeature);
      assert.deepEqual(limits, [
        { tenantId, namespace: 'team-a', featureKey: f.featureKey('f'), limit: 12 },
        { tenantId, namespace: 'team-b', featureKey: f.featureKey('f'), limit: 0 },
      ]);
    },
  },
  {
    name: 'setNamespaceLimit throws NotFoundError for a missing tenant and FeatureNotFoundError for a missing feature',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a');
      for (const limit of [5, 'unlimited'] as const) {
        await rejectsWithCode(store.setNamespaceLimit({ tenantId: f.tenantId('missing'), namespace: 'n', featureKey: f.featureKey('f'), limit }), 'not_found');
        await rejectsWithCode(store.setNamespaceLimit({ tenantId, namespace: 'n', featureKey: f.featureKey('missing'), limit }), 'feature_not_found');
      }
      assert.deepEqual((await store.readGrants(tenantId)).namespaceLimits, []);
    },
  },
  {
    name: "readGrants returns only that tenant's grants, and empty lists for an unknown tenant",
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const a = await f.seedEntitled('a');
      const b = (await f.seedTenant('b', f.userId('owner'))).id;
      await store.assignPackage(f.assignment(a, 'pro'));
      await store.addBoost(f.boost(a, 'f', 1));
      await store.setNamespaceLimit({ tenantId: a, namespace: 'n', featureKey: f.featureKey('f'), limit: 1 });
      const onlyB = f.assignment(b, 'pro');
      await store.assignPackage(onlyB);
      assert.deepEqual(await store.readGrants(b), { packages: [onlyB], boosts: [], namespaceLimits: [] });
      assert.deepEqual(await store.readGrants(f.tenantId('unknown')), { packages: [], boosts: [], namespaceLimits: [] });
    },
  },
  {
    name: 'concurrent assignments of the same package: exactly one succeeds',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a');
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => store.assignPackage(f.assignment(tenantId, 'pro'))));
      const refused = results.filter((r) => r.status === 'rejected' && isTenantryError(r.reason) && r.reason.code === 'already_exists');
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      assert.equal(refused.length, 5);
      assert.equal((await store.readGrants(tenantId)).packages.length, 1);
    },
  },
] as const satisfies readonly StoreConformanceCase[];
