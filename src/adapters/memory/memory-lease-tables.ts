import { AlreadyExistsError } from '../../core/errors/index.js';
import type { CounterKey } from '../../store/entitlement-operations.js';
import type {
  LeaseAcquireRequest,
  LeaseAcquireResult,
  LeaseCheckpoint,
  LeaseReclaim,
  LeaseReclaimRequest,
  LeaseRecord,
  LeaseReturnRequest,
  LeaseReturnResult,
} from '../../store/lease-records.js';
import type { MemoryEntitlementTables } from './memory-entitlement-tables.js';
import { compare, type Undo } from './memory-tables.js';
import { assertValidDates } from './valid-date.js';

const NOT_FOUND: LeaseReturnResult = Object.freeze({ outcome: 'not_found' });

/**
 * Quota leases in memory. Every method is synchronous, and draws on (or
 * gives back to) the counters through the entitlement tables' own `consume`
 * and `release`, so a lease is exactly the same guarded write as a
 * consumption, with its row written in the same step.
 */
export class MemoryLeaseTables {
  readonly #leases = new Map<string, LeaseRecord>();
  readonly #entitlements: MemoryEntitlementTables;

  constructor(entitlements: MemoryEntitlementTables) {
    this.#entitlements = entitlements;
  }

  acquireLease(request: LeaseAcquireRequest, undo: Undo[]): LeaseAcquireResult {
    assertValidDates(request.now, request.expiresAt);
    if (this.#leases.has(request.id)) throw new AlreadyExistsError('quota lease');
    const consumed = this.#entitlements.consume({ tenantId: request.tenantId, amount: request.granted, counters: request.counters, now: request.now }, undo);
    if (consumed.outcome === 'exceeded') return consumed;
    if (consumed.outcome !== 'consumed') throw new Error(`A lease consume without an idempotency key answered "${consumed.outcome}".`);
    const lease: LeaseRecord = Object.freeze({
      id: request.id,
      tenantId: request.tenantId,
      featureKey: request.featureKey,
      holderId: request.holderId,
      counters: Object.freeze(request.counters.map(counterKeyOf)),
      granted: request.granted,
      consumed: 0,
      acquiredAt: new Date(request.now.getTime()),
      expiresAt: new Date(request.expiresAt.getTime()),
    });
    this.#set(lease, undo);
    return Object.freeze({ outcome: 'acquired', lease, counters: consumed.counters });
  }

  checkpointLease(checkpoint: LeaseCheckpoint, undo: Undo[]): boolean {
    const lease = this.#leases.get(checkpoint.leaseId);
    if (lease?.tenantId !== checkpoint.tenantId || lease.holderId !== checkpoint.holderId) return false;
    if (checkpoint.consumed < lease.consumed || checkpoint.consumed > lease.granted) return false;
    this.#set(Object.freeze({ ...lease, consumed: checkpoint.consumed }), undo);
    return true;
  }

  returnLease(request: LeaseReturnRequest, undo: Undo[]): LeaseReturnResult {
    const lease = this.#leases.get(request.leaseId);
    if (lease?.tenantId !== request.tenantId || lease.holderId !== request.holderId) return NOT_FOUND;
    return Object.freeze({ outcome: 'returned', units: this.#drop(lease, request.consumed, undo) });
  }

  reclaimLeases(request: LeaseReclaimRequest, undo: Undo[]): readonly LeaseReclaim[] {
    assertValidDates(request.now);
    const expired = this.listLeases(request.tenantId).filter(
      (lease) => lease.featureKey === request.featureKey && lease.expiresAt.getTime() <= request.now.getTime(),
    );
    return Object.freeze(
      expired.map((lease) => Object.freeze({ leaseId: lease.id, holderId: lease.holderId, units: this.#drop(lease, lease.consumed, undo) })),
    );
  }

  listLeases(tenantId: string): LeaseRecord[] {
    return [...this.#leases.values()].filter((lease) => lease.tenantId === tenantId).sort((a, b) => compare(a.featureKey, b.featureKey) || compare(a.id, b.id));
  }

  deleteTenantRows(tenantId: string, undo: Undo[]): void {
    for (const lease of this.listLeases(tenantId)) this.#delete(lease.id, undo);
  }

  /** Deletes `lease` and releases its unused units (none when a counter holds fewer: its window was reset). */
  #drop(lease: LeaseRecord, consumed: number, undo: Undo[]): number {
    this.#delete(lease.id, undo);
    const units = lease.granted - Math.min(consumed, lease.granted);
    if (units === 0) return 0;
    const counters = lease.counters.map((counter) => ({ ...counter, limit: 'unlimited' as const }));
    const released = this.#entitlements.release({ tenantId: lease.tenantId, amount: units, counters }, undo);
    return released.outcome === 'released' ? units : 0;
  }

  #set(lease: LeaseRecord, undo: Undo[]): void {
    const previous = this.#leases.get(lease.id);
    undo.push(() => {
      if (previous === undefined) this.#leases.delete(lease.id);
      else this.#leases.set(lease.id, previous);
    });
    this.#leases.set(lease.id, lease);
  }

  #delete(id: string, undo: Undo[]): void {
    const previous = this.#leases.get(id);
    if (previous === undefined) return;
    undo.push(() => this.#leases.set(id, previous));
    this.#leases.delete(id);
  }
}

function counterKeyOf(counter: CounterKey): CounterKey {
  return Object.freeze({ featureKey: counter.featureKey, namespace: counter.namespace, windowStart: new Date(counter.windowStart.getTime()) });
}
