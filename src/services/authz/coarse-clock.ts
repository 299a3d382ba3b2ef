/**
 * How many reads a cached clock value may serve before it is read again,
 * whatever the event loop does: a turn made only of microtasks (a loop of
 * `await`s on settled promises) never reaches the reset, and this bounds
 * how long such a turn can keep an expired entry alive.
 */
const READS_PER_SAMPLE = 1024;

/** The clock a TTL cache reads: `now()` for a read (may lag slightly), `fresh()` for a deadline being set. */
export interface TtlClock {
  now(): number;
  fresh(): number;
}

/**
 * A monotonic millisecond clock read at most once per event-loop turn (and
 * at least every {@link READS_PER_SAMPLE} reads), for TTL checks on a hot
 * path. `performance.now()` costs tens of nanoseconds, which is a large
 * share of a cache hit; a TTL measured in seconds does not need a fresher
 * value than the current turn's.
 *
 * The value can only lag behind the real clock, never run ahead, so an
 * entry stored with it expires early rather than late, and an entry read
 * with it is served at most until the end of the turn (or the next
 * sample) past its deadline.
 */
export class CoarseClock implements TtlClock {
  #value = 0;
  /** Reads left before the next sample; 0 means "read the real clock". */
  #left = 0;
  readonly #reset = (): void => {
    this.#left = 0;
  };

  /** The current time in milliseconds (the `performance.now()` timeline). */
  now(): number {
    if (this.#left > 0) {
      this.#left -= 1;
      return this.#value;
    }
    this.#value = performance.now();
    this.#left = READS_PER_SAMPLE;
    scheduleReset(this.#reset);
    return this.#value;
  }

  /** The real clock, now, for a write (a deadline must not be computed from a stale value any more than needed). */
  fresh(): number {
    this.#value = performance.now();
    return this.#value;
  }
}

/**
 * Runs `reset` at the end of the current event-loop turn: `setImmediate`,
 * unref'd so that a sample never keeps the process alive. A runtime without
 * it (a worker-style edge runtime) resets after the current microtask
 * instead, which only makes the clock less coarse.
 */
function scheduleReset(reset: () => void): void {
  if (typeof setImmediate === 'function') {
    const handle = setImmediate(reset) as { unref?: () => unknown } | undefined;
    handle?.unref?.();
  } else {
    queueMicrotask(reset);
  }
}
