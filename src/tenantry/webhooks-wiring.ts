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
import type { Store } from '../store/store.js';

/**
 * The `webhooks` option of `createTenantry`. Without it there are no
 * webhooks: no events are written and `scope.webhooks` is a
 * `ConfigurationError`.
 */
export interface WebhooksOptions<C extends string = string> {
  /** The capability that manages a tenant's endpoints (create, update, rotate, delete, redeliver). */
  readonly manage: C;
  /** AES-256-GCM keys that encrypt signing secrets at rest. */
  readonly keyring: KeyringOptions;
  /** Sends requests; pass `pinnedTransport()` (undici, connection pinned to the vetted address, no redirects). */
  readonly transport: WebhookTransport;
  /** The SSRF policy. Default is `https:` only, ports 443 and 8443, no allowlist. */
  readonly urlPolicy?: WebhookUrlPolicy;
  /** Host-name resolution (tests). Default is the operating system's resolver. */
  readonly resolver?: WebhookResolver;
  /** Timeouts, breaker and give-up tuning. */
  readonly delivery?: DeliveryOptions;
  /** Told when an endpoint is disabled automatically (failing for days, or 410 Gone). */
  readonly onEndpointDisabled?: (event: WebhookEndpointDisabledEvent) => void | Promise<void>;
}

const fn = z.custom((value) => typeof value === 'function', { message: 'expected a function' });

/** The strict shape of {@link WebhooksOptions}. */
export const webhooksOptionsSchema = z
  .object({
    manage: z.string(),
    keyring: z.object({ current: z.string(), keys: z.record(z.string(), z.string()) }).strict(),
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
  })
  .strict();

/** The webhook services of one instance. */
export interface WebhookServices {
  readonly manage: string;
  readonly outbox: WebhookOutbox;
  readonly endpoints: WebhookEndpointService;
  readonly deliverer: WebhookDeliverer;
}

/** Builds the webhook services (keyring checked at once). */
export function webhookServices(
  options: WebhooksOptions,
  wiring: { store: Store; tenantIds: TenantIdRule; now: () => Date; generateId: () => string; eventIds: () => string; effects: Effects },
): WebhookServices {
  const keyring = new Keyring(options.keyring);
  const urlPolicy = Object.freeze({ ...options.urlPolicy });
  const outbox = new WebhookOutbox({ now: wiring.now, generateId: wiring.eventIds });
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
      onEndpointDisabled: options.onEndpointDisabled,
    }),
  });
}
