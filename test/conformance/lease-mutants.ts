import type { StoreConformanceCaseName } from 'tenantry/testing';
import type { LeaseRecord } from '../../src/store/lease-records.js';
import type { Store } from '../../src/store/store.js';
import { noTransaction, pause, patched } from './store-mutants.js';

/** Deliberately broken lease operations, one per lease conformance case. */
export const LEASE_MUTANTS = {
  'acquireLease takes the granted units from every counter and records the lease, in the lock order': patched((ops) => ({
    // Draws on the first level only.
    acquireLease: (r) => ops.acquireLease({ ...r, counters: r.counters.slice(0, 1) }),
  })),
  'acquireLease is refused per level, with the caller index and value of the full counter, writing neither counters nor a lease': patched((ops) => ({
    // Forgets the last level (the pool).
    acquireLease: (r) => ops.acquireLease({ ...r, counters: r.counters.slice(0, -1) }),
  })),
  'acquireLease throws NotFoundError for a missing tenant and FeatureNotFoundError for a missing feature, writing nothing': patched((ops) => ({
    acquireLease: (r) => ops.acquireLease(r).catch(() => ({ outcome: 'exceeded' as const, index: 0, used: 0 })),
  })),
  'checkpointLease records the holder’s count; a lower count, one above granted, another holder or a gone lease write nothing': patched((ops) => ({
    // Claims success whatever the guard said.
    checkpointLease: async (c) => (await ops.checkpointLease(c)) || true,
  })),
  'returnLease deletes the lease and releases exactly the unused remainder from every counter, once': patched((ops) => ({
    // Ignores the holder's final count: gives back everything past the checkpoint.
    returnLease: (r) => ops.returnLease({ ...r, consumed: 0 }),
  })),
  'reclaimLeases returns granted minus the checkpoint of expired leases only, of the one feature, and the holder then finds its lease gone': patched((ops) => ({
    // Ignores the expiry.
    reclaimLeases: (r) => ops.reclaimLeases({ ...r, now: new Date(8.64e15) }),
  })),
  'concurrent reclaims and returns of one lease release its units once': patched((ops) => ({
    // Reads the expired leases, then releases and deletes them in separate steps after a pause.
    reclaimLeases: async (r) => {
      const expired = (await ops.listLeases(r.tenantId)).filter((l) => l.featureKey === r.featureKey && l.expiresAt <= r.now);
      await pause();
      const reclaimed = [];
      for (const lease of expired) {
        const units = lease.granted - lease.consumed;
        await ops.release({ tenantId: r.tenantId, amount: units, counters: lease.counters.map((c) => ({ ...c, limit: 'unlimited' as const })) });
        await ops.returnLease({ tenantId: r.tenantId, leaseId: lease.id, holderId: lease.holderId, consumed: lease.granted });
        reclaimed.push({ leaseId: lease.id, holderId: lease.holderId, units });
      }
      return reclaimed;
    },
  })),
  'deleteTenant deletes the tenant’s leases; other tenants keep theirs': patched((ops) => {
    // Keeps a copy of every lease that tenant deletion does not know about.
    const copies = new Map<string, LeaseRecord>();
    return {
      acquireLease: async (r) => {
        const result = await ops.acquireLease(r);
        if (result.outcome === 'acquired') copies.set(result.lease.id, result.lease);
        return result;
      },
      listLeases: async (tenantId) => {
        const stored = await ops.listLeases(tenantId);
        const extra = [...copies.values()].filter((l) => l.tenantId === tenantId && !stored.some((s) => s.id === l.id));
        return [...stored, ...extra];
      },
    };
  }),
  // Work runs on the store itself: the lease stays when the transaction throws.
  'acquireLease inside a transaction that throws leaves neither counters nor a lease': patched((ops) => ops, noTransaction),
} satisfies Partial<Readonly<Record<StoreConformanceCaseName, () => Store>>>;
