/**
 * Where a failure reported to an {@link ErrorHook} came from. `source` names
 * the host hook or the after-commit effect that failed:
 *
 * - `formatDisabledReason`: the tooltip formatter threw or returned a non-string;
 *   the default tooltip was used instead.
 * - `onDenied`: the denial hook threw or rejected; the decision stands.
 * - `onAlert`: the usage-alert hook threw or rejected; the consumption stays committed.
 * - `cache.invalidate`: dropping a cached entry after a committed change failed; the change stays committed.
 * - `bus.publish`: publishing an invalidation on the bus threw or rejected; the change stays committed.
 * - `bus.connection`: the bus lost (or could not open) its connection; until it is back, the
 *   instance serves nothing from its cross-request caches.
 *
 * New modules add their own sources, so treat `source` as an open string.
 */
export interface ErrorHookContext {
  readonly source: string;
}

/**
 * Receives failures that tenantry must not let change an outcome: a host hook
 * that throws, or a side effect after a commit. It is for logging and
 * metrics; what it does cannot change the result of the operation, and an
 * exception it throws itself is dropped.
 */
export type ErrorHook = (error: unknown, context: ErrorHookContext) => void;

/** Hands `error` to `hook`, never letting the hook's own failure escape. */
export function reportError(hook: ErrorHook, error: unknown, source: string): void {
  try {
    hook(error, Object.freeze({ source }));
  } catch {
    // The error hook is the last resort: there is nowhere left to report to.
  }
}
