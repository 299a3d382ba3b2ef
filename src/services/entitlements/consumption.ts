import type { Limit } from '../../core/entitlements/limit.js';
import { FeatureNotEnabledError, IdempotencyConflictError, LimitExceededError, TenantArchivedError, ValidationError } from '../../core/errors/index.js';
import { TENANT_POOL, type ConsumeRequest, type ConsumeResult, type CounterChange, type Store, type StoreOperations } from '../../store/index.js';
import type { ActorContext } from '../shared/actor-context.js';
import { parseTenantInput } from '../shared/parse-tenant-input.js';
import type { TenantIdRule } from '../shared/tenant-id-rule.js';
import { counterKeys, toTargets, type PlannedLevel } from './counter-plan.js';
import { toDecision } from './decision-builder.js';
import { withDerivedLimits } from './granted-plan.js';
import { entitlementSchemas, type ConsumeInput } from './entitlement-inputs.js';
import type { EntitlementDecision, UsageAlert } from './entitlement-types.js';
import type { EntitlementReader } from './tenant-entitlements.js';
import type { UsageAlerts } from './usage-alerts.js';
import { scopeIdempotencyKey, type ScopedIdempotencyKey } from './idempotency-scope.js';
import type { QuotaLeases } from './quota-leases.js';

/** Wiring of {@link ConsumptionService}. */
export interface ConsumptionDependencies<F extends string, L extends F, P extends string> {
  readonly store: Store;
  readonly tenantIds: TenantIdRule;
  readonly reader: EntitlementReader<F, L, P>;
  readonly alerts: UsageAlerts;
  /** Resolves once the feature catalog is in storage (memoized). */
  readonly ensureCatalog: () => Promise<void>;
  /** How long an idempotency record counts, in milliseconds; then its key is free again. */
  readonly idempotencyTtlMs: number;
  /** Quota leasing of the features that opted in; absent: every consumption goes to the store. */
  readonly leases?: QuotaLeases;
}

/** One consumption, validated. */
interface Consumption<L extends string> {
  readonly tenantId: string;
  readonly featureKey: L;
  readonly amount: number;
  readonly namespace: string | undefined;
  readonly idempotency: { readonly key: ScopedIdempotencyKey; readonly fingerprint: string | undefined } | undefined;
}

/**
 * Consumption of limit features: reads the tenant's grants, plans every
 * level (the feature, its pools, the namespace), and hands the store one
 * atomic consume: all levels within their limits, or nothing.
 */
export class ConsumptionService<F extends string, L extends F, P extends string> {
  readonly #deps: ConsumptionDependencies<F, L, P>;

  constructor(deps: ConsumptionDependencies<F, L, P>) {
    this.#deps = deps;
  }

  /**
   * Consumes `amount` of a limit feature if every level has room,
   * atomically; resolves with the decision either way (never throws for a
   * refusal). A retry with a recorded idempotency key replays the first
   * decision, whatever the tenant's grants are now.
   */
  async tryConsume(ctx: ActorContext, input: ConsumeInput<L>): Promise<EntitlementDecision<L>> {
    const parsed = parseTenantInput(this.#deps.tenantIds, entitlementSchemas.consume, input, 'consumption');
    // A member of an archived tenant has no standing (404); the system actor keeps access, but not to consume.
    if ((await ctx.standing(parsed.tenantId)) === null) await this.#refuseArchived(parsed.tenantId);
    const consumption: Consumption<L> = {
      tenantId: parsed.tenantId,
      featureKey: this.#limitFeature(parsed.featureKey),
      amount: parsed.amount,
      namespace: parsed.namespace,
      idempotency:
        parsed.idempotencyKey === undefined
          ? undefined
          : { key: scopeIdempotencyKey(ctx.actor, parsed.idempotencyScope, parsed.featureKey, parsed.idempotencyKey), fingerprint: parsed.fingerprint },
    };
    // Without a grants cache the store derives the limits in the guarded write (one round trip where the dialect allows).
    // A leased feature takes the planning path: the lease is served in memory and only its acquisition writes.
    const leased = consumption.idempotency === undefined && this.#deps.leases?.policyOf(consumption.featureKey) !== undefined;
    return this.#deps.reader.cached || leased ? this.#apply(this.#deps.store, consumption, true) : this.#applyGranted(this.#deps.store, consumption);
  }

  /**
   * Like {@link ConsumptionService.tryConsume}, but throws on refusal:
   * `FeatureNotEnabledError`, or `LimitExceededError` naming the level with
   * no room (for an unlimited level at the counter ceiling, `limit` is
   * `COUNTER_CEILING`).
   */
  async consume(ctx: ActorContext, input: ConsumeInput<L>): Promise<EntitlementDecision<L>> {
    return refusedAsError(await this.tryConsume(ctx, input));
  }

  /**
   * Consumes through `tx`, a transaction the caller owns (seats taken by a
   * membership change), throwing on refusal. Alerts are recorded with the
   * transaction but not announced, since it may still roll back: call
   * `afterCommit` once it committed, and they fire like any limit's.
   */
  async consumeIn(
    tx: StoreOperations,
    tenantId: string,
    featureKey: L,
    amount: number,
  ): Promise<{ decision: EntitlementDecision<L>; afterCommit: () => void }> {
    const pending: UsageAlert[] = [];
    const decision = refusedAsError(await this.#apply(tx, { tenantId, featureKey, amount, namespace: undefined, idempotency: undefined }, false, pending));
    return {
      decision,
      afterCommit: () => {
        this.#deps.alerts.announce(pending);
      },
    };
  }

  async #apply(store: StoreOperations, consumption: Consumption<L>, announce: boolean, pending: UsageAlert[] = []): Promise<EntitlementDecision<L>> {
    const { reader } = this.#deps;
    const { tenantId, featureKey, amount, namespace, idempotency } = consumption;
    const context = await reader.read(store, tenantId);
    const levels = reader.levels(context, featureKey, namespace);
    const facts = { featureKey, namespace, amount, levels, idempotencyKey: idempotency?.key.normalized ?? null };
    // Not enabled and no key: refused without a write. With a key the store
    // still decides (the level's limit is then 0), because a recorded key must
    // replay even after the grant that allowed it is gone.
    if (idempotency === undefined && levels.some((level) => !level.enabled)) {
      const used = await store.readCounters(tenantId, counterKeys(levels));
      return toDecision({ ...facts, used, applied: false, replayed: false });
    }
    await this.#deps.ensureCatalog();
    // A leased feature is served from this instance's lease. Keyed
    // consumptions bypass it (their record is written with the counters, in
    // the store), and so do those inside a caller's transaction.
    const leases = this.#deps.leases;
    if (announce && idempotency === undefined && leases?.policyOf(featureKey) !== undefined) {
      const served = await leases.consume(tenantId, featureKey, toTargets(levels), amount);
      if (served !== undefined) {
        const decision = toDecision({ ...facts, used: served.used, applied: true, replayed: false });
        if (served.acquired !== undefined) await this.#deps.alerts.record(store, tenantId, levels, served.acquired, announce);
        return decision;
      }
    }
    const result = await store.consume({
      tenantId,
      amount,
      counters: toTargets(levels),
      now: context.now,
      ...(idempotency === undefined ? {} : { idempotency: this.#idempotencyRecord(consumption, context.now) }),
    });
    return this.#settle(store, consumption, levels, result, announce, pending);
  }

  /**
   * A consumption whose limits the store derives from the stored grants in
   * the same atomic write (`consumeGranted`): no read of the grants first.
   * Windows of cycle-anchored features are computed under the instance's
   * hint of the tenant's anchor, which the store confirms in the write; when
   * it moved the store says so and the consumption is planned again. Stale
   * stored grants (`unresolved`) take the reading path, which reports them.
   */
  async #applyGranted(store: Store, consumption: Consumption<L>): Promise<EntitlementDecision<L>> {
    const { reader } = this.#deps;
    const { tenantId, featureKey, amount, namespace, idempotency } = consumption;
    await this.#deps.ensureCatalog();
    const now = reader.now();
    let anchor = reader.anchorHint(tenantId);
    // Two anchor moves in a row mean provisioning is moving it right now: read the grants instead.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const plan = reader.grantedLevels(featureKey, namespace, now, anchor);
      const result = await store.consumeGranted({
        tenantId,
        amount,
        levels: plan.granted,
        catalog: reader.catalogKeys,
        ...(plan.anchored ? { cycleAnchor: anchor } : {}),
        now,
        ...(idempotency === undefined ? {} : { idempotency: this.#idempotencyRecord(consumption, now) }),
      });
      if (result.outcome === 'unresolved') break;
      if (result.outcome === 'anchor_moved') {
        anchor = result.cycleAnchor;
        reader.rememberAnchor(tenantId, anchor);
        continue;
      }
      if (plan.anchored) reader.rememberAnchor(tenantId, anchor);
      return this.#settle(store, consumption, withDerivedLimits(plan.levels, result.levels), result, true, []);
    }
    return this.#apply(store, consumption, true);
  }

  #idempotencyRecord(consumption: Consumption<L>, now: Date): NonNullable<ConsumeRequest['idempotency']> {
    const { featureKey, namespace, amount, idempotency } = consumption;
    if (idempotency === undefined) throw new TypeError('A keyed consumption has an idempotency key.');
    return {
      key: idempotency.key.stored,
      fingerprint: consumptionFingerprint(featureKey, namespace, amount, idempotency.fingerprint),
      expiresAt: new Date(now.getTime() + this.#deps.idempotencyTtlMs),
    };
  }

  /** Builds the decision from the store's answer and records the alerts of an applied consumption. */
  async #settle(
    store: StoreOperations,
    consumption: Consumption<L>,
    levels: readonly PlannedLevel[],
    result: ConsumeResult,
    announce: boolean,
    pending: UsageAlert[],
  ): Promise<EntitlementDecision<L>> {
    const { tenantId, featureKey, amount, namespace } = consumption;
    const facts = { featureKey, namespace, amount, idempotencyKey: consumption.idempotency?.key.normalized ?? null };
    switch (result.outcome) {
      case 'idempotency_conflict':
        throw new IdempotencyConflictError();
      case 'exceeded': {
        // Refusals are the slow path: read every level so the decision reports real usage.
        const current = await store.readCounters(tenantId, counterKeys(levels));
        const used = levels.map((_, index) => (index === result.index ? Math.max(result.used, current[index] ?? 0) : (current[index] ?? 0)));
        const decision = toDecision({ ...facts, levels, used, applied: false, replayed: false });
        const blocked = decision.blockedBy;
        // The level the decision reports (re-read above: a concurrent consumption may have filled another
        // level since the refusal), so the event's level, window and figures all describe the same counter.
        const level =
          blocked === null
            ? undefined
            : (levels.find((l) => l.feature === blocked.featureKey && l.namespace === (blocked.namespace ?? TENANT_POOL)) ?? levels[result.index]);
        // Only a consumption on its own: inside a caller's transaction the refusal throws and that transaction rolls back.
        if (announce && level !== undefined && decision.reason === 'limit_exceeded' && blocked !== null)
          await this.#deps.alerts.refused(this.#deps.store, tenantId, level, blocked, amount);
        return decision;
      }
      case 'replayed': {
        // A replay is reported under the limits the first call was applied under, not today's grants.
        const decided = replayedLevels(levels, result.counters, result.limits);
        return toDecision({ ...facts, levels: decided, used: result.counters.map((change) => change.before), applied: true, replayed: true });
      }
      case 'consumed': {
        const decision = toDecision({ ...facts, levels, used: result.counters.map((change) => change.before), applied: true, replayed: false });
        pending.push(...(await this.#deps.alerts.record(store, tenantId, levels, result.counters, announce)));
        return decision;
      }
    }
  }

  /**
   * Throws `TenantArchivedError` when the tenant is archived. Read before
   * the write, as the membership check is: a consumption racing the archive
   * itself may still land, as one racing a membership removal may.
   */
  async #refuseArchived(tenantId: string): Promise<void> {
    const tenant = await this.#deps.store.findTenant(tenantId);
    if (tenant?.archivedAt !== undefined) throw new TenantArchivedError();
  }

  #limitFeature(featureKey: string): L {
    const features = this.#deps.reader.features;
    const key = features.assert(featureKey);
    if (!features.isLimit(key)) {
      throw new ValidationError(`"${key}" is a boolean feature: check() it instead of consuming it.`, [
        { path: ['featureKey'], message: 'Not a limit feature.' },
      ]);
    }
    return key;
  }
}

/** Throws the error of a refused decision; returns an allowed one. */
function refusedAsError<L extends string>(decision: EntitlementDecision<L>): EntitlementDecision<L> {
  if (decision.allowed) return decision;
  const blocked = decision.blockedBy;
  if (decision.reason === 'not_enabled' || blocked === null || !blocked.enabled) throw new FeatureNotEnabledError(blocked?.featureKey ?? decision.featureKey);
  throw new LimitExceededError(blocked.featureKey, blocked.limit, blocked.used, decision.requested);
}

/**
 * `levels` with the limits a replayed consumption was applied under
 * (`recorded`, in the caller's order). Records from before limits were
 * recorded keep a current limit that admits the recorded change, else take
 * the recorded value itself, the tightest limit that admitted it: a replay
 * is always the allowed decision it was.
 */
function replayedLevels(levels: readonly PlannedLevel[], changes: readonly CounterChange[], recorded: readonly Limit[] | undefined): PlannedLevel[] {
  return levels.map((level, index) => {
    const limit = recorded?.[index];
    if (limit !== undefined) return { ...level, enabled: true, limit };
    const after = changes[index]?.after ?? 0;
    const admits = level.enabled && (level.limit === 'unlimited' || level.limit >= after);
    return { ...level, enabled: true, limit: admits ? level.limit : after };
  });
}

/**
 * Identifies a consumption request for idempotency: the same key must mean
 * the same request. The caller's own fingerprint (the HTTP guard's hash of
 * method, route and body), when given, is part of it.
 */
export function consumptionFingerprint(feature: string, namespace: string | undefined, amount: number, request: string | undefined): string {
  const own = `${feature}\u0000${namespace ?? TENANT_POOL}\u0000${amount}`;
  return request === undefined ? own : `${own}\u0000${request}`;
}
