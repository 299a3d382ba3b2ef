import { z } from 'zod';
import type { WebhookTransport } from '../core/webhooks/transport.js';
import type { WebhookUrlPolicy } from '../core/webhooks/url-policy.js';
import type { Effects } from '../services/effects/effects.js';
import { WebhookDeliverer, type DeliveryOptions, type WebhookEndpointDisabledEvent } from '../services/webhooks/delivery-worker.js';
import { WebhookEndpointService } from '../services/webhooks/endpoint-service.js';
import { Keyring, type KeyringOptions } from '../services/webhooks/keyring.js';
import { WebhookOutbox } from '../services/webhooks/outbox.js';
import type { WebhookResolver } from '../services/webhooks/resolve-target.js';
import type { TenantIdRule } from '../services/shared/tenant-id-rule.js';
import { Auditor } from '../services/audit/auditor.js';
import { RateLimiter } from '../services/rate-limits/rate-limiter.js';
import { Keyring as TwoFactorKeyring, type TwoFactorKeys } from '../services/two-factor/keyring.js';
import { WebhookPinger, type WebhookTestLimit } from '../services/webhooks/endpoint-ping.js';
import { WebhookSecretCipher } from '../services/webhooks/secret-cipher.js';
import { MAX_REDIRECTS, type SendContext } from '../services/webhooks/send-request.js';
import type { Store } from '../store/store.js';

/**
 * The `webhooks` option of `createTenantry`. Without it there are no
 * webhooks: no events are written and `scope.webhooks` is a
 * `ConfigurationError`.
 */
export interface WebhooksOptions<C extends string = string> {
  /** The capability that manages a tenant's endpoints (create, update, rotate, delete, redeliver). */
  readonly manage: C;
  /**
   * AES-256-GCM keys that encrypt signing secrets at rest. Optional when the
   * instance has `twoFactor.keys`: secrets are then sealed with that keyring,
   * so both modules share one set of keys (see `docs/webhooks.md`).
   */
  readonly keyring?: KeyringOptions;
  /** Sends requests; pass `pinnedTransport()` (undici, connection pinned to the vetted address, no redirects). */
  readonly transport: WebhookTransport;
  /** The SSRF policy. Default is `https:` only, ports 443 and 8443, no allowlist. */
  readonly urlPolicy?: WebhookUrlPolicy;
  /** Host-name resolution (tests). Default is the operating system's resolver. */
  readonly resolver?: WebhookResolver;
  /** Timeouts, breaker and give-up tuning. */
  readonly delivery?: DeliveryOptions;
  /**
   * Redirects: not followed by default (a 3xx fails the attempt). With
   * `{ follow: n }` (at most 5), up to `n` hops are followed by deliveries
   * and test pings, each new URL checked, resolved and pinned like the
   * endpoint's own.
   */
  readonly redirects?: { readonly follow: number };
  /** The rate limit of `webhooks.test()` per endpoint. Default is 5 per minute. */
  readonly test?: WebhookTestLimit;
  /** Told when an endpoint is disabled automatically (failing for days, or 410 Gone). */
  readonly onEndpointDisabled?: (event: WebhookEndpointDisabledEvent) => void | Promise<void>;
}

const fn = z.custom((value) => typeof value === 'function', { message: 'expected a function' });

/** The strict shape of {@link WebhooksOptions}. */
export const webhooksOptionsSchema = z
  .object({
    manage: z.string(),
    keyring: z
      .object({ current: z.string(), keys: z.record(z.string(), z.string()) })
      .strict()
      .optional(),
    transport: fn,
    urlPolicy: z
      .object({
        allowHttp: z.boolean().optional(),
        allowedPorts: z.array(z.number().int().min(1).max(65535)).optional(),
        allowlist: z.array(z.url()).optional(),
      })
      .strict()
      .optional(),
    resolver: fn.optional(),
    delivery: z
      .object({
        timeoutMs: z.number().int().min(1).optional(),
        maxResponseBytes: z.number().int().min(0).max(1_048_576).optional(),
        breakerThreshold: z.number().int().min(1).optional(),
        halfOpenAfterMs: z.number().int().min(1).optional(),
        giveUpAfterMs: z.number().int().min(1).optional(),
        disableAfterMs: z.number().int().min(1).optional(),
      })
      .strict()
      .optional(),
    onEndpointDisabled: fn.optional(),
    redirects: z
      .object({ follow: z.number().int().min(0).max(MAX_REDIRECTS) })
      .strict()
      .optional(),
    test: z
      .object({
        limit: z.number().int().min(1).optional(),
        windowMs: z.number().int().min(1).max(86_400_000).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** The webhook services of one instance. */
export interface WebhookServices {
  readonly manage: string;
  readonly outbox: WebhookOutbox;
  readonly endpoints: WebhookEndpointService;
  readonly deliverer: WebhookDeliverer;
  readonly pinger: WebhookPinger;
}

/** Builds the webhook services (keyrings checked at once). `sharedKeys` is the instance's `twoFactor.keys`, if any. */
export function webhookServices(
  options: WebhooksOptions,
  wiring: {
    store: Store;
    tenantIds: TenantIdRule;
    now: () => Date;
    generateId: () => string;
    eventIds: () => string;
    effects: Effects;
    sharedKeys: TwoFactorKeys | undefined;
  },
): WebhookServices {
  const keyring = new WebhookSecretCipher(
    options.keyring === undefined ? undefined : new Keyring(options.keyring),
    wiring.sharedKeys === undefined ? undefined : new TwoFactorKeyring(wiring.sharedKeys),
  );
  const urlPolicy = Object.freeze({ ...options.urlPolicy });
  const outbox = new WebhookOutbox({ now: wiring.now, generateId: wiring.eventIds });
  const followRedirects = options.redirects?.follow ?? 0;
  const send: SendContext = {
    transport: options.transport,
    resolver: options.resolver,
    urlPolicy,
    timeoutMs: options.delivery?.timeoutMs ?? 10_000,
    maxResponseBytes: options.delivery?.maxResponseBytes ?? 1024,
    followRedirects,
  };
  return Object.freeze({
    manage: options.manage,
    outbox,
    endpoints: new WebhookEndpointService({
      store: wiring.store,
      keyring,
      urlPolicy,
      tenantIds: wiring.tenantIds,
      now: wiring.now,
      generateId: wiring.generateId,
    }),
    deliverer: new WebhookDeliverer({
      store: wiring.store,
      keyring,
      transport: options.transport,
      resolver: options.resolver,
      urlPolicy,
      outbox,
      effects: wiring.effects,
      now: wiring.now,
      options: options.delivery ?? {},
      followRedirects,
      onEndpointDisabled: options.onEndpointDisabled,
    }),
    pinger: new WebhookPinger({
      store: wiring.store,
      keyring,
      limiter: new RateLimiter(wiring.store, wiring.now),
      // Its own auditor: a ping's entry stands for no webhook event, so it needs no outbox hook.
      auditor: new Auditor(wiring.eventIds, wiring.now),
      send,
      rateLimit: { limit: options.test?.limit ?? 5, windowMs: options.test?.windowMs ?? 60_000 },
      now: wiring.now,
      generateId: wiring.eventIds,
    }),
  });
}
