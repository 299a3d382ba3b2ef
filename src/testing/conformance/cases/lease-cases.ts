import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { CounterTarget } from '../../../store/entitlement-records.js';
import type { LeaseAcquireRequest } from '../../../store/lease-records.js';
import { rejectsWithCode } from '../assertions.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { EntitlementFixtures, WINDOW } from '../entitlement-fixtures.js';

const HOLD_MS = 60_000;
const AFTER_EXPIRY = new Date(WINDOW.getTime() + HOLD_MS);

function leaseRequest(tenantId: string, counters: readonly CounterTarget[], granted: number, holderId = 'instance-a'): LeaseAcquireRequest {
  const featureKey = counters[0]?.featureKey ?? '';
  return { id: randomUUID(), tenantId, featureKey, holderId, granted, counters, now: WINDOW, expiresAt: new Date(WINDOW.getTime() + HOLD_MS) };
}

/** A tenant with a child feature drawing on a pool, and its three counters (child, child in namespace `team`, pool) in caller order. */
async function hierarchy(f: EntitlementFixtures, limits: { child: number; team: number; pool: number }) {
  const tenantId = await f.seedEntitled('a', { child: 'pool', pool: null });
  const counters = [f.target('child', limits.child), f.target('child', limits.team, { namespace: 'team' }), f.target('pool', limits.pool)];
  return { tenantId, counters };
}

/** Quota leases: acquire through every level, checkpoint, return, reclaim, tenant deletion. */
export const leaseCases = [
  {
    name: 'acquireLease takes the granted units from every counter and records the lease, in the lock order',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const { tenantId, counters } = await hierarchy(f, { child: 100, team: 50, pool: 80 });
      // Caller order pool first: the result comes back in caller order, the lease row in lock order.
      const reversed = [counters[2], counters[0], counters[1]] as CounterTarget[];
      const request = leaseRequest(tenantId, reversed, 20);
      const acquired = await store.acquireLease(request);
      assert.ok(acquired.outcome === 'acquired', acquired.outcome);
      assert.deepEqual(acquired.counters, [
        { before: 0, after: 20 },
        { before: 0, after: 20 },
        { before: 0, after: 20 },
      ]);
      assert.deepEqual(await store.readCounters(tenantId, counters), [20, 20, 20]);
      const [lease, ...others] = await store.listLeases(tenantId);
      assert.equal(others.length, 0);
      assert.ok(lease !== undefined);
      assert.equal(lease.id, request.id);
      assert.equal(lease.holderId, 'instance-a');
      assert.equal(lease.granted, 20);
      assert.equal(lease.consumed, 0);
      assert.equal(lease.expiresAt.getTime(), request.expiresAt.getTime());
      assert.equal(lease.acquiredAt.getTime(), WINDOW.getTime());
      assert.deepEqual(
        lease.counters.map((c) => [c.featureKey, c.namespace, c.windowStart.getTime()]),
        counters.map((c) => [c.featureKey, c.namespace, WINDOW.getTime()]),
      );
    },
  },
  {
    name: 'acquireLease is refused per level, with the caller index and value of the full counter, writing neither counters nor a lease',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const { tenantId, counters } = await hierarchy(f, { child: 100, team: 50, pool: 30 });
      assert.equal((await store.acquireLease(leaseRequest(tenantId, counters, 20))).outcome, 'acquired');
      // The pool (index 2) holds 20 of 30: a lease of 20 does not fit there, though it does at the other levels.
      assert.deepEqual(await store.acquireLease(leaseRequest(tenantId, counters, 20)), { outcome: 'exceeded', index: 2, used: 20 });
      assert.deepEqual(await store.readCounters(tenantId, counters), [20, 20, 20]);
      assert.equal((await store.listLeases(tenantId)).length, 1);
      // Exactly the free capacity fits.
      assert.equal((await store.acquireLease(leaseRequest(tenantId, counters, 10))).outcome, 'acquired');
      assert.deepEqual(await store.readCounters(tenantId, counters), [30, 30, 30]);
    },
  },
  {
    name: 'acquireLease throws NotFoundError for a missing tenant and FeatureNotFoundError for a missing feature, writing nothing',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a');
      await rejectsWithCode(store.acquireLease(leaseRequest(f.tenantId('missing'), [f.target('f', 10)], 1)), 'not_found');
      await rejectsWithCode(store.acquireLease(leaseRequest(tenantId, [f.target('missing', 10)], 1)), 'feature_not_found');
      assert.deepEqual(await store.listLeases(tenantId), []);
    },
  },
  {
    name: 'checkpointLease records the holder’s count; a lower count, one above granted, another holder or a gone lease write nothing',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a');
      const request = leaseRequest(tenantId, [f.target('f', 100)], 10);
      await store.acquireLease(request);
      const at = (consumed: number, holderId = request.holderId) => ({ tenantId, leaseId: request.id, holderId, consumed });
      assert.equal(await store.checkpointLease(at(4)), true);
      assert.equal(await store.checkpointLease(at(3)), false);
      assert.equal(await store.checkpointLease(at(11)), false);
      assert.equal(await store.checkpointLease(at(6, 'instance-b')), false);
      assert.equal((await store.listLeases(tenantId))[0]?.consumed, 4);
      assert.equal(await store.checkpointLease(at(10)), true);
      assert.deepEqual(await store.returnLease(at(10)), { outcome: 'returned', units: 0 });
      assert.equal(await store.checkpointLease(at(10)), false);
    },
  },
  {
    name: 'returnLease deletes the lease and releases exactly the unused remainder from every counter, once',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const { tenantId, counters } = await hierarchy(f, { child: 100, team: 50, pool: 80 });
      const request = leaseRequest(tenantId, counters, 20);
      await store.acquireLease(request);
      assert.equal(await store.checkpointLease({ tenantId, leaseId: request.id, holderId: request.holderId, consumed: 5 }), true);
      // Another holder cannot return it.
      assert.deepEqual(await store.returnLease({ tenantId, leaseId: request.id, holderId: 'instance-b', consumed: 0 }), { outcome: 'not_found' });
      // The holder's final count is 7: 13 come back.
      assert.deepEqual(await store.returnLease({ tenantId, leaseId: request.id, holderId: request.holderId, consumed: 7 }), { outcome: 'returned', units: 13 });
      assert.deepEqual(await store.readCounters(tenantId, counters), [7, 7, 7]);
      assert.deepEqual(await store.listLeases(tenantId), []);
      assert.deepEqual(await store.returnLease({ tenantId, leaseId: request.id, holderId: request.holderId, consumed: 7 }), { outcome: 'not_found' });
      assert.deepEqual(await store.readCounters(tenantId, counters), [7, 7, 7]);
      // The final count is exact: below the checkpoint (claimed ahead), the rest comes back too.
      const second = leaseRequest(tenantId, counters, 10);
      await store.acquireLease(second);
      await store.checkpointLease({ tenantId, leaseId: second.id, holderId: second.holderId, consumed: 6 });
      assert.deepEqual(await store.returnLease({ tenantId, leaseId: second.id, holderId: second.holderId, consumed: 2 }), { outcome: 'returned', units: 8 });
      assert.deepEqual(await store.readCounters(tenantId, counters), [9, 9, 9]);
    },
  },
  {
    name: 'reclaimLeases returns granted minus the checkpoint of expired leases only, of the one feature, and the holder then finds its lease gone',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a', { f: null, g: null });
      const counter = f.target('f', 100);
      const expired = leaseRequest(tenantId, [counter], 30);
      const live = { ...leaseRequest(tenantId, [counter], 10, 'instance-b'), expiresAt: new Date(AFTER_EXPIRY.getTime() + 1) };
      const other = leaseRequest(tenantId, [f.target('g', 100)], 10);
      for (const request of [expired, live, other]) assert.equal((await store.acquireLease(request)).outcome, 'acquired');
      await store.checkpointLease({ tenantId, leaseId: expired.id, holderId: expired.holderId, consumed: 12 });
      assert.deepEqual(await store.reclaimLeases({ tenantId, featureKey: counter.featureKey, now: new Date(AFTER_EXPIRY.getTime() - 1) }), []);
      assert.deepEqual(await store.reclaimLeases({ tenantId, featureKey: counter.featureKey, now: AFTER_EXPIRY }), [
        { leaseId: expired.id, holderId: expired.holderId, units: 18 },
      ]);
      // 12 consumed by the crashed holder stay counted, plus the live lease's 10.
      assert.deepEqual(await store.readCounters(tenantId, [counter]), [22]);
      assert.deepEqual(await store.reclaimLeases({ tenantId, featureKey: counter.featureKey, now: AFTER_EXPIRY }), []);
      assert.equal(await store.checkpointLease({ tenantId, leaseId: expired.id, holderId: expired.holderId, consumed: 13 }), false);
      assert.deepEqual(await store.returnLease({ tenantId, leaseId: expired.id, holderId: expired.holderId, consumed: 13 }), { outcome: 'not_found' });
      assert.deepEqual(
        (await store.listLeases(tenantId)).map((lease) => lease.id),
        [live.id, other.id],
      );
    },
  },
  {
    name: 'concurrent reclaims and returns of one lease release its units once',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a');
      const counter = f.target('f', 1000);
      for (let round = 0; round < 4; round += 1) {
        const request = leaseRequest(tenantId, [counter], 40);
        await store.acquireLease(request);
        await store.checkpointLease({ tenantId, leaseId: request.id, holderId: request.holderId, consumed: 10 });
        const reclaims = Array.from({ length: 6 }, () => store.reclaimLeases({ tenantId, featureKey: counter.featureKey, now: AFTER_EXPIRY }));
        const returns = Array.from({ length: 2 }, () => store.returnLease({ tenantId, leaseId: request.id, holderId: request.holderId, consumed: 10 }));
        const reclaimed = (await Promise.all(reclaims)).flat().reduce((sum, r) => sum + r.units, 0);
        const returned = (await Promise.all(returns)).reduce((sum, r) => sum + (r.outcome === 'returned' ? r.units : 0), 0);
        assert.equal(reclaimed + returned, 30);
        assert.deepEqual(await store.readCounters(tenantId, [counter]), [10 * (round + 1)]);
      }
      assert.deepEqual(await store.listLeases(tenantId), []);
    },
  },
  {
    name: 'deleteTenant deletes the tenant’s leases; other tenants keep theirs',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const doomed = await f.seedEntitled('doomed');
      const kept = await f.seedEntitled('kept');
      await store.acquireLease(leaseRequest(doomed, [f.target('f', 10)], 5));
      await store.acquireLease(leaseRequest(kept, [f.target('f', 10)], 5));
      assert.equal(await store.deleteTenant(doomed), true);
      assert.deepEqual(await store.listLeases(doomed), []);
      assert.equal((await store.listLeases(kept)).length, 1);
    },
  },
  {
    name: 'acquireLease inside a transaction that throws leaves neither counters nor a lease',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await f.seedEntitled('a');
      const counter = f.target('f', 10);
      await assert.rejects(
        store.transaction(
          async (tx) => {
            assert.equal((await tx.acquireLease(leaseRequest(tenantId, [counter], 4))).outcome, 'acquired');
            throw new Error('rolled back');
          },
          { tenantId },
        ),
        /rolled back/,
      );
      assert.deepEqual(await store.readCounters(tenantId, [counter]), [0]);
      assert.deepEqual(await store.listLeases(tenantId), []);
    },
  },
] as const satisfies readonly StoreConformanceCase[];
