import { AlreadyExistsError } from '../../src/core/errors/index.js';
import type { AuditRecord } from '../../src/store/audit-records.js';
import type { BoostRecord, ConsumeRequest, ConsumeResult, CounterChange } from '../../src/store/entitlement-records.js';
import type { StoreOperations } from '../../src/store/store-operations.js';
import { pause, type Patch } from './store-mutants.js';

/**
 * Patches that break one audit or entitlement behaviour of a memory store;
 * `entitlement-mutants.ts` applies them, one per conformance case.
 */

/** The request without its idempotency key. */
export function withoutKey(request: ConsumeRequest): ConsumeRequest {
  const { idempotency: _idempotency, ...rest } = request;
  return rest;
}

/** Consumes counter by counter, each on its own: no all-or-nothing. */
export const counterByCounter: Patch = (ops) => ({
  async consume(request) {
    if (request.counters.length <= 1) return ops.consume(request);
    const changes: CounterChange[] = [];
    for (const [index, counter] of request.counters.entries()) {
      const result = await ops.consume({ ...withoutKey(request), counters: [counter] });
      if (result.outcome === 'exceeded') return { ...result, index };
      if (result.outcome !== 'consumed') return result;
      changes.push(...result.counters);
    }
    return { outcome: 'consumed', counters: changes };
  },
  async release(request) {
    const changes: CounterChange[] = [];
    for (const [index, counter] of request.counters.entries()) {
      const result = await ops.release({ ...request, counters: [counter] });
      if (result.outcome === 'insufficient') return { ...result, index };
      changes.push(...result.counters);
    }
    return { outcome: 'released', counters: changes };
  },
});

/** Reads the counters, pauses, then writes without a guard: concurrent calls all see room. */
export const racyCounters: Patch = (ops) => ({
  async consume(request) {
    const used = await ops.readCounters(request.tenantId, request.counters);
    await pause();
    const index = request.counters.findIndex((c, i) => c.limit !== 'unlimited' && (used[i] ?? 0) + request.amount > c.limit);
    if (index >= 0) return { outcome: 'exceeded', index, used: used[index] ?? 0 };
    return ops.consume({ ...request, counters: request.counters.map((c) => ({ ...c, limit: 'unlimited' as const })) });
  },
  async release(request) {
    const used = await ops.readCounters(request.tenantId, request.counters);
    await pause();
    const index = used.findIndex((u) => u < request.amount);
    if (index >= 0) return { outcome: 'insufficient', index, used: used[index] ?? 0 };
    // A negative, unguarded consumption: nothing stops it below zero.
    const result = await ops.consume({
      tenantId: request.tenantId,
      amount: -request.amount,
      counters: request.counters.map((c) => ({ ...c, limit: 'unlimited' as const })),
      now: new Date(),
    });
    return result.outcome === 'consumed' ? { outcome: 'released', counters: result.counters } : { outcome: 'insufficient', index: 0, used: 0 };
  },
});

/** Idempotency checked in a side table before consuming, recorded after: concurrent retries all consume. */
export const racyIdempotency: Patch = (ops) => {
  const seen = new Map<string, readonly CounterChange[]>();
  return {
    async consume(request) {
      if (request.idempotency === undefined) return ops.consume(request);
      const key = `${request.tenantId}\u0000${request.idempotency.key}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) return { outcome: 'replayed', counters: earlier };
      await pause();
      const result = await ops.consume(withoutKey(request));
      if (result.outcome === 'consumed') seen.set(key, result.counters);
      return result;
    },
  };
};

/** Checks every counter's room before the idempotency key: a retry under lower limits is refused instead of replayed. */
export const limitsBeforeKey: Patch = (ops) => ({
  async consume(request) {
    if (request.idempotency !== undefined) {
      const used = await ops.readCounters(request.tenantId, request.counters);
      const index = request.counters.findIndex((c, i) => c.limit !== 'unlimited' && (used[i] ?? 0) + request.amount > c.limit);
      if (index >= 0) return { outcome: 'exceeded', index, used: used[index] ?? 0 };
    }
    return ops.consume(request);
  },
});

/**
 * Guards only real limits, as an upsert without the ceiling would: a
 * refusal of an unlimited counter is reported as consumed (past
 * `Number.MAX_SAFE_INTEGER`, where the memory store cannot follow).
 */
export const noCeiling: Patch = (ops) => ({
  async consume(request) {
    const result = await ops.consume(request);
    if (result.outcome !== 'exceeded' || request.counters[result.index]?.limit !== 'unlimited') return result;
    const used = await ops.readCounters(request.tenantId, request.counters);
    return { outcome: 'consumed', counters: used.map((before) => ({ before, after: before + request.amount })) };
  },
});

/** Keeps a refused key as used: a retry replays the refusal instead of trying again. */
export const refusalsKeepTheKey: Patch = (ops) => {
  const refused = new Map<string, ConsumeResult>();
  return {
    async consume(request) {
      const key = request.idempotency === undefined ? undefined : `${request.tenantId}\u0000${request.idempotency.key}`;
      const earlier = key === undefined ? undefined : refused.get(key);
      if (earlier !== undefined) return earlier;
      const result = await ops.consume(request);
      if (key !== undefined && result.outcome === 'exceeded') refused.set(key, result);
      return result;
    },
  };
};

/** Lists every entry appended through this store, whatever the tenant. */
export const sharedAuditLog: Patch = (ops) => {
  const all: AuditRecord[] = [];
  return {
    async appendAudit(entry) {
      await ops.appendAudit(entry);
      all.push(entry);
    },
    listAudit: (_tenantId, page) => Promise.resolve([...all].sort((a, b) => (a.id < b.id ? 1 : -1)).slice(0, page.limit)),
  };
};

/** Returns every boost added through this store, whatever the tenant. */
export const sharedBoosts: Patch = (ops) => {
  const all: BoostRecord[] = [];
  return {
    async addBoost(boost) {
      await ops.addBoost(boost);
      all.push(boost);
    },
    readGrants: async (tenantId) => ({ ...(await ops.readGrants(tenantId)), boosts: all }),
  };
};

export const byLocaleKey = <T extends { readonly featureKey?: string; readonly key?: string }>(items: readonly T[]) =>
  [...items].sort((a, b) => (a.featureKey ?? a.key ?? '').localeCompare(b.featureKey ?? b.key ?? ''));

/** Folds namespaces case-insensitively, as a case-insensitive collation would. */
export const foldedNamespaces: Patch = (ops) => ({
  consume: (request) => ops.consume({ ...request, counters: request.counters.map((c) => ({ ...c, namespace: c.namespace.toLowerCase() })) }),
  readCounters: (tenantId, counters) =>
    ops.readCounters(
      tenantId,
      counters.map((c) => ({ ...c, namespace: c.namespace.toLowerCase() })),
    ),
});

/** Assigns after a separate, paused check, replacing any active assignment: no unique constraint. */
export const racyAssignments: Patch = (ops) => ({
  async assignPackage(assignment) {
    const active = (await ops.readGrants(assignment.tenantId)).packages.some((p) => p.packageKey === assignment.packageKey);
    await pause();
    if (active) throw new AlreadyExistsError('package assignment');
    await ops.cancelPackage({ tenantId: assignment.tenantId, packageKey: assignment.packageKey, cancelledBy: 'race', cancelledAt: new Date() });
    await ops.assignPackage(assignment);
  },
});

/** Checks the alert history, pauses, then records and reports it as new. */
export const racyAlerts: Patch = (ops) => ({
  async recordAlert(alert) {
    const known = (await ops.listAlerts(alert.tenantId)).some((a) => a.featureKey === alert.featureKey && a.threshold === alert.threshold);
    await pause();
    if (known) return false;
    await ops.recordAlert(alert);
    return true;
  },
});

export const mapResult =
  (ops: StoreOperations, map: (result: ConsumeResult) => ConsumeResult): StoreOperations['consume'] =>
  async (request) =>
    map(await ops.consume(request));
