import type { CapabilityRegistry } from '../core/capabilities/define-capabilities.js';
import { ConfigurationError } from '../core/errors/index.js';
import { StepUpPolicy } from '../services/authz/step-up.js';
import type { Effects } from '../services/effects/effects.js';
import type { RateLimiter } from '../services/rate-limits/rate-limiter.js';
import { AttemptLimit } from '../services/two-factor/attempt-limit.js';
import { Keyring } from '../services/two-factor/keyring.js';
import type { TwoFactorOptions } from '../services/two-factor/two-factor-options.js';
import { TwoFactorService } from '../services/two-factor/two-factor-service.js';
import type { Store } from '../store/index.js';

/** Default step-up max age, and the freshness needed to replace an active factor: 5 minutes. */
const DEFAULT_MAX_AGE_MS = 5 * 60_000;

/** What the two-factor module shares with the rest of the instance. */
interface TwoFactorWiring {
  readonly store: Store;
  readonly limiter: RateLimiter;
  readonly capabilities: CapabilityRegistry;
  readonly now: () => Date;
  readonly effects: Effects;
}

/**
 * The instance's two-factor service and step-up policy, from the validated
 * `twoFactor` option (`undefined` for both without it). Throws
 * `ConfigurationError` for a bad keyring or an undeclared step-up capability.
 */
export function twoFactorServices(
  options: TwoFactorOptions<string> | undefined,
  wiring: TwoFactorWiring,
): { readonly service: TwoFactorService | undefined; readonly stepUp: StepUpPolicy | undefined } {
  if (options === undefined) return { service: undefined, stepUp: undefined };
  const keyring = new Keyring(options.keys);
  const maxAgeMs = options.stepUp?.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const stepUpCapabilities = options.stepUp?.capabilities ?? [];
  for (const capability of stepUpCapabilities) {
    if (!wiring.capabilities.has(capability))
      throw new ConfigurationError(`Invalid createTenantry() options: twoFactor.stepUp.capabilities: "${String(capability)}" is not a declared capability.`);
  }
  const service = new TwoFactorService({
    store: wiring.store,
    keyring,
    attempts: new AttemptLimit(wiring.limiter, { maxFailures: options.attempts?.maxFailures ?? 5, windowMs: options.attempts?.windowMs ?? 5 * 60_000 }),
    totp: {
      algorithm: options.totp?.algorithm ?? 'sha1',
      digits: options.totp?.digits ?? 6,
      period: options.totp?.period ?? 30,
      drift: options.totp?.drift ?? 1,
    },
    recoveryCodes: options.recoveryCodes ?? 10,
    freshForMs: maxAgeMs,
    now: wiring.now,
    effects: wiring.effects,
    onAudit: options.onAudit,
  });
  return { service, stepUp: new StepUpPolicy(stepUpCapabilities, maxAgeMs, wiring.now) };
}

/** `tenantry.twoFactor` of an instance without the option. */
export function missingTwoFactor(): never {
  throw new ConfigurationError('Two-factor is not configured: pass createTenantry({ twoFactor: { keys } }).');
}
