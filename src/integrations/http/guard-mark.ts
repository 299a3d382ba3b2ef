/**
 * Brand on every guard function tenantry's HTTP adapters return, read by
 * `auditRoutes()`. `Symbol.for` so a guard made by another copy of the
 * package (ESM and CJS side by side) is still recognised.
 */
const GUARD_MARK = Symbol.for('tenantry.guard');

/** Kinds of tenantry guard, in the order they usually run on a route. */
export const GUARD_KINDS = ['tenant-context', 'rate-limit', 'capability', 'entitlement'] as const;

/** One of {@link GUARD_KINDS}. */
export type GuardKind = (typeof GUARD_KINDS)[number];

/** What a guard on a route is: its kind and what it guards (capability, feature key, limiter name). */
export interface GuardMark {
  readonly kind: GuardKind;
  /** The capability (`capability`), the feature key (`entitlement`) or the limiter name (`rate-limit`); absent for `tenant-context`. */
  readonly detail?: string;
}

/**
 * Brands `guard` (a non-enumerable, read-only property, so the function is
 * otherwise unchanged) and returns it.
 */
export function markGuard<G extends object>(guard: G, mark: GuardMark): G {
  Object.defineProperty(guard, GUARD_MARK, { value: Object.freeze({ ...mark }), enumerable: false, writable: false, configurable: false });
  return guard;
}

/** The mark of a tenantry guard, or `undefined` for any other function or value. */
export function guardMarkOf(value: unknown): GuardMark | undefined {
  if (typeof value !== 'function') return undefined;
  const mark = (value as unknown as Record<symbol, unknown>)[GUARD_MARK];
  if (typeof mark !== 'object' || mark === null) return undefined;
  const { kind } = mark as { kind?: unknown };
  return typeof kind === 'string' && (GUARD_KINDS as readonly string[]).includes(kind) ? (mark as GuardMark) : undefined;
}
