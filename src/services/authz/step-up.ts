/**
 * Whether the current request must step up: `true` when it carries no
 * second-factor verification recent enough. Decided once per request, the
 * first time a step-up capability could be allowed, so every decision of the
 * request agrees even if the verification ages past the limit meanwhile.
 */
export type StepUpGate = () => boolean;

/**
 * Step-up for sensitive capabilities: an allowed decision for one of them
 * becomes `second_factor_required` (401) unless the request carries a
 * second-factor verification at most `maxAgeMs` old. The per-tenant access
 * objects apply it (see `TenantAccess`), so a request keeps one answer per
 * (tenant, capability); denials (403, 404) pass unchanged, so a step-up
 * capability reveals nothing to a non-member.
 */
export class StepUpPolicy {
  /** The capabilities that need a recent second factor. */
  readonly capabilities: readonly string[];
  readonly #maxAgeMs: number;
  readonly #now: () => Date;

  constructor(capabilities: readonly string[], maxAgeMs: number, now: () => Date) {
    this.capabilities = Object.freeze([...capabilities]);
    this.#maxAgeMs = maxAgeMs;
    this.#now = now;
  }

  /** The gate of one request; `undefined` when no capability needs a step-up. */
  forRequest(secondFactorAt: Date | undefined): StepUpGate | undefined {
    if (this.capabilities.length === 0) return undefined;
    let required: boolean | undefined;
    return () => (required ??= !(secondFactorAt !== undefined && isWithin(secondFactorAt, this.#now(), this.#maxAgeMs)));
  }
}

/** A verification in the future (a skewed host clock) is not fresh: it cannot be checked. */
function isWithin(at: Date, now: Date, maxAgeMs: number): boolean {
  const age = now.getTime() - at.getTime();
  return age >= 0 && age <= maxAgeMs;
}
