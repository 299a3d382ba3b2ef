/**
 * Delay before each retry of a failed delivery, in milliseconds: 5 s, 5 min,
 * 30 min, 2 h, 5 h, 10 h, 10 h (the Standard Webhooks / Svix schedule). The
 * n-th retry waits entry n-1 (the last entry repeats), with ±20 % jitter so
 * that endpoints that failed together are not retried in step.
 */
export const WEBHOOK_RETRY_SCHEDULE_MS: readonly number[] = Object.freeze([
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
]);

/** Longest `Retry-After` honoured: a receiver cannot park a delivery for longer than the schedule's longest step. */
const MAX_RETRY_AFTER_MS = 10 * 3_600_000;

/** `Retry-After` in milliseconds (delta-seconds or an HTTP date), or `undefined` when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now: Date): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const trimmed = header.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now.getTime();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : undefined;
}

/**
 * When the next attempt runs after `attempts` attempts failed: the
 * schedule's step with jitter, or the receiver's `Retry-After` when that is
 * later.
 */
export function nextAttemptAt(attempts: number, now: Date, retryAfter: number | undefined, random: () => number = Math.random): Date {
  const step = WEBHOOK_RETRY_SCHEDULE_MS[Math.min(Math.max(attempts - 1, 0), WEBHOOK_RETRY_SCHEDULE_MS.length - 1)] ?? 0;
  const jittered = step * (0.8 + 0.4 * random());
  return new Date(now.getTime() + Math.max(jittered, retryAfter ?? 0));
}
