import { ValidationError } from '../../core/errors/index.js';
import type { Store, StoreOperations } from '../../store/index.js';
import type { ActorContext } from '../shared/actor-context.js';
import { parseTenantInput } from '../shared/parse-tenant-input.js';
import type { TenantIdRule } from '../shared/tenant-id-rule.js';
import { counterKeys, toTargets } from './counter-plan.js';
import { usageOf } from './decision-builder.js';
import { entitlementSchemas, type ReleaseInput } from './entitlement-inputs.js';
import type { FeatureUsage } from './entitlement-types.js';
import type { EntitlementReader } from './tenant-entitlements.js';

/** Wiring of {@link GaugeRelease}. */
export interface GaugeReleaseDependencies<F extends string, L extends F, P extends string> {
  readonly store: Store;
  readonly tenantIds: TenantIdRule;
  readonly reader: EntitlementReader<F, L, P>;
}

/** How often an `upTo` release re-reads after a concurrent release took what it meant to give back. */
const UP_TO_ATTEMPTS = 5;

/** Releases of gauge features (those that never reset, such as seats). */
export class GaugeRelease<F extends string, L extends F, P extends string> {
  readonly #deps: GaugeReleaseDependencies<F, L, P>;

  constructor(deps: GaugeReleaseDependencies<F, L, P>) {
    this.#deps = deps;
  }

  /**
   * Gives back `amount` of a gauge feature at every level it was consumed
   * from. Refused with `ValidationError` when a level holds less than
   * `amount`; nothing changes then. With `upTo: true`, gives back as much as
   * every level holds instead (possibly nothing). Resolves with the
   * tenant-level usage after the release.
   */
  async release(ctx: ActorContext, input: ReleaseInput<L>): Promise<FeatureUsage<L>> {
    const parsed = parseTenantInput(this.#deps.tenantIds, entitlementSchemas.release, input, 'release');
    await ctx.standing(parsed.tenantId);
    return this.releaseIn(this.#deps.store, parsed.tenantId, parsed.featureKey, parsed.amount, { namespace: parsed.namespace, upTo: parsed.upTo === true });
  }

  /** {@link GaugeRelease.release} through `store`, which may be a transaction the caller owns (seats). */
  async releaseIn(
    store: StoreOperations,
    tenantId: string,
    featureKey: string,
    amount: number,
    options: { readonly namespace: string | undefined; readonly upTo: boolean },
  ): Promise<FeatureUsage<L>> {
    const { reader } = this.#deps;
    const key = this.#gauge(featureKey);
    const context = await reader.read(store, tenantId);
    const levels = reader.levels(context, key, options.namespace);
    const own = levels[0];
    if (own === undefined) throw new ValidationError(`"${key}" has no counter.`, [{ path: ['featureKey'], message: 'Not a gauge.' }]);
    // With upTo, a concurrent release between the read and the guarded write
    // only means there is less to give back: read again rather than fail.
    for (let attempt = 1; ; attempt += 1) {
      let releasable = amount;
      if (options.upTo) {
        const held = await store.readCounters(tenantId, counterKeys(levels));
        releasable = Math.min(amount, ...held);
        if (releasable === 0) return usageOf(key, own, held[0] ?? 0);
      }
      const result = await store.release({ tenantId, amount: releasable, counters: toTargets(levels) });
      if (result.outcome === 'released') return usageOf(key, own, result.counters[0]?.after ?? 0);
      if (!options.upTo || attempt >= UP_TO_ATTEMPTS) {
        throw new ValidationError(`Cannot release ${releasable} of "${key}": only ${result.used} in use.`, [
          { path: ['amount'], message: 'More than is in use.' },
        ]);
      }
    }
  }

  #gauge(featureKey: string): L {
    const features = this.#deps.reader.features;
    const key = features.assert(featureKey);
    const spec = features.get(key);
    if (spec.kind !== 'limit' || spec.reset !== 'none') {
      throw new ValidationError(`Only gauge features (reset: 'none') can be released; "${key}" resets on its own.`, [
        { path: ['featureKey'], message: 'Not a gauge.' },
      ]);
    }
    return key as L;
  }
}
