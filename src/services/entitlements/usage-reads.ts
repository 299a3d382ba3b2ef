import type { PackageCatalog } from '../../core/entitlements/define-packages.js';
import type { EffectiveEntitlements } from '../../core/entitlements/effective-entitlements.js';
import { simulatePackageChange, type PackageChangeSimulation, type UsageByFeature } from '../../core/entitlements/simulate-package-change.js';
import { AlreadyExistsError, NotFoundError, ValidationError } from '../../core/errors/index.js';
import { isGauge } from '../../core/entitlements/reset-period.js';
import { TENANT_POOL, type Store } from '../../store/index.js';
import type { ActorContext } from '../shared/actor-context.js';
import { parseTenantInput } from '../shared/parse-tenant-input.js';
import type { TenantIdRule } from '../shared/tenant-id-rule.js';
import { counterKeys } from './counter-plan.js';
import { booleanDecision, toDecision, usageOf } from './decision-builder.js';
import { entitlementSchemas, type ChangePackageInput, type SimulateInput, type UsageCheckInput, type UsageReportInput } from './entitlement-inputs.js';
import type { EntitlementDecision, FeatureUsage, UsageReport } from './entitlement-types.js';
import type { EntitlementReader, TenantEntitlements } from './tenant-entitlements.js';
import { catalogGrants } from './tenant-grants.js';

/** Wiring of {@link UsageReads}. */
export interface UsageReadsDependencies<F extends string, L extends F, P extends string> {
  readonly store: Store;
  readonly tenantIds: TenantIdRule;
  readonly packages: PackageCatalog<F, L, P>;
  readonly reader: EntitlementReader<F, L, P>;
  /** Whether quota leasing is configured: reports then say how much of `used` is held in leases. */
  readonly leasing?: boolean;
}

/** Everything that reads entitlements without writing: checks, usage reports, simulations. */
export class UsageReads<F extends string, L extends F, P extends string> {
  readonly #deps: UsageReadsDependencies<F, L, P>;

  constructor(deps: UsageReadsDependencies<F, L, P>) {
    this.#deps = deps;
  }

  /**
   * Whether `amount` (default 1) of `featureKey` could be consumed now,
   * without consuming: `used`/`remaining` are the usage and room now,
   * `usedAfter`/`remainingAfter` what the amount would leave. For a boolean
   * feature: whether it is enabled.
   */
  async check(ctx: ActorContext, input: UsageCheckInput<F>): Promise<EntitlementDecision<F>> {
    const parsed = parseTenantInput(this.#deps.tenantIds, entitlementSchemas.check, input, 'entitlement check');
    await ctx.standing(parsed.tenantId);
    const { reader, store } = this.#deps;
    const featureKey = reader.features.assert(parsed.featureKey);
    const amount = parsed.amount ?? 1;
    const context = await reader.read(store, parsed.tenantId);
    const levels = reader.levels(context, featureKey, parsed.namespace);
    if (levels.length === 0) return booleanDecision(featureKey, context.effective.features[featureKey].enabled, amount);
    const used = await store.readCounters(parsed.tenantId, counterKeys(levels));
    return toDecision({ featureKey, namespace: parsed.namespace, amount, levels, used, applied: false, replayed: false, idempotencyKey: null });
  }

  /** Usage of every limit feature in its current window, for the tenant pool or one namespace. */
  async report(ctx: ActorContext, input: UsageReportInput): Promise<UsageReport<L>> {
    const parsed = parseTenantInput(this.#deps.tenantIds, entitlementSchemas.report, input, 'usage report');
    await ctx.standing(parsed.tenantId);
    const context = await this.#deps.reader.read(this.#deps.store, parsed.tenantId);
    return Object.freeze({
      tenantId: parsed.tenantId,
      namespace: parsed.namespace ?? null,
      features: Object.freeze(await this.#usage(parsed.tenantId, context, parsed.namespace)),
    });
  }

  /**
   * What would change if the tenant's packages were exactly `packageKeys`
   * (boosts kept): per feature the current and new limit, current usage,
   * whether it would be over, and the features gained and lost. Writes nothing.
   */
  async simulate(ctx: ActorContext, input: SimulateInput<P>): Promise<PackageChangeSimulation<F, L>> {
    const parsed = parseTenantInput(this.#deps.tenantIds, entitlementSchemas.simulate, input, 'simulation');
    const { packages, reader, store } = this.#deps;
    const packageKeys = parsed.packageKeys.map((key) => packages.assert(key));
    await ctx.standing(parsed.tenantId);
    const context = await reader.read(store, parsed.tenantId);
    const current = catalogGrants(packages, context.grants);
    const usage = await this.#usage(parsed.tenantId, context, undefined);
    const byFeature = Object.fromEntries(usage.map((entry) => [entry.featureKey, entry.used])) as UsageByFeature<L>;
    return simulatePackageChange(packages, current, { packages: packageKeys, boosts: current.boosts }, byFeature, context.now);
  }

  /**
   * What `provisioning.changePackage` with the same input would do, without
   * writing: the same refusals (`NotFoundError` when `from` is not active,
   * `AlreadyExistsError` when `to` is, `ValidationError` when they are the
   * same), the limits the tenant would have, and whether current usage
   * (0 for cycle-anchored features under `usage: 'reset'`) would be over them.
   */
  async simulateChange(ctx: ActorContext, input: ChangePackageInput<P>): Promise<PackageChangeSimulation<F, L>> {
    const parsed = parseTenantInput(this.#deps.tenantIds, entitlementSchemas.change, input, 'package change');
    const { packages, reader, store } = this.#deps;
    const from = packages.assert(parsed.from);
    const to = packages.assert(parsed.to);
    if (from === to) throw new ValidationError('Invalid package change: "from" and "to" are the same package.', [{ path: ['to'], message: 'Same as "from".' }]);
    await ctx.standing(parsed.tenantId);
    const context = await reader.read(store, parsed.tenantId);
    const current = catalogGrants(packages, context.grants);
    if (!current.packages.includes(from)) throw new NotFoundError(`Package "${from}" is not active for this tenant.`);
    if (current.packages.includes(to)) throw new AlreadyExistsError('package assignment');
    const proposed = [...current.packages.filter((key) => key !== from), to];
    const usage = await this.#usage(parsed.tenantId, context, undefined);
    const resets = (featureKey: L) => {
      const spec = reader.features.get(featureKey);
      return parsed.usage === 'reset' && spec.kind === 'limit' && !isGauge(spec.reset) && spec.reset.anchor === 'cycle';
    };
    const byFeature = Object.fromEntries(usage.map((entry) => [entry.featureKey, resets(entry.featureKey) ? 0 : entry.used])) as UsageByFeature<L>;
    return simulatePackageChange(packages, current, { packages: proposed, boosts: current.boosts }, byFeature, context.now);
  }

  /** The tenant's effective entitlements now (every feature, enabled or not). */
  async effective(ctx: ActorContext, tenantId: string): Promise<EffectiveEntitlements<F, L>> {
    const id = this.#deps.tenantIds.require(tenantId);
    await ctx.standing(id);
    return (await this.#deps.reader.read(this.#deps.store, id)).effective;
  }

  async #usage(tenantId: string, context: TenantEntitlements<F, L>, namespace: string | undefined): Promise<FeatureUsage<L>[]> {
    const { reader, store } = this.#deps;
    const pool = namespace ?? TENANT_POOL;
    const levels = reader.features
      .keys()
      .filter((key): key is L => reader.features.isLimit(key))
      .flatMap((key) => reader.levels(context, key, namespace).filter((level) => level.feature === key && level.namespace === pool));
    const [used, leases] = await Promise.all([
      store.readCounters(tenantId, counterKeys(levels)),
      this.#deps.leasing === true ? store.listLeases(tenantId) : undefined,
    ]);
    return levels.map((level, index) => {
      const usage = usageOf(level.feature as L, level, used[index] ?? 0);
      if (leases === undefined) return usage;
      const drawn = leases.filter((lease) =>
        lease.counters.some(
          (c) => c.featureKey === level.feature && c.namespace === level.namespace && c.windowStart.getTime() === level.windowStart.getTime(),
        ),
      );
      return Object.freeze({ ...usage, leased: drawn.reduce((sum, lease) => sum + lease.granted - lease.consumed, 0) });
    });
  }
}
