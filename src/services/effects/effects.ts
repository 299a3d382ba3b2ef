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
      result.then(undefined, (error: unknown) => {
        reportError(this.#onError, error, source);
      });
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
