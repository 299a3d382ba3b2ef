import { AlreadyExistsError, NotFoundError } from '../../core/errors/index.js';
import { FeatureNotFoundError } from '../../core/errors/entitlement-errors.js';
import type {
  AlertRecord,
  BoostRecord,
  ConsumeRequest,
  ConsumeResult,
  CounterChange,
  CounterRecord,
  CounterTarget,
  CycleAnchorChange,
  FeatureDeletion,
  FeatureRecord,
  NamespaceLimitRecord,
  PackageAssignmentRecord,
  ReleaseRequest,
  ReleaseResult,
  TenantGrants,
  UsageShiftRequest,
} from '../../store/entitlement-records.js';
import { counterCeiling } from '../../store/entitlement-records.js';
import { planGranted, withLevels, type GrantedConsumeRequest, type GrantedConsumeResult } from '../../store/granted-consume.js';
import type { NamespaceLimitChange, PackageCancellation } from '../../store/entitlement-operations.js';
import type {
  IdempotentResponseLookup,
  IdempotentResponseRecord,
  IdempotentResponseSave,
  IdempotentResponseSaveResult,
  IdempotentResponseState,
} from '../../store/idempotent-response-operations.js';
import { compare, type Undo } from './memory-tables.js';
import { assertValidDates } from './valid-date.js';

const key = (...parts: readonly (string | number)[]) => parts.join('\u0000');
const counterKey = (tenantId: string, target: Pick<CounterTarget, 'featureKey' | 'namespace' | 'windowStart'>) =>
  key(tenantId, target.featureKey, target.namespace, target.windowStart.getTime());

/** Whether a record expiring at `expiresAt` still counts at `now`. */
const live = (expiresAt: Date | null, now: Date) => expiresAt === null || expiresAt.getTime() > now.getTime();

/** A frozen copy that shares no bytes with the caller's, as a database row would not. */
function copyResponse(response: IdempotentResponseRecord): IdempotentResponseRecord {
  return Object.freeze({
    status: response.status,
    headers: Object.freeze(response.headers.map(([name, value]) => Object.freeze([name, value] as const))),
    body: response.body === null ? null : Uint8Array.from(response.body),
  });
}

/** Restores `map`'s entry for `k` to what it is now. */
function remember<K, V>(map: Map<K, V>, k: K, undo: Undo[]): void {
  const had = map.has(k);
  const previous = map.get(k);
  undo.push(() => {
    if (had) map.set(k, previous as V);
    else map.delete(k);
  });
}

/**
 * Entitlement tables in memory: the reference semantics of every entitlement
 * store operation. Each method runs synchronously, so guard and write cannot
 * interleave with another call.
 */
export class MemoryEntitlementTables {
  readonly #features = new Map<string, FeatureRecord>();
  readonly #assignments = new Map<string, PackageAssignmentRecord>();
  readonly #boosts = new Map<string, BoostRecord>();
  readonly #namespaceLimits = new Map<string, NamespaceLimitRecord>();
  readonly #counters = new Map<string, CounterRecord>();
  readonly #idempotency = new Map<
    string,
    {
      readonly fingerprint: string;
      readonly counters: readonly CounterChange[];
      readonly limits: readonly (number | 'unlimited')[];
      readonly expiresAt: Date | null;
      /** The response-replay helper's stored response, once saved. */
      readonly response?: IdempotentResponseRecord;
    }
  >();
  readonly #cycleAnchors = new Map<string, Date>();
  readonly #alerts = new Map<string, AlertRecord>();
  readonly #tenantExists: (tenantId: string) => boolean;

  constructor(tenantExists: (tenantId: string) => boolean) {
    this.#tenantExists = tenantExists;
  }

  /** Deletes every row of `tenantId` (assignments, boosts, namespace limits, counters, idempotency records, alerts, the billing-cycle anchor). */
  deleteTenantRows(tenantId: string, undo: Undo[]): void {
    // Tenant ids hold no control character, so the NUL-joined keys of a tenant share this prefix.
    const prefix = key(tenantId, '');
    const drop = <V>(map: Map<string, V>, owned: (k: string, v: V) => boolean) => {
      for (const [k, v] of [...map]) {
        if (!owned(k, v)) continue;
        remember(map, k, undo);
        map.delete(k);
      }
    };
    drop(this.#assignments, (_k, v) => v.tenantId === tenantId);
    drop(this.#boosts, (_k, v) => v.tenantId === tenantId);
    drop(this.#namespaceLimits, (_k, v) => v.tenantId === tenantId);
    drop(this.#counters, (_k, v) => v.tenantId === tenantId);
    drop(this.#alerts, (_k, v) => v.tenantId === tenantId);
    drop(this.#idempotency, (k) => k.startsWith(prefix));
    drop(this.#cycleAnchors, (k) => k === tenantId);
  }

  syncFeatures(features: readonly FeatureRecord[], undo: Undo[]): void {
    for (const feature of features) {
      remember(this.#features, feature.key, undo);
      this.#features.set(feature.key, Object.freeze({ ...feature }));
    }
    for (const feature of features) {
      if (feature.parentKey !== null && !this.#features.has(feature.parentKey)) throw new FeatureNotFoundError(feature.parentKey);
    }
  }

  listFeatures(): readonly FeatureRecord[] {
    return [...this.#features.values()].sort((a, b) => compare(a.key, b.key));
  }

  deleteFeature(featureKey: string, undo: Undo[]): FeatureDeletion {
    if (!this.#features.has(featureKey)) return 'not_found';
    if ([...this.#features.values()].some((f) => f.parentKey === featureKey)) return 'has_children';
    const referenced =
      [...this.#boosts.values()].some((b) => b.featureKey === featureKey) ||
      [...this.#counters.values()].some((c) => c.featureKey === featureKey) ||
      [...this.#alerts.values()].some((a) => a.featureKey === featureKey) ||
      [...this.#namespaceLimits.values()].some((n) => n.featureKey === featureKey);
    if (referenced) return 'in_use';
    remember(this.#features, featureKey, undo);
    this.#features.delete(featureKey);
    return 'deleted';
  }

  assignPackage(assignment: PackageAssignmentRecord, undo: Undo[]): void {
    assertValidDates(assignment.assignedAt, assignment.cancelledAt);
    this.#requireTenant(assignment.tenantId);
    const active = [...this.#assignments.values()].some(
      (a) => a.tenantId === assignment.tenantId && a.packageKey === assignment.packageKey && a.cancelledAt === null,
    );
    if (active) throw new AlreadyExistsError('package assignment');
    remember(this.#assignments, assignment.id, undo);
    this.#assignments.set(assignment.id, Object.freeze({ ...assignment }));
  }

  cancelPackage(cancellation: PackageCancellation, undo: Undo[]): PackageAssignmentRecord | undefined {
    assertValidDates(cancellation.cancelledAt);
    const active = [...this.#assignments.values()].find(
      (a) => a.tenantId === cancellation.tenantId && a.packageKey === cancellation.packageKey && a.cancelledAt === null,
    );
    if (active === undefined) return undefined;
    const cancelled = Object.freeze({ ...active, cancelledBy: cancellation.cancelledBy, cancelledAt: cancellation.cancelledAt });
    remember(this.#assignments, active.id, undo);
    this.#assignments.set(active.id, cancelled);
    return cancelled;
  }

  addBoost(boost: BoostRecord, undo: Undo[]): void {
    assertValidDates(boost.expiresAt, boost.createdAt);
    this.#requireTenant(boost.tenantId);
    this.#requireFeature(boost.featureKey);
    remember(this.#boosts, boost.id, undo);
    this.#boosts.set(boost.id, Object.freeze({ ...boost }));
  }

  setNamespaceLimit({ tenantId, namespace, featureKey, limit }: NamespaceLimitChange, undo: Undo[]): void {
    this.#requireTenant(tenantId);
    this.#requireFeature(featureKey);
    const k = key(tenantId, namespace, featureKey);
    remember(this.#namespaceLimits, k, undo);
    if (limit === 'unlimited') this.#namespaceLimits.delete(k);
    else this.#namespaceLimits.set(k, Object.freeze({ tenantId, namespace, featureKey, limit }));
  }

  setCycleAnchor({ tenantId, anchor }: CycleAnchorChange, undo: Undo[]): void {
    assertValidDates(anchor);
    this.#requireTenant(tenantId);
    remember(this.#cycleAnchors, tenantId, undo);
    this.#cycleAnchors.set(tenantId, new Date(anchor.getTime()));
  }

  shiftUsage({ tenantId, shifts, usage }: UsageShiftRequest, undo: Undo[]): void {
    assertValidDates(...shifts.flatMap((shift) => [shift.from, shift.to]));
    this.#requireTenant(tenantId);
    for (const shift of shifts) {
      this.#requireFeature(shift.featureKey);
      const at = (windowStart: Date) =>
        [...this.#counters.values()].filter(
          (c) => c.tenantId === tenantId && c.featureKey === shift.featureKey && c.windowStart.getTime() === windowStart.getTime(),
        );
      const writes =
        usage === 'reset'
          ? at(shift.to).map((c) => ({ namespace: c.namespace, used: 0 }))
          : at(shift.from).map((c) => ({
              namespace: c.namespace,
              used: Math.max(c.used, this.#counters.get(counterKey(tenantId, { ...c, windowStart: shift.to }))?.used ?? 0),
            }));
      for (const write of writes) {
        const k = counterKey(tenantId, { featureKey: shift.featureKey, namespace: write.namespace, windowStart: shift.to });
        remember(this.#counters, k, undo);
        this.#counters.set(
          k,
          Object.freeze({ tenantId, featureKey: shift.featureKey, namespace: write.namespace, windowStart: new Date(shift.to.getTime()), used: write.used }),
        );
      }
    }
  }

  readGrants(tenantId: string): TenantGrants {
    const anchor = this.#cycleAnchors.get(tenantId);
    const byTime = <T extends { readonly id: string }>(a: T, b: T, time: (x: T) => number) => time(a) - time(b) || (a.id < b.id ? -1 : 1);
    return {
      packages: [...this.#assignments.values()]
        .filter((a) => a.tenantId === tenantId && a.cancelledAt === null)
        .sort((a, b) => byTime(a, b, (x) => x.assignedAt.getTime())),
      boosts: [...this.#boosts.values()].filter((b) => b.tenantId === tenantId).sort((a, b) => byTime(a, b, (x) => x.createdAt.getTime())),
      namespaceLimits: [...this.#namespaceLimits.values()]
        .filter((n) => n.tenantId === tenantId)
        .sort((a, b) => compare(a.namespace, b.namespace) || compare(a.featureKey, b.featureKey)),
      ...(anchor === undefined ? {} : { cycleAnchor: new Date(anchor.getTime()) }),
    };
  }

  consume(request: ConsumeRequest, undo: Undo[]): ConsumeResult {
    assertValidDates(request.now, request.idempotency?.expiresAt ?? null, ...request.counters.map((target) => target.windowStart));
    const idempotencyKey = request.idempotency === undefined ? undefined : key(request.tenantId, request.idempotency.key);
    if (idempotencyKey !== undefined) {
      const previous = this.#idempotency.get(idempotencyKey);
      // An expired record no longer counts: the key is free again, and this consumption replaces it.
      if (previous !== undefined && (previous.expiresAt === null || previous.expiresAt.getTime() > request.now.getTime())) {
        return previous.fingerprint === request.idempotency?.fingerprint
          ? { outcome: 'replayed', counters: previous.counters, limits: previous.limits }
          : { outcome: 'idempotency_conflict' };
      }
    }
    this.#requireTenant(request.tenantId);
    const current = request.counters.map((target) => this.#counters.get(counterKey(request.tenantId, target))?.used ?? 0);
    // Counters are taken in order and the first that fails decides, as in SQL:
    // a counter without room (under its limit and the ceiling) refuses before
    // its write, a write to an unknown feature throws.
    for (const [index, target] of request.counters.entries()) {
      const used = current[index] ?? 0;
      if (request.amount > counterCeiling(target.limit) - used) return { outcome: 'exceeded', index, used };
      this.#requireFeature(target.featureKey);
    }
    const counters = this.#apply(request.tenantId, request.counters, current, request.amount, undo);
    if (idempotencyKey !== undefined && request.idempotency !== undefined) {
      remember(this.#idempotency, idempotencyKey, undo);
      const limits = Object.freeze(request.counters.map((target) => target.limit));
      const expiresAt = request.idempotency.expiresAt ?? null;
      this.#idempotency.set(idempotencyKey, { fingerprint: request.idempotency.fingerprint, counters, limits, expiresAt });
    }
    return { outcome: 'consumed', counters };
  }

  /** `consumeGranted`: the grants as this table holds them, the limits derived from them, then `consume`, all in one step. */
  consumeGranted(request: GrantedConsumeRequest, undo: Undo[]): GrantedConsumeResult {
    assertValidDates(request.now, ...request.levels.map((level) => level.windowStart));
    const plan = planGranted(request, this.readGrants(request.tenantId));
    if (plan.outcome !== 'plan') return plan;
    return withLevels(this.consume(plan.request, undo), plan.levels);
  }

  release(request: ReleaseRequest, undo: Undo[]): ReleaseResult {
    assertValidDates(...request.counters.map((target) => target.windowStart));
    const current = request.counters.map((target) => this.#counters.get(counterKey(request.tenantId, target))?.used ?? 0);
    for (const [index, used] of current.entries()) {
      if (used < request.amount) return { outcome: 'insufficient', index, used };
    }
    return { outcome: 'released', counters: this.#apply(request.tenantId, request.counters, current, -request.amount, undo) };
  }

  readCounters(tenantId: string, targets: readonly Pick<CounterTarget, 'featureKey' | 'namespace' | 'windowStart'>[]): number[] {
    return targets.map((target) => this.#counters.get(counterKey(tenantId, target))?.used ?? 0);
  }

  recordAlert(alert: AlertRecord, undo: Undo[]): boolean {
    assertValidDates(alert.windowStart, alert.createdAt);
    this.#requireTenant(alert.tenantId);
    this.#requireFeature(alert.featureKey);
    const k = key(alert.tenantId, alert.featureKey, alert.namespace, alert.threshold, alert.windowStart.getTime());
    if (this.#alerts.has(k)) return false;
    remember(this.#alerts, k, undo);
    this.#alerts.set(k, Object.freeze({ ...alert }));
    return true;
  }

  /** Saves `save.response` onto the live record of its key and fingerprint, unless it holds one already. */
  saveIdempotentResponse(save: IdempotentResponseSave, undo: Undo[]): IdempotentResponseSaveResult {
    assertValidDates(save.now);
    const k = key(save.tenantId, save.key);
    const record = this.#idempotency.get(k);
    if (record === undefined || !live(record.expiresAt, save.now) || record.fingerprint !== save.fingerprint) return 'not_found';
    if (record.response !== undefined) return 'already_saved';
    remember(this.#idempotency, k, undo);
    this.#idempotency.set(k, { ...record, response: copyResponse(save.response) });
    return 'saved';
  }

  /** The response stored on the live record of `lookup.key`, `pending` before one is saved. */
  readIdempotentResponse(lookup: IdempotentResponseLookup): IdempotentResponseState {
    assertValidDates(lookup.now);
    const record = this.#idempotency.get(key(lookup.tenantId, lookup.key));
    if (record === undefined || record.fingerprint !== lookup.fingerprint || !live(record.expiresAt, lookup.now)) return { state: 'none' };
    return record.response === undefined ? { state: 'pending' } : { state: 'stored', response: copyResponse(record.response) };
  }

  /** Deletes at most `max` idempotency records expired at `now`; returns how many. */
  pruneIdempotency(now: Date, max: number, undo: Undo[]): number {
    let deleted = 0;
    for (const [k, record] of this.#idempotency) {
      if (deleted >= max) break;
      if (record.expiresAt === null || record.expiresAt.getTime() > now.getTime()) continue;
      remember(this.#idempotency, k, undo);
      this.#idempotency.delete(k);
      deleted += 1;
    }
    return deleted;
  }

  listAlerts(tenantId: string): readonly AlertRecord[] {
    return [...this.#alerts.values()]
      .filter((a) => a.tenantId === tenantId)
      .sort(
        (a, b) =>
          a.createdAt.getTime() - b.createdAt.getTime() ||
          a.threshold - b.threshold ||
          compare(a.featureKey, b.featureKey) ||
          compare(a.namespace, b.namespace) ||
          a.windowStart.getTime() - b.windowStart.getTime(),
      );
  }

  #apply(tenantId: string, targets: readonly CounterTarget[], current: readonly number[], delta: number, undo: Undo[]): CounterChange[] {
    return targets.map((target, index) => {
      this.#requireFeature(target.featureKey);
      const k = counterKey(tenantId, target);
      const before = current[index] ?? 0;
      remember(this.#counters, k, undo);
      this.#counters.set(
        k,
        Object.freeze({ tenantId, featureKey: target.featureKey, namespace: target.namespace, windowStart: target.windowStart, used: before + delta }),
      );
      return Object.freeze({ before, after: before + delta });
    });
  }

  #requireTenant(tenantId: string): void {
    if (!this.#tenantExists(tenantId)) throw new NotFoundError();
  }

  #requireFeature(featureKey: string): void {
    if (!this.#features.has(featureKey)) throw new FeatureNotFoundError(featureKey);
  }
}
