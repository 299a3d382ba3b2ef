/** One fixed window, in epoch milliseconds: `[start, end)`. */
export interface FixedWindow {
  readonly start: number;
  readonly end: number;
}

/**
 * The window `now` falls into. Windows are aligned to the epoch, so every
 * instance computes the same window for the same instant without talking to
 * the others.
 */
export function fixedWindow(now: number, windowMs: number): FixedWindow {
  const start = Math.floor(now / windowMs) * windowMs;
  return { start, end: start + windowMs };
}

/**
 * Whole seconds from `now` until the window ends, rounded up and at least
 * 1: a client that waits this long lands in the next window, and `0` would
 * invite an immediate retry into the same one.
 */
export function secondsUntilEnd(window: FixedWindow, now: number): number {
  return Math.max(1, Math.ceil((window.end - now) / 1000));
}
