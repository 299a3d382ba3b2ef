import { crossedThresholds } from '../../core/entitlements/thresholds.js';
import { TENANT_POOL, type CounterChange, type StoreOperations } from '../../store/index.js';
import type { Effects } from '../effects/effects.js';
import type { PlannedLevel } from './counter-plan.js';
import type { UsageAlert, UsageAlertHook } from './entitlement-types.js';
import type { WebhookOutbox } from '../webhooks/outbox.js';

/** Wiring of {@link UsageAlerts}. */
export interface UsageAlertsDependencies {
  readonly now: () => Date;
  readonly onAlert: UsageAlertHook | undefined;
  readonly effects: Effects;
  /** Writes `entitlement.threshold_reached` webhook events beside the alert, through the same handle. */
  readonly outbox?: WebhookOutbox | undefined;
}

/**
 * Records and announces the usage thresholds a consumption crossed. The
 * alert history's uniqueness makes each alert once per (feature, namespace,
 * threshold, window) even under concurrency. Recording happens after the
 * consumption, so a crash in between can lose an alert but never a count.
 */
export class UsageAlerts {
  readonly #deps: UsageAlertsDependencies;

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

  /** Calls the host's hook for each alert, shielded (a throw goes to `onError`); call it only once the consumption committed. */
  announce(alerts: readonly UsageAlert[]): void {
    const hook = this.#deps.onAlert;
    if (hook === undefined) return;
    for (const alert of alerts) this.#deps.effects.run('onAlert', () => hook(alert));
  }
}
