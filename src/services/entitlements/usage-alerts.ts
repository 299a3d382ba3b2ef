import { LRUCache } from 'lru-cache';
import { crossedThresholds } from '../../core/entitlements/thresholds.js';
import { TENANT_POOL, type CounterChange, type Store, type StoreOperations } from '../../store/index.js';
import type { Effects } from '../effects/effects.js';
import type { PlannedLevel } from './counter-plan.js';
import type { BlockingLevel, UsageAlert, UsageAlertHook } from './entitlement-types.js';
import type { WebhookOutbox } from '../webhooks/outbox.js';

/** Wiring of {@link UsageAlerts}. */
export interface UsageAlertsDependencies {
  readonly now: () => Date;
  readonly onAlert: UsageAlertHook | undefined;
  readonly effects: Effects;
  /** Writes `entitlement.threshold_reached` (and `entitlement.limit_exceeded`) webhook events beside the alert. */
  readonly outbox?: WebhookOutbox | undefined;
}

/**
 * The threshold under which a refusal is kept in the alert history. Alert
 * thresholds are percentages from 1 to 100, so `0` never collides with one;
 * the history's key (tenant, feature, namespace, threshold, window) then
 * makes `entitlement.limit_exceeded` once per level and window, across
 * instances, with no table of its own. The alert listing leaves these rows out.
 */
export const LIMIT_EXCEEDED_MARK = 0;

/** Refusals already marked by this instance: a hot loop of refused consumes costs no store round trip after the first. */
const MARKED_REFUSALS = 10_000;

/**
 * Records and announces the usage thresholds a consumption crossed. The
 * alert history's uniqueness makes each alert once per (feature, namespace,
 * threshold, window) even under concurrency. Recording happens after the
 * consumption, so a crash in between can lose an alert but never a count.
 */
export class UsageAlerts {
  readonly #deps: UsageAlertsDependencies;
  readonly #marked = new LRUCache<string, true>({ max: MARKED_REFUSALS });

  constructor(deps: UsageAlertsDependencies) {
    this.#deps = deps;
  }

  /**
   * Records the highest threshold each level newly crossed, through `store`.
   * With `announce` (a consumption that committed on its own), the host's
   * hook is called for each newly recorded alert; inside an enclosing
   * transaction it is not, since that transaction may still roll back: the
   * newly recorded alerts are returned instead, for {@link UsageAlerts.announce}
   * once it committed.
   */
  async record(
    store: StoreOperations,
    tenantId: string,
    levels: readonly PlannedLevel[],
    changes: readonly CounterChange[],
    announce: boolean,
  ): Promise<readonly UsageAlert[]> {
    const pending: UsageAlert[] = [];
    for (const [index, level] of levels.entries()) {
      const change = changes[index];
      if (change === undefined || !level.enabled || level.limit === 'unlimited') continue;
      const threshold = crossedThresholds(change.before, change.after, level.limit, level.thresholds);
      if (threshold === null) continue;
      const recorded = await store.recordAlert({
        tenantId,
        featureKey: level.feature,
        namespace: level.namespace,
        threshold,
        windowStart: level.windowStart,
        used: change.after,
        limit: level.limit,
        createdAt: this.#deps.now(),
      });
      if (!recorded) continue;
      if (this.#deps.outbox !== undefined) {
        await this.#deps.outbox.emit(store, tenantId, 'entitlement.threshold_reached', {
          featureKey: level.feature,
          namespace: level.namespace === TENANT_POOL ? null : level.namespace,
          threshold,
          used: change.after,
          limit: level.limit,
          windowStart: level.windowStart.toISOString(),
        });
      }
      const alert: UsageAlert = Object.freeze({
        tenantId,
        featureKey: level.feature,
        namespace: level.namespace === TENANT_POOL ? null : level.namespace,
        threshold,
        used: change.after,
        limit: level.limit,
        windowStart: level.windowStart,
      });
      if (announce) this.announce([alert]);
      else pending.push(alert);
    }
    return pending;
  }

  /**
   * Writes `entitlement.limit_exceeded` for a consumption `level` refused,
   * once per (tenant, feature, namespace, window). The refused consume
   * committed nothing, so there is no transaction to join: the mark in the
   * alert history and the outbox rows go in one small transaction of their
   * own, after the refusal. Concurrent refusals race on the history's key:
   * one writes the event, the others see the mark and write nothing. A
   * failure is reported to `onError`, never turned into the caller's error
   * (the refusal stands either way). No-op without webhooks.
   */
  async refused(store: Store, tenantId: string, level: PlannedLevel, blocked: BlockingLevel, amount: number): Promise<void> {
    const outbox = this.#deps.outbox;
    if (outbox === undefined) return;
    const key = [tenantId, level.feature, level.namespace, level.windowStart.getTime()].join('\u0000');
    if (this.#marked.has(key)) return;
    try {
      await store.transaction(
        async (tx) => {
          const marked = await tx.recordAlert({
            tenantId,
            featureKey: level.feature,
            namespace: level.namespace,
            threshold: LIMIT_EXCEEDED_MARK,
            windowStart: level.windowStart,
            used: blocked.used,
            limit: blocked.limit,
            createdAt: this.#deps.now(),
          });
          if (!marked) return;
          await outbox.emit(tx, tenantId, 'entitlement.limit_exceeded', {
            featureKey: level.feature,
            namespace: level.namespace === TENANT_POOL ? null : level.namespace,
            amount,
            used: blocked.used,
            limit: blocked.limit,
            windowStart: level.windowStart.toISOString(),
          });
        },
        { tenantId },
      );
      this.#marked.set(key, true);
    } catch (error) {
      this.#deps.effects.report('webhooks.limitExceeded', error);
    }
  }

  /** Calls the host's hook for each alert, shielded (a throw goes to `onError`); call it only once the consumption committed. */
  announce(alerts: readonly UsageAlert[]): void {
    const hook = this.#deps.onAlert;
    if (hook === undefined) return;
    for (const alert of alerts) this.#deps.effects.run('onAlert', () => hook(alert));
  }
}
