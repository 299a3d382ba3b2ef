import { ConfigurationError } from '../errors/index.js';
import { compareKeys } from './catalog-keys.js';
import type { FeatureSpec, LimitFeatureSpec } from './feature-types.js';

/** The pool structure of a catalog, precomputed once at definition. */
export interface FeatureGraph {
  /** Ancestors of each limit feature, nearest first (child -> root), without the feature itself. */
  readonly ancestors: ReadonlyMap<string, readonly string[]>;
  /** Direct children of each limit feature, in declaration order. */
  readonly children: ReadonlyMap<string, readonly string[]>;
}

function samePeriodFamily(child: LimitFeatureSpec, parent: LimitFeatureSpec): boolean {
  return (child.reset === 'none') === (parent.reset === 'none');
}

/**
 * Checks that each parent fits its child, then that no chain loops. The rules
 * follow from "consuming a child consumes its parent by the same amount":
 *
 * - the parent must be a declared limit feature (a boolean cannot be consumed);
 * - the units must be equal, because amounts flow up unconverted;
 * - both must be gauges or both must reset: a gauge child released under a
 *   resetting parent would have to un-count a closed period, and a resetting
 *   child under a gauge parent would fill the gauge for ever. Two different
 *   recurring periods are fine (a daily cap inside a monthly pool): each
 *   level counts in its own window.
 */
function checkParent(spec: LimitFeatureSpec, specs: ReadonlyMap<string, FeatureSpec>): void {
  if (spec.parent === null) return;
  const parent = specs.get(spec.parent);
  if (parent === undefined) {
    throw new ConfigurationError(`Feature "${spec.key}" has parent "${spec.parent}", which is not a declared feature.`);
  }
  if (parent.kind !== 'limit') {
    throw new ConfigurationError(`Feature "${spec.key}" has parent "${parent.key}", a boolean feature: a parent pool must be a limit feature.`);
  }
  if (parent.unit !== spec.unit) {
    throw new ConfigurationError(
      `Feature "${spec.key}" counts "${spec.unit}" but its parent "${parent.key}" counts "${parent.unit}": a child consumes its parent unconverted, so units must match.`,
    );
  }
  if (!samePeriodFamily(spec, parent)) {
    throw new ConfigurationError(`Feature "${spec.key}" and its parent "${parent.key}" must both be gauges (reset 'none') or both reset periodically.`);
  }
}

/**
 * Validates parents and builds the pool graph. Throws {@link ConfigurationError}
 * for an unknown or unfit parent and for a cycle, naming the features involved.
 */
export function buildFeatureGraph(specs: ReadonlyMap<string, FeatureSpec>): FeatureGraph {
  const ancestors = new Map<string, readonly string[]>();
  const children = new Map<string, string[]>();
  for (const spec of specs.values()) {
    if (spec.kind !== 'limit') continue;
    checkParent(spec, specs);
    children.set(spec.key, []);
  }
  for (const spec of specs.values()) {
    if (spec.kind !== 'limit') continue;
    const chain: string[] = [];
    let parent = spec.parent;
    while (parent !== null) {
      if (parent === spec.key || chain.includes(parent)) {
        throw new ConfigurationError(`Feature "${spec.key}" is in a parent cycle: ${[spec.key, ...chain, parent].join(' -> ')}.`);
      }
      chain.push(parent);
      // checkParent has run for every limit feature, so each parent is a limit spec.
      parent = (specs.get(parent) as LimitFeatureSpec).parent;
    }
    ancestors.set(spec.key, Object.freeze(chain));
    if (spec.parent !== null) children.get(spec.parent)?.push(spec.key);
  }
  const frozenChildren = new Map<string, readonly string[]>();
  for (const [key, list] of children) frozenChildren.set(key, Object.freeze(list));
  return { ancestors, children: frozenChildren };
}

/**
 * The lock order of a catalog: plain code-unit order of the keys. Any fixed
 * total order prevents deadlocks; this one depends on nothing but the keys,
 * so two application versions running side by side during a deploy agree on
 * it even if their catalogs differ.
 */
export function sortForLocking(keys: Iterable<string>): string[] {
  return [...new Set(keys)].sort(compareKeys);
}
