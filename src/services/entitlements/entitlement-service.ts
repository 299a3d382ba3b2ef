import type { FeatureCatalog } from '../../core/entitlements/define-features.js';
import type { PackageCatalog } from '../../core/entitlements/define-packages.js';
import { effectiveEntitlements, type EffectiveEntitlements } from '../../core/entitlements/effective-entitlements.js';
import { evaluateHierarchicalConsumption } from '../../core/entitlements/evaluate-hierarchy.js';
import type { Boost } from '../../core/entitlements/grants.js';
import type { Limit } from '../../core/entitlements/limit.js';
import { simulatePackageChange, type PackageChangeSimulation, type UsageByFeature } from '../../core/entitlements/simulate-package-change.js';
import { crossedThresholds } from '../../core/entitlements/thresholds.js';
import { FeatureNotEnabledError, LimitExceededError, NotFoundError, ValidationError } from '../../core/errors/index.js';
import { IdempotencyConflictError } from '../../core/errors/idempotency-error.js';
import { parseInput } from '../../core/validation/parse-input.js';
import { TENANT_POOL, type ConsumeResult, type CounterChange, type TenantGrants } from '../../store/entitlement-records.js';
import type { StoreOperations } from '../../store/store-operations.js';
import { counterTargets, planLevels, toPoolLevels, type PlannedLevel } from './counter-plan.js';
import { toDecision } from './decision-builder.js';
import { catalogGrants } from './tenant-grants.js';
import type { GrantsCache } from './grants-cache.js';
import { entitlementSchemas } from './entitlement-inputs.js';
import type { EntitlementDecision, FeatureUsage, UsageAlertHook } from './entitlement-types.js';

/** Wiring of {@link EntitlementService}. */
export interface EntitlementServiceDependencies<F extends string, L extends F, P extends string> {
  /** The store, or a transaction's operations (see {@link EntitlementService.within}). */
  readonly store: StoreOperations;
  readonly packages: PackageCatalog<F, L, P>;
  readonly tenantIdPattern: RegExp;
  readonly now: () => Date;
  readonly onAlert: UsageAlertHook | undefined;
  /** Resolves once the feature catalog is in storage (memoized: free after the first call). */
  readonly ensureCatalog: () => Promise<void>;
  /** Serves tenants' grants between consumptions, when configured. */
  readonly grantsCache: GrantsCache | undefined;
}

/** Options of a consumption. */
export interface ConsumeOptions {
  /** Count this consumption in a namespace too (and respect the namespace's own limit). */
  readonly namespace?: string;
  /**
   * Retries with the same key (scoped to the tenant) return the first result
   * and count once. Reusing a key for a different feature, amount or
   * namespace is an `IdempotencyConflictError`.
   */
  readonly idempotencyKey?: string;
}

/** A tenant's grants, resolved once per operation. */
interface TenantContext<F extends string, L extends F> {
  readonly grants: TenantGrants;
  readonly effective: EffectiveEntitlements<F, L>;
  readonly cycleAnchor: Date;
  readonly now: Date;
}

/**
 * Checks and consumes entitlements. Reads a tenant's grants, works out every
 * level a consumption touches (the feature, its pools, the namespace), and
 * hands the store one atomic consume: all levels within their limits or
 * nothing.
 */
export class EntitlementService<F extends string, L extends F, P extends string> {
  readonly #deps: EntitlementServiceDependencies<F, L, P>;
  readonly #features: FeatureCatalog<F, L>;
  readonly #schemas: ReturnType<typeof entitlementSchemas>;

  constructor(deps: EntitlementServiceDependencies<F, L, P>) {
    this.#deps = deps;
    this.#features = deps.packages.features;
    this.#schemas = entitlementSchemas(deps.tenantIdPattern);
  }

  /**
   * The same service working through `operations`, typically a transaction's
   * `tx`, so a consumption commits or rolls back with the surrounding change
   * (seats taken by adding a member). Call `ensureCatalog()` before opening
   * the transaction.
   */
  within(operations: StoreOperations): EntitlementService<F, L, P> {
    // Alerts are still recorded (they commit or roll back with the transaction),
    // but the hook is not called: it could announce a consumption that rolls back.
    return new EntitlementService({ ...this.#deps, store: operations, onAlert: undefined });
  }

  /** Resolves once the feature catalog is in storage; free after the first call. */
  ensureCatalog(): Promise<void> {
    return this.#deps.ensureCatalog();
  }

  /** The tenant's effective entitlements now: every feature, enabled or not, with its limit. */
  async effective(tenantId: string): Promise<EffectiveEntitlements<F, L>> {
    return (await this.#context(this.#tenantId(tenantId))).effective;
  }

  /**
   * Whether `amount` (default 1) of `feature` could be consumed now, without
   * consuming. For a boolean feature: whether it is enabled.
   */
  async check(tenantId: string, feature: F, options: { readonly amount?: number; readonly namespace?: string } = {}): Promise<EntitlementDecision<F>> {
    const id = this.#tenantId(tenantId);
    const key = this.#features.assert(feature);
    const { amount, namespace } = parseInput(this.#schemas.usage, { ...options, amount: options.amount ?? 1 }, 'entitlement check');
    const context = await this.#context(id);
    const levels = this.#levels(context, key, namespace);
    if (levels.length === 0) return this.#booleanDecision(context, key, amount);
    const used = await this.#deps.store.readCounters(id, counterKeys(levels));
    return toDecision(key, namespace, amount, levels, evaluateHierarchicalConsumption(toPoolLevels(levels, used), amount), false);
  }

  /**
   * Consumes `amount` (at most `MAX_CONSUME_AMOUNT`) of a limit feature if
   * every level has room, atomically; resolves with the decision either way
   * (never throws for a refusal). A retry with a recorded idempotency key
   * replays the first decision, whatever the tenant's grants are now.
   */
  async tryConsume(tenantId: string, feature: L, amount: number, options: ConsumeOptions = {}): Promise<EntitlementDecision<L>> {
    const id = this.#tenantId(tenantId);
    const key = this.#limitFeature(feature);
    const input = parseInput(this.#schemas.usage, { amount, ...options }, 'consumption');
    const context = await this.#context(id);
    const levels = this.#levels(context, key, input.namespace);
    const { store } = this.#deps;
    // Not enabled and no key: refused without a write. With a key, the store
    // still decides (the level's limit is 0), because a recorded key must
    // replay even after the grant that allowed it is gone.
    if (input.idempotencyKey === undefined && levels.some((level) => level.limit === null)) {
      const used = await store.readCounters(id, counterKeys(levels));
      return toDecision(key, input.namespace, input.amount, levels, evaluateHierarchicalConsumption(toPoolLevels(levels, used), input.amount), false);
    }
    const targets = counterTargets(levels);
    await this.#deps.ensureCatalog();
    const result = await store.consume({
      tenantId: id,
      amount: input.amount,
      counters: targets,
      now: context.now,
      ...(input.idempotencyKey === undefined
        ? {}
        : { idempotency: { key: input.idempotencyKey, fingerprint: fingerprint(key, input.namespace, input.amount) } }),
    });
    return this.#settle(id, key, input.namespace, input.amount, levels, result);
  }

  /**
   * Like {@link EntitlementService.tryConsume}, but throws on refusal:
   * `FeatureNotEnabledError` or `LimitExceededError` (naming the level with
   * no room; for an unlimited level at the counter ceiling, `limit` is
   * `COUNTER_CEILING`).
   */
  async consume(tenantId: string, feature: L, amount: number, options: ConsumeOptions = {}): Promise<EntitlementDecision<L>> {
    const decision = await this.tryConsume(tenantId, feature, amount, options);
    if (decision.allowed) return decision;
    const blocked = decision.blockedBy;
    if (decision.reason === 'not_enabled' || blocked === null || blocked.limit === null) {
      throw new FeatureNotEnabledError(blocked?.feature ?? decision.feature);
    }
    throw new LimitExceededError(blocked.feature, blocked.limit, blocked.used, decision.requested);
  }

  /**
   * Gives back `amount` of a gauge feature (one that never resets, such as
   * seats) at every level it was consumed from. Refused with
   * `ValidationError` when a level holds less than `amount`; nothing changes
   * then. With `upTo: true`, gives back as much as every level holds instead
   * (possibly nothing).
   */
  async release(
    tenantId: string,
    feature: L,
    amount: number,
    options: { readonly namespace?: string; readonly upTo?: boolean } = {},
  ): Promise<FeatureUsage<L>> {
    const id = this.#tenantId(tenantId);
    const key = this.#limitFeature(feature);
    const spec = this.#features.get(key);
    if (spec.kind !== 'limit' || spec.reset !== 'none') {
      throw new ValidationError(`Only gauge features (reset: 'none') can be released; "${key}" resets on its own.`, [{ path: ['feature'], message: 'Not a gauge.' }]);
    }
    const { upTo, ...rest } = options;
    const input = parseInput(this.#schemas.usage, { amount, ...rest }, 'release');
    const context = await this.#context(id);
    const levels = this.#levels(context, key, input.namespace);
    const targets = counterTargets(levels);
    // With upTo, a concurrent release between the read and the guarded write
    // only means there is less to give back: read again rather than fail.
    for (let attempt = 1; ; attempt += 1) {
      let releasable = input.amount;
      if (upTo === true) {
        const held = await this.#deps.store.readCounters(id, counterKeys(levels));
        releasable = Math.min(input.amount, ...held);
        if (releasable === 0) return usageOf(key, levels[0], held[0] ?? 0);
      }
      const result = await this.#deps.store.release({ tenantId: id, amount: releasable, counters: targets });
      if (result.outcome === 'released') return usageOf(key, levels[0], result.counters[0]?.after ?? 0);
      if (upTo !== true || attempt >= 5) {
        throw new ValidationError(`Cannot release ${releasable} of "${key}": only ${result.used} in use.`, [{ path: ['amount'], message: 'More than is in use.' }]);
      }
    }
  }

  /** Usage of every limit feature in its current window, for the tenant pool or one namespace. */
  async usage(tenantId: string, options: { readonly namespace?: string } = {}): Promise<FeatureUsage<L>[]> {
    const id = this.#tenantId(tenantId);
    const namespace = options.namespace === undefined ? undefined : parseInput(this.#schemas.usage, { amount: 1, namespace: options.namespace }, 'usage').namespace;
    const context = await this.#context(id);
    const levels = this.#features
      .keys()
      .filter((key): key is L => this.#features.isLimit(key))
      .flatMap((key) => this.#levels(context, key, namespace).filter((level) => level.feature === key && level.namespace === (namespace ?? TENANT_POOL)));
    const used = await this.#deps.store.readCounters(id, counterKeys(levels));
    return levels.map((level, index) => usageOf(level.feature as L, level, used[index] ?? 0));
  }

  /**
   * What would change if the tenant's packages were exactly `packages` (boosts
   * kept): per feature the current and new limit, current usage, whether it
   * would be over, and features gained and lost. Writes nothing.
   */
  async simulate(tenantId: string, proposal: { readonly packages: readonly P[] }): Promise<PackageChangeSimulation<F, L>> {
    const id = this.#tenantId(tenantId);
    for (const key of proposal.packages) this.#deps.packages.assert(key);
    const context = await this.#context(id);
    const current = this.#grantsOf(context.grants);
    const usage = await this.usage(id);
    const byFeature = Object.fromEntries(usage.map((u) => [u.feature, u.used])) as UsageByFeature<L>;
    return simulatePackageChange(this.#deps.packages, current, { packages: proposal.packages, boosts: current.boosts }, byFeature, context.now);
  }

  /** Throws `NotFoundError` for a malformed tenant id (404-equivalent, no storage access). */
  #tenantId(tenantId: string): string {
    const parsed = this.#schemas.tenantId.safeParse(tenantId);
    if (!parsed.success) throw new NotFoundError();
    return parsed.data;
  }

  #limitFeature(feature: string): L {
    const key = this.#features.assert(feature);
    if (!this.#features.isLimit(key)) {
      throw new ValidationError(`"${key}" is a boolean feature: check() it instead of consuming it.`, [{ path: ['feature'], message: 'Not a limit feature.' }]);
    }
    return key;
  }

  async #context(tenantId: string): Promise<TenantContext<F, L>> {
    const { store, grantsCache } = this.#deps;
    const grants = await (grantsCache === undefined ? store.readGrants(tenantId) : grantsCache.read(tenantId, () => store.readGrants(tenantId)));
    const now = this.#deps.now();
    const effective = effectiveEntitlements(this.#deps.packages, this.#grantsOf(grants), now);
    // Cycle-anchored periods count from the oldest active package's assignment;
    // with boosts only, from the first boost; the epoch when there is nothing.
    const cycleAnchor = grants.packages[0]?.assignedAt ?? grants.boosts[0]?.createdAt ?? new Date(0);
    return { grants, effective, cycleAnchor, now };
  }

  #grantsOf(grants: TenantGrants): { packages: P[]; boosts: Boost<F, L>[] } {
    return catalogGrants(this.#deps.packages, grants);
  }

  #levels(context: TenantContext<F, L>, feature: F, namespace: string | undefined): PlannedLevel[] {
    return planLevels({
      features: this.#features,
      effective: context.effective,
      feature,
      namespace,
      namespaceLimits: context.grants.namespaceLimits,
      now: context.now,
      cycleAnchor: context.cycleAnchor,
    });
  }

  #booleanDecision(context: TenantContext<F, L>, feature: F, amount: number): EntitlementDecision<F> {
    const entitlement = context.effective.features[feature];
    const enabled = entitlement.enabled;
    return Object.freeze({
      allowed: enabled,
      reason: enabled ? 'allowed' : 'not_enabled',
      feature,
      namespace: null,
      requested: amount,
      limit: null,
      used: 0,
      remaining: enabled ? 'unlimited' : 0,
      blockedBy: enabled ? null : Object.freeze({ feature, namespace: null, limit: null, used: 0 }),
      replayed: false,
    });
  }

  /** Fires alerts and builds the decision from the store's answer (in plan order: the store maps it back). */
  async #settle(
    tenantId: string,
    feature: L,
    namespace: string | undefined,
    amount: number,
    levels: readonly PlannedLevel[],
    result: ConsumeResult,
  ): Promise<EntitlementDecision<L>> {
    if (result.outcome === 'idempotency_conflict') throw new IdempotencyConflictError();
    if (result.outcome === 'exceeded') {
      // Refusals are the slow path: read every level so the decision reports real usage.
      const planIndex = result.index;
      const current = await this.#deps.store.readCounters(tenantId, counterKeys(levels));
      const used = levels.map((_, index) => (index === planIndex ? Math.max(result.used, current[index] ?? 0) : (current[index] ?? 0)));
      const evaluation = evaluateHierarchicalConsumption(toPoolLevels(levels, used), amount);
      return toDecision(feature, namespace, amount, levels, evaluation, false);
    }
    const changes: CounterChange[] = levels.map((_, index) => result.counters[index] ?? { before: 0, after: 0 });
    const before = changes.map((change) => change.before);
    // A replay is decided under the limits the first call was applied under, not today's grants.
    const decided = result.outcome === 'replayed' ? replayedLevels(levels, changes, result.limits) : levels;
    const decision = toDecision(feature, namespace, amount, decided, evaluateHierarchicalConsumption(toPoolLevels(decided, before), amount), result.outcome === 'replayed');
    if (result.outcome === 'consumed') await this.#alert(tenantId, levels, changes);
    return decision;
  }

  /**
   * Records and emits the highest threshold each level newly crossed. The
   * alert history's uniqueness makes it once per (feature, namespace,
   * threshold, window) even under concurrency; it is written after the
   * consumption, so a crash in between can lose an alert but never a count.
   */
  async #alert(tenantId: string, levels: readonly PlannedLevel[], changes: readonly CounterChange[]): Promise<void> {
    for (const [index, level] of levels.entries()) {
      const change = changes[index];
      if (change === undefined || typeof level.limit !== 'number') continue;
      const threshold = crossedThresholds(change.before, change.after, level.limit, level.thresholds);
      if (threshold === null) continue;
      const alert = {
        tenantId,
        featureKey: level.feature,
        namespace: level.namespace,
        threshold,
        windowStart: level.windowStart,
        used: change.after,
        limit: level.limit,
        createdAt: this.#deps.now(),
      };
      if (!(await this.#deps.store.recordAlert(alert))) continue;
      try {
        this.#deps.onAlert?.({
          tenantId,
          feature: level.feature,
          namespace: level.namespace === TENANT_POOL ? null : level.namespace,
          threshold,
          used: change.after,
          limit: level.limit,
          windowStart: level.windowStart,
        });
      } catch {
        // A failing hook must not turn a successful consumption into an error.
      }
    }
  }
}

/**
 * `levels` with the limits a replayed consumption was applied under
 * (`recorded`, in plan order). Records
 * from before limits were recorded keep a current limit that admits the
 * recorded change, else take the recorded value itself, the tightest limit
 * that admitted it: a replay is always the allowed decision it was.
 */
function replayedLevels(levels: readonly PlannedLevel[], changes: readonly CounterChange[], recorded: readonly Limit[] | undefined): PlannedLevel[] {
  const limits: readonly (Limit | undefined)[] = recorded ?? [];
  return levels.map((level, index) => {
    const after = changes[index]?.after ?? 0;
    const current = level.limit === 'unlimited' || (level.limit !== null && level.limit >= after) ? level.limit : after;
    return { ...level, limit: limits[index] ?? current };
  });
}

function counterKeys(levels: readonly PlannedLevel[]) {
  return levels.map((level) => ({ featureKey: level.feature, namespace: level.namespace, windowStart: level.windowStart }));
}

/** Identifies a consumption request for idempotency: the same key must mean the same request. */
function fingerprint(feature: string, namespace: string | undefined, amount: number): string {
  return `${feature}\u0000${namespace ?? TENANT_POOL}\u0000${amount}`;
}

function usageOf<L extends string>(feature: L, level: PlannedLevel | undefined, used: number): FeatureUsage<L> {
  const limit = level?.limit ?? null;
  return Object.freeze({
    feature,
    namespace: level === undefined || level.namespace === TENANT_POOL ? null : level.namespace,
    limit,
    used,
    remaining: limit === null ? 0 : limit === 'unlimited' ? 'unlimited' : Math.max(0, limit - used),
    windowStart: level?.windowStart ?? new Date(0),
    windowEnd: level?.windowEnd ?? null,
  });
}
