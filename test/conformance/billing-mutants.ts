import type { StoreConformanceCaseName } from 'tenantry/testing';
import type { Store } from '../../src/store/store.js';
import { racyIdempotency } from './entitlement-patches.js';
import { ignoring, noTransaction, patched } from './store-mutants.js';

/** For every billing-cycle case, a store broken in the way that case exists to catch. */
export const BILLING_MUTANTS = {
  'setCycleAnchor stores the anchor readGrants returns (to the millisecond), replaces it, and survives cancelPackage': patched((ops) => ({
    // Keeps the first anchor for ever.
    setCycleAnchor: async (change) => {
      if ((await ops.readGrants(change.tenantId)).cycleAnchor === undefined) await ops.setCycleAnchor(change);
    },
  })),
  'setCycleAnchor and shiftUsage on a missing tenant throw NotFoundError': patched((ops) => ({
    setCycleAnchor: (change) => ops.setCycleAnchor(change).catch(ignoring('not_found')),
  })),
  'setCycleAnchor inside a transaction that throws is rolled back': patched(() => ({}), noTransaction),
  'shiftUsage carry raises every pool of the new window to the old window, keeps a larger new counter, and leaves the old window': patched((ops) => ({
    // Carries only the tenant pool, and adds instead of keeping the larger value.
    shiftUsage: async (request) => {
      if (request.usage === 'reset') return ops.shiftUsage(request);
      for (const shift of request.shifts) {
        const [used = 0] = await ops.readCounters(request.tenantId, [{ featureKey: shift.featureKey, namespace: '', windowStart: shift.from }]);
        const counters = [{ featureKey: shift.featureKey, namespace: '', windowStart: shift.to, limit: 'unlimited' as const }];
        if (used > 0) await ops.consume({ tenantId: request.tenantId, amount: used, counters, now: new Date() });
      }
    },
  })),
  'shiftUsage reset zeroes every pool of the new window only': patched((ops) => ({
    // Resets nothing.
    shiftUsage: async (request) => {
      if (request.usage === 'carry') await ops.shiftUsage(request);
    },
  })),
  'an idempotency record counts until its expiresAt: then the key is free again, for any request, and the new record replays': patched((ops) => ({
    // Records never expire.
    consume: (request) => {
      const { idempotency } = request;
      if (idempotency === undefined) return ops.consume(request);
      return ops.consume({ ...request, idempotency: { key: idempotency.key, fingerprint: idempotency.fingerprint } });
    },
  })),
  'concurrent consumes under one expired idempotency key: exactly one counts': patched(racyIdempotency),
  'prune deletes idempotency records expired at now, in batches, and keeps live records and records without expiry': patched((ops) => ({
    // Reads expiry against the wrong clock: nothing has expired yet.
    prune: (request) => ops.prune({ ...request, now: new Date(0) }),
  })),
  'prune deletes rate-limit windows that ended more than the retention before now, and keeps the others': patched((ops) => ({
    // Prunes every window, the live ones too.
    prune: (request) => ops.prune({ now: new Date('2999-01-01T00:00:00.000Z'), batchSize: request.batchSize ?? 1000 }),
  })),
  'prune deletes audit entries older than auditOlderThan only when asked, in batches, and keeps newer ones': patched((ops) => ({
    // Ignores the batch size.
    prune: (request) => ops.prune({ ...request, batchSize: 10_000 }),
  })),
} satisfies Partial<Record<StoreConformanceCaseName, () => Store>>;
