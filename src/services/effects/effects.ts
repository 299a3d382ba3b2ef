import { reportError, type ErrorHook } from '../../core/hooks/error-hook.js';

/**
 * The one runner for side effects that follow a decision or a committed
 * change: cache invalidation, the invalidation bus, alert hooks, denial
 * hooks. An effect can never fail what it follows: a synchronous throw and a
 * rejected promise both go to the instance's `onError` hook with the
 * effect's `source`, and the caller carries on.
 */
export class Effects {
  readonly #onError: ErrorHook;
  /** Effects still running (promises they returned), so that shutdown can wait for them. */
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(onError: ErrorHook) {
    this.#onError = onError;
  }

  /** Runs `effect` now; a failure (thrown or rejected) is reported, never propagated. */
  run(source: string, effect: () => unknown): void {
    let result: unknown;
    try {
      result = effect();
    } catch (error) {
      reportError(this.#onError, error, source);
      return;
    }
    if (isPromiseLike(result)) {
      const settled = Promise.resolve(result).then(undefined, (error: unknown) => {
        reportError(this.#onError, error, source);
      });
      this.#inFlight.add(settled);
      void settled.finally(() => this.#inFlight.delete(settled));
    }
  }

  /**
   * Resolves once every effect started so far has settled, or after
   * `timeoutMs`, whichever comes first: `true` when all settled, `false`
   * when some were still running (a hook that hangs must not hang the
   * host's shutdown).
   */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.#inFlight.size === 0) return true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => {
        resolve(false);
      }, timeoutMs);
    });
    // Effects started while draining are awaited too.
    const all = (async () => {
      while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
      return true as const;
    })();
    try {
      return await Promise.race([all, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Reports `error` from `source` without running anything (for failures caught elsewhere). */
  report(source: string, error: unknown): void {
    reportError(this.#onError, error, source);
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
