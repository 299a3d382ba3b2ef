import type { StoreConformanceCaseName } from 'tenantry/testing';
import type { ConsumeResult } from '../../src/store/entitlement-records.js';
import type { Store } from '../../src/store/store.js';
import type { StoreOperations } from '../../src/store/store-operations.js';
import {
  byLocaleKey,
  counterByCounter,
  foldedNamespaces,
  limitsBeforeKey,
  mapResult,
  noCeiling,
  racyAlerts,
  racyAssignments,
  racyCounters,
  racyIdempotency,
  refusalsKeepTheKey,
  sharedAuditLog,
  sharedBoosts,
  withoutKey,
} from './entitlement-patches.js';
import { ignoring, noTransaction, patched, poisonedAfterFailure } from './store-mutants.js';

/**
 * A rate limiter that deletes a key's older windows as soon as a newer one
 * opens (the pre-0.3 Kysely store): a hit still on its way for the older
 * window finds no row and starts the window again from zero.
 */
function eagerPruning(ops: StoreOperations): Pick<StoreOperations, 'hitRateLimit'> {
  const latest = new Map<string, number>();
  let reopened = 0;
  return {
    hitRateLimit: (h) => {
      const start = h.windowStart.getTime();
      const newest = Math.max(latest.get(h.key) ?? start, start);
      latest.set(h.key, newest);
      reopened += 1;
      return ops.hitRateLimit(start < newest ? { ...h, key: `${h.key}:reopened:${String(reopened)}` } : h);
    },
  };
}

/** For every audit and entitlement case, a store broken in the way that case exists to catch. */
export const ENTITLEMENT_MUTANTS = {
  'appendAudit stores every field and metadata round-trips exactly': patched((ops) => ({
    // Metadata through a store that keeps only strings.
    appendAudit: (e) => ops.appendAudit({ ...e, metadata: Object.fromEntries(Object.entries(e.metadata).map(([k, v]) => [k, String(v)])) }),
  })),
  'listAudit returns entries newest first and pages with beforeId, exclusive': patched((ops) => ({
    listAudit: async (t, p) => (await ops.listAudit(t, { limit: 1000 })).filter((e) => p.beforeId === undefined || e.id <= p.beforeId).slice(0, p.limit),
  })),
  "listAudit returns only that tenant's entries, and nothing for an unknown tenant": patched(sharedAuditLog),
  'appendAudit to a missing tenant throws NotFoundError and writes nothing': patched((ops) => ({
    appendAudit: (e) => ops.appendAudit(e).catch(ignoring('not_found')),
  })),
  'syncFeatures upserts features and listFeatures returns them ordered by key': patched((ops) => ({
    listFeatures: async () => byLocaleKey(await ops.listFeatures()),
  })),
  'syncFeatures accepts children before their parents, and a parent synced earlier': patched((ops) => ({
    syncFeatures: async (features) => {
      for (const feature of features) await ops.syncFeatures([feature]);
    },
  })),
  'syncFeatures throws FeatureNotFoundError for a missing parent and writes nothing': patched((ops) => ({
    syncFeatures: async (features) => {
      for (const feature of features) await ops.syncFeatures([feature]);
    },
  })),
  'deleteFeature deletes an unused feature and returns not_found for an unknown one': patched((ops) => ({
    deleteFeature: async (key) => {
      const result = await ops.deleteFeature(key);
      return result === 'not_found' ? 'deleted' : result;
    },
  })),
  'deleteFeature refuses a feature with children (has_children) and keeps it': patched((ops) => ({
    // Orphans the children, then deletes.
    deleteFeature: async (key) => {
      const children = (await ops.listFeatures()).filter((f) => f.parentKey === key);
      await ops.syncFeatures(children.map((c) => ({ ...c, parentKey: null })));
      return ops.deleteFeature(key);
    },
  })),
  'deleteFeature refuses a feature referenced by a boost, a counter, an alert or a namespace limit (in_use)': patched((ops) => ({
    deleteFeature: async (key) => {
      const result = await ops.deleteFeature(key);
      return result === 'in_use' ? 'deleted' : result;
    },
  })),
  'assignPackage records active assignments that readGrants returns oldest first': patched((ops) => ({
    readGrants: async (t) => {
      const grants = await ops.readGrants(t);
      return { ...grants, packages: [...grants.packages].sort((a, b) => (a.packageKey < b.packageKey ? 1 : -1)) };
    },
  })),
  'assignPackage of an already active package throws AlreadyExistsError(package assignment) and keeps the first': patched((ops) => ({
    // Replaces the active assignment instead of refusing the second one.
    assignPackage: async (a) => {
      await ops.cancelPackage({ tenantId: a.tenantId, packageKey: a.packageKey, cancelledBy: 'replaced', cancelledAt: a.assignedAt });
      await ops.assignPackage(a);
    },
  })),
  'cancelPackage cancels the active assignment and returns it; the package can then be assigned again': patched((ops) => ({
    cancelPackage: async (c) => {
      const cancelled = await ops.cancelPackage(c);
      return cancelled && { ...cancelled, cancelledBy: null, cancelledAt: null };
    },
  })),
  'assignPackage to a missing tenant throws NotFoundError': patched((ops) => ({
    assignPackage: (a) => ops.assignPackage(a).catch(ignoring('not_found')),
  })),
  'addBoost records limited, unlimited and expiring boosts that readGrants returns oldest first': patched((ops) => ({
    addBoost: (b) => ops.addBoost({ ...b, amount: b.amount === 'unlimited' ? 0 : b.amount }),
  })),
  'addBoost throws NotFoundError for a missing tenant and FeatureNotFoundError for a missing feature': patched((ops) => ({
    addBoost: (b) => ops.addBoost(b).catch(ignoring('feature_not_found')),
  })),
  'setNamespaceLimit sets, replaces and clears a namespace limit': patched((ops) => ({
    setNamespaceLimit: async (change) => {
      if (change.limit !== 'unlimited') await ops.setNamespaceLimit(change);
    },
  })),
  'setNamespaceLimit throws NotFoundError for a missing tenant and FeatureNotFoundError for a missing feature': patched((ops) => ({
    setNamespaceLimit: (change) => ops.setNamespaceLimit(change).catch(ignoring('not_found')),
  })),
  "readGrants returns only that tenant's grants, and empty lists for an unknown tenant": patched(sharedBoosts),
  'concurrent assignments of the same package: exactly one succeeds': patched(racyAssignments),
  'consume creates a counter, then increments it, reporting the value before and after': patched((ops) => ({
    consume: mapResult(ops, (r) => (r.outcome === 'consumed' ? { ...r, counters: r.counters.map((c) => ({ before: c.after, after: c.after })) } : r)),
  })),
  'consume past the limit is exceeded with the index and value of the full counter, and writes nothing': patched((ops) => ({
    consume: (r) => ops.consume({ ...r, counters: r.counters.map((c) => ({ ...c, limit: c.limit === 'unlimited' ? c.limit : c.limit + 1 })) }),
  })),
  'consume of several counters is all or nothing: a later counter without room leaves the earlier ones untouched': patched(counterByCounter),
  "consume of unlimited counters (limit 'unlimited') succeeds up to Number.MAX_SAFE_INTEGER": patched((ops) => ({
    consume: (r) => ops.consume({ ...r, counters: r.counters.map((c) => ({ ...c, limit: c.limit === 'unlimited' ? 1000 : c.limit })) }),
  })),
  'consume refuses to take any counter past Number.MAX_SAFE_INTEGER, unlimited ones included, and writes nothing (not even the idempotency key)':
    patched(noCeiling),
  'counters are separate per tenant, feature, namespace and window': patched(foldedNamespaces),
  'consume throws NotFoundError for a missing tenant and FeatureNotFoundError for a missing feature, writing nothing': patched((ops) => ({
    consume: (r) =>
      ops.consume(r).catch((error: unknown): ConsumeResult => {
        ignoring('not_found')(error);
        return { outcome: 'consumed', counters: [] };
      }),
  })),
  'consume with an idempotency key replays the first result and counts once': patched((ops) => ({
    consume: (r) => ops.consume(withoutKey(r)),
  })),
  'a reused idempotency key with a different fingerprint is an idempotency_conflict and writes nothing': patched((ops) => ({
    consume: (r) => ops.consume(r.idempotency === undefined ? r : { ...r, idempotency: { key: r.idempotency.key, fingerprint: '' } }),
  })),
  'a recorded idempotency key replays whatever the limits of the retry, with the limits the consumption was applied under': patched(limitsBeforeKey),
  'an idempotency key whose consumption was refused stays free for a retry': patched(refusalsKeepTheKey),
  'idempotency keys are scoped to the tenant and compared exactly': patched((ops) => ({
    consume: (r) => ops.consume(r.idempotency === undefined ? r : { ...r, idempotency: { ...r.idempotency, key: r.idempotency.key.toLowerCase().trim() } }),
  })),
  'release decrements every counter and reports the value before and after': patched((ops) => ({
    release: (r) => ops.release({ ...r, counters: r.counters.slice(0, 1) }),
  })),
  'release is all or nothing: a counter holding less than the amount is insufficient and nothing changes': patched(counterByCounter),
  'readCounters returns the values in the order asked, 0 for counters never written': patched((ops) => ({
    readCounters: async (t, c) => [...(await ops.readCounters(t, c))].sort((a, b) => a - b),
  })),
  'recordAlert records an alert once per feature, namespace, threshold and window; listAlerts returns them oldest first': patched((ops) => ({
    recordAlert: async (a) => {
      await ops.recordAlert(a);
      return true;
    },
  })),
  'recordAlert throws NotFoundError for a missing tenant and FeatureNotFoundError for a missing feature': patched((ops) => ({
    recordAlert: (a) =>
      ops.recordAlert(a).catch((error: unknown) => {
        ignoring('not_found')(error);
        return false;
      }),
  })),
  'audit and entitlement writes inside a transaction roll back with it': patched(() => ({}), noTransaction),
  'refused and failed entitlement writes inside a transaction undo only themselves and leave it usable': patched(() => ({}), poisonedAfterFailure),
  '20 concurrent consumes of 1 against a limit of 7: exactly 7 succeed': patched(racyCounters),
  'concurrent consumes of a child, its pool and a namespace never exceed any level': patched(racyCounters),
  'concurrent consumes with the same idempotency key count once': patched(racyIdempotency),
  'concurrent releases never take a counter below zero': patched(racyCounters),
  'concurrent recordAlert calls for the same alert: exactly one records it': patched(racyAlerts),
  'hitRateLimit counts hits up to the limit, then refuses without counting; keys and windows are independent': patched((ops) => ({
    // Ignores the window: every window shares one counter.
    hitRateLimit: (h) => ops.hitRateLimit({ ...h, windowStart: new Date(0) }),
  })),
  'hitRateLimit weighs hits by cost and refuses a cost that does not fit, whole': patched((ops) => ({
    hitRateLimit: (h) => ops.hitRateLimit({ ...h, cost: 1 }),
  })),
  '30 concurrent hits against a limit of 10: exactly 10 are allowed': patched((ops) => ({
    // Read, then write after a pause: the check and the increment are no longer one step.
    hitRateLimit: async (h) => {
      const seen = await ops.hitRateLimit({ ...h, cost: 0 });
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (seen.count + h.cost > h.limit) return { allowed: false, count: seen.count };
      return ops.hitRateLimit({ ...h, limit: Number.MAX_SAFE_INTEGER });
    },
  })),
  'a window outlives its end: a late hit after the next window opened still counts in it': patched(eagerPruning),
  'concurrent hits straddling a window boundary are counted exactly, each in its own window, without errors': patched(eagerPruning),
  'hitRateLimit rejects a key with a control character or a lone surrogate, empty or over 200 characters, with ValidationError': patched((ops) => ({
    // Repairs the key instead of refusing it.
    // eslint-disable-next-line no-control-regex
    hitRateLimit: (h) => ops.hitRateLimit({ ...h, key: (h.key.replace(/[\u0000-\u001f\u007f-\u009f]|\p{Cs}/gu, '?') || '?').slice(0, 200) }),
  })),
} satisfies Partial<Record<StoreConformanceCaseName, () => Store>>;
