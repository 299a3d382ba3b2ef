import { ValidationError } from '../errors/index.js';
import { evaluateConsumption, evaluateRelease } from './evaluate-consumption.js';
import { assertCount, COUNTER_CEILING, type Limit } from './limit.js';

/**
 * One level a consumption must find room in: the feature itself, one of its
 * pools (ancestors), or a namespace's own limit on either.
 */
export interface PoolLevel<F extends string = string> {
  /** The feature counted at this level. */
  readonly featureKey: F;
  /** The namespace of a namespace-level limit; absent for the tenant level. */
  readonly namespace?: string;
  /** False when the tenant's grants do not enable the feature at this level; the level then refuses everything. */
  readonly enabled: boolean;
  /** The level's limit (`0` when not enabled). */
  readonly limit: Limit;
  /** Usage of this level (in its own current window, for a resetting feature). */
  readonly used: number;
}

/**
 * Why a hierarchical consumption came out as it did.
 *
 * - `allowed`: every level has room.
 * - `not_enabled`: some level's feature is not granted (`enabled: false`); reported before any limit problem, because the remedy is a different plan.
 * - `limit_exceeded`: every level is enabled, but at least one has no room for the amount (an unlimited level has room up to `COUNTER_CEILING`).
 */
export type HierarchyReason = 'allowed' | 'not_enabled' | 'limit_exceeded';

/** One level of a {@link HierarchyEvaluation}, reporting the real outcome at that level. Frozen. */
export interface LevelEvaluation<F extends string = string> {
  /** The level as given. */
  readonly level: PoolLevel<F>;
  /** True when this level, on its own, is enabled and has room for the amount. */
  readonly hasRoom: boolean;
  /** The level's usage after the outcome: `used + amount` when the whole consumption is allowed, else `used`. */
  readonly usedAfter: number;
  /** Room left at this level after the outcome (never negative); `0` when not enabled. */
  readonly remaining: Limit;
}

/** Outcome of {@link evaluateHierarchicalConsumption}. Frozen. */
export interface HierarchyEvaluation<F extends string = string> {
  /** True only when every level allows the amount. */
  readonly allowed: boolean;
  /** Why; see {@link HierarchyReason}. */
  readonly reason: HierarchyReason;
  /**
   * The level that caused the refusal: the first (in the given order) that is
   * not enabled, else the first without room; `null` when allowed.
   */
  readonly blockedBy: PoolLevel<F> | null;
  /**
   * The room the consumer really has: the minimum `remaining` over all levels,
   * after the consumption when allowed and as it stands when refused (nothing
   * is charged); `'unlimited'` only when every level is unlimited, `0` when a
   * level is not enabled.
   */
  readonly remaining: Limit;
  /** Each level's outcome, in the given order. */
  readonly levels: readonly LevelEvaluation<F>[];
}

function minLimit(a: Limit, b: Limit): Limit {
  if (a === 'unlimited') return b;
  if (b === 'unlimited') return a;
  return Math.min(a, b);
}

/** An unlimited level has unlimited room, unless the counter ceiling refused the amount: then what is left below it. */
function unlimitedRoom(hasRoom: boolean, used: number): Limit {
  return hasRoom ? 'unlimited' : COUNTER_CEILING - used;
}

function assertLevels(levels: readonly unknown[]): void {
  if (levels.length === 0) {
    throw new ValidationError('Invalid levels: a consumption needs at least one level.', [{ path: ['levels'], message: 'At least one level is required.' }]);
  }
}

/**
 * Decides a consumption across every level it draws on, all or nothing: it is
 * allowed only if **every** level has room for the whole amount, and then
 * every level is charged the same amount. Pass the levels child -> root, as
 * built from `features.chainOf(feature)` and the effective entitlements;
 * for a consumption inside a namespace, put the namespace's own limit on a
 * feature before that feature's tenant level.
 *
 * Namespaces: a namespace with its own limit is bound by both its limit and
 * the tenant's pool, so its real room is `min(namespace remaining, tenant
 * remaining)`; a namespace without its own limit simply has no namespace
 * level and draws on the tenant pool alone. A namespace limit can never
 * enable a feature the tenant is not granted.
 *
 * Throws `ValidationError` for an empty level list or an invalid number.
 *
 * @example
 * ```ts
 * evaluateHierarchicalConsumption([
 *   { featureKey: 'ai.tokens.images', enabled: true, limit: 500, used: 100 },
 *   { featureKey: 'ai.tokens', enabled: true, limit: 1000, used: 950 },
 * ], 100);
 * // allowed: false, reason: 'limit_exceeded', blockedBy: the 'ai.tokens' level, remaining: 50
 * ```
 */
export function evaluateHierarchicalConsumption<F extends string>(levels: readonly PoolLevel<F>[], amount: number): HierarchyEvaluation<F> {
  assertLevels(levels);
  assertCount(amount, 'amount');
  const verdicts = levels.map((level) => {
    assertCount(level.used, 'used');
    return level.enabled && evaluateConsumption({ limit: level.limit, used: level.used, amount }).allowed;
  });
  const disabled = levels.find((level) => !level.enabled);
  const exceeded = levels.find((level, index) => level.enabled && !verdicts[index]);
  const blocked = disabled ?? exceeded;
  // All or nothing: every level is charged, or none is.
  const charged = blocked === undefined ? amount : 0;

  const evaluated = levels.map((level, index): LevelEvaluation<F> => {
    const usedAfter = level.used + charged;
    const room = !level.enabled ? 0 : level.limit === 'unlimited' ? unlimitedRoom(verdicts[index] === true, usedAfter) : Math.max(0, level.limit - usedAfter);
    return Object.freeze({ level, hasRoom: verdicts[index] === true, usedAfter, remaining: room });
  });
  return Object.freeze({
    allowed: blocked === undefined,
    reason: disabled !== undefined ? 'not_enabled' : exceeded !== undefined ? 'limit_exceeded' : 'allowed',
    blockedBy: blocked ?? null,
    remaining: evaluated.reduce<Limit>((least, entry) => minLimit(least, entry.remaining), 'unlimited'),
    levels: Object.freeze(evaluated),
  });
}

/** Outcome of {@link evaluateHierarchicalRelease}. Frozen. */
export interface HierarchyRelease {
  /** The amount released from every level. */
  readonly released: number;
  /** Usage of each level after the release, in the given order. */
  readonly usedAfter: readonly number[];
}

/**
 * Releases gauge usage from every level of a chain by the **same** amount:
 * `min(amount, lowest usage among the levels)`. Releasing level by level with
 * separate clamping could take more from a pool than from its child and
 * leave the chain inconsistent; one shared amount keeps every level in step,
 * so a consumption followed by its release restores every level exactly.
 *
 * Throws `ValidationError` for an empty level list or an invalid number.
 */
export function evaluateHierarchicalRelease(levels: readonly Pick<PoolLevel, 'used'>[], amount: number): HierarchyRelease {
  assertLevels(levels);
  assertCount(amount, 'amount');
  let released = amount;
  for (const level of levels) released = evaluateRelease({ used: level.used, amount: released }).released;
  return Object.freeze({ released, usedAfter: Object.freeze(levels.map((level) => level.used - released)) });
}
