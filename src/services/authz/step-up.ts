import type { Decision } from '../../core/decisions/decision.js';

/** A decision with step-up applied; see {@link StepUpPolicy.forRequest}. */
export type StepUpCheck = <C extends string>(decision: Decision<C>) => Decision<C>;

/** Applies nothing: scopes of instances without step-up, and system actors. */
export const NO_STEP_UP: StepUpCheck = (decision) => decision;

/**
 * Step-up for sensitive capabilities: an allowed decision for one of them
 * becomes `second_factor_required` (401) unless the request carries a
 * second-factor verification at most `maxAgeMs` old. Applied where a
 * scope's decisions are made and memoized, so a request keeps one answer per
 * (tenant, capability); denials (403, 404) pass unchanged, so a step-up
 * capability reveals nothing to a non-member.
 */
export class StepUpPolicy {
  readonly #capabilities: ReadonlySet<string>;
  readonly #maxAgeMs: number;
  readonly #now: () => Date;

  constructor(capabilities: readonly string[], maxAgeMs: number, now: () => Date) {
    this.#capabilities = new Set(capabilities);
    this.#maxAgeMs = maxAgeMs;
    this.#now = now;
  }

  /** True when `capability` needs a step-up. */
  requires(capability: string): boolean {
    return this.#capabilities.has(capability);
  }

  /**
   * The check of one request. Freshness is decided once, at the first
   * step-up capability checked, so every decision of the request agrees even
   * if the verification ages past the limit while the request runs.
   */
  forRequest(secondFactorAt: Date | undefined): StepUpCheck {
    if (this.#capabilities.size === 0) return NO_STEP_UP;
    let fresh: boolean | undefined;
    return (decision) => {
      if (!decision.allowed || !this.#capabilities.has(decision.capability)) return decision;
      fresh ??= secondFactorAt !== undefined && isWithin(secondFactorAt, this.#now(), this.#maxAgeMs);
      if (fresh) return decision;
      return Object.freeze({ allowed: false, status: 401, reason: 'second_factor_required', capability: decision.capability, tenantId: decision.tenantId });
    };
  }
}

/** A verification in the future (a skewed host clock) is not fresh: it cannot be checked. */
function isWithin(at: Date, now: Date, maxAgeMs: number): boolean {
  const age = now.getTime() - at.getTime();
  return age >= 0 && age <= maxAgeMs;
}
