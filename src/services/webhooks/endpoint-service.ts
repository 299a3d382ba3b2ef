import { z } from 'zod';
import { NotFoundError } from '../../core/errors/index.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../../core/webhooks/event-catalog.js';
import { checkWebhookUrl, type WebhookUrlPolicy } from '../../core/webhooks/url-policy.js';
import type { Store } from '../../store/store.js';
import type { WebhookDeliveryRecord, WebhookEndpointRecord, WebhookEndpointStatus } from '../../store/webhook-records.js';
import { parseTenantInput } from '../shared/parse-tenant-input.js';
import type { TenantIdRule } from '../shared/tenant-id-rule.js';
import type { SecretCipher } from './secret-cipher.js';
import { generateWebhookSecret } from './signing.js';

/** An endpoint as the tenant admin sees it: never a secret. */
export interface WebhookEndpoint {
  readonly id: string;
  readonly tenantId: string;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly description: string | null;
  readonly status: WebhookEndpointStatus;
  /** Start of the current run of failures, `null` when the last delivery succeeded. */
  readonly failingSince: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** An endpoint with its signing secret, returned once by `create` and `rotateSecret`. */
export interface WebhookEndpointWithSecret extends WebhookEndpoint {
  /** `whsec_...`: shown this once; store it in the receiver. */
  readonly secret: string;
}

/** One delivery as the log shows it. */
export interface WebhookDelivery {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly status: WebhookDeliveryRecord['status'];
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly createdAt: Date;
}

/** Default grace period of `rotateSecret`: the old secret signs alongside the new one for 24 h. */
export const DEFAULT_ROTATION_GRACE_MS = 24 * 3_600_000;

const eventsSchema = z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1).max(WEBHOOK_EVENT_TYPES.length);
const schemas = {
  create: z.object({ tenantId: z.string(), url: z.string().max(2048), events: eventsSchema, description: z.string().max(255).optional() }).strict(),
  update: z
    .object({
      tenantId: z.string(),
      endpointId: z.string().max(64),
      url: z.string().max(2048).optional(),
      events: eventsSchema.optional(),
      description: z.string().max(255).nullable().optional(),
      enabled: z.boolean().optional(),
    })
    .strict(),
  endpoint: z.object({ tenantId: z.string(), endpointId: z.string().max(64) }).strict(),
  rotate: z
    .object({
      tenantId: z.string(),
      endpointId: z.string().max(64),
      graceMs: z
        .number()
        .int()
        .min(0)
        .max(7 * 86_400_000)
        .optional(),
    })
    .strict(),
  redeliver: z.object({ tenantId: z.string(), deliveryId: z.string().max(64) }).strict(),
  list: z.object({ tenantId: z.string(), endpointId: z.string().max(64).optional() }).strict(),
};

/** The kinds of input {@link WebhookEndpointService.parse} knows. */
export type WebhookInputKind = keyof typeof schemas;
/** An input of `kind` after validation. */
export type ParsedWebhookInput<K extends WebhookInputKind> = z.output<(typeof schemas)[K]>;

/** Input of `webhooks.create`. */
export type CreateWebhookInput = z.input<typeof schemas.create>;
/** Input of `webhooks.update`: the fields given change; `enabled: false` disables. */
export type UpdateWebhookInput = z.input<typeof schemas.update>;
/** Input naming one endpoint. */
export type WebhookEndpointInput = z.input<typeof schemas.endpoint>;
/** Input of `webhooks.rotateSecret`. `graceMs` defaults to 24 h, at most 7 days. */
export type RotateWebhookSecretInput = z.input<typeof schemas.rotate>;
/** Input of `webhooks.redeliver`. */
export type RedeliverInput = z.input<typeof schemas.redeliver>;
/** Input of `webhooks.deliveries`. */
export type ListDeliveriesInput = z.input<typeof schemas.list>;

/** Wiring of {@link WebhookEndpointService}. */
export interface WebhookEndpointServiceDependencies {
  readonly store: Store;
  readonly keyring: SecretCipher;
  readonly urlPolicy: WebhookUrlPolicy;
  readonly tenantIds: TenantIdRule;
  readonly now: () => Date;
  readonly generateId: () => string;
}

function viewOf(record: WebhookEndpointRecord): WebhookEndpoint {
  return Object.freeze({
    id: record.id,
    tenantId: record.tenantId,
    url: record.url,
    events: record.events as readonly WebhookEventType[],
    description: record.description,
    status: record.status,
    failingSince: record.failingSince,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  });
}

function deliveryViewOf(record: WebhookDeliveryRecord): WebhookDelivery {
  const { id, endpointId, eventId, eventType, status, attempts, nextAttemptAt, createdAt } = record;
  return Object.freeze({ id, endpointId, eventId, eventType, status, attempts, nextAttemptAt, createdAt });
}

/**
 * Endpoint administration: the callers (the scope) have checked the
 * managing capability already. URLs are checked against the SSRF policy's
 * static rules on create and update (resolution happens per delivery, where
 * it is pinned). Secrets are generated here, encrypted with the keyring and
 * returned in clear exactly once.
 */
export class WebhookEndpointService {
  readonly #deps: WebhookEndpointServiceDependencies;

  constructor(deps: WebhookEndpointServiceDependencies) {
    this.#deps = deps;
  }

  /** Parses the tenant id first (404 for a malformed one, as everywhere). */
  parse<K extends keyof typeof schemas>(kind: K, input: unknown): z.output<(typeof schemas)[K]> {
    return parseTenantInput(this.#deps.tenantIds, schemas[kind], input, `webhook ${kind}`) as z.output<(typeof schemas)[K]>;
  }

  async create(input: z.output<typeof schemas.create>): Promise<WebhookEndpointWithSecret> {
    const url = checkWebhookUrl(input.url, this.#deps.urlPolicy).url.href;
    const id = this.#deps.generateId();
    const secret = generateWebhookSecret();
    const now = this.#deps.now();
    const record: WebhookEndpointRecord = {
      id,
      tenantId: input.tenantId,
      url,
      events: [...new Set(input.events)],
      description: input.description ?? null,
      status: 'enabled',
      secret: this.#deps.keyring.encrypt(secret, id),
      previousSecret: null,
      previousSecretExpiresAt: null,
      failingSince: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.#deps.store.insertWebhookEndpoint(record);
    return Object.freeze({ ...viewOf(record), secret });
  }

  async list(tenantId: string): Promise<readonly WebhookEndpoint[]> {
    return Object.freeze((await this.#deps.store.listWebhookEndpoints(tenantId)).map(viewOf));
  }

  async update(input: z.output<typeof schemas.update>): Promise<WebhookEndpoint> {
    const url = input.url === undefined ? undefined : checkWebhookUrl(input.url, this.#deps.urlPolicy).url.href;
    const updated = await this.#deps.store.updateWebhookEndpoint({
      tenantId: input.tenantId,
      id: input.endpointId,
      updatedAt: this.#deps.now(),
      ...(url === undefined ? {} : { url }),
      ...(input.events === undefined ? {} : { events: [...new Set(input.events)] }),
      ...(input.description === undefined ? {} : { description: input.description }),
      ...(input.enabled === undefined ? {} : { status: input.enabled ? 'enabled' : 'disabled', ...(input.enabled ? { failingSince: null } : {}) }),
    });
    if (updated === undefined) throw new NotFoundError();
    return viewOf(updated);
  }

  async delete(input: z.output<typeof schemas.endpoint>): Promise<void> {
    if (!(await this.#deps.store.deleteWebhookEndpoint(input.tenantId, input.endpointId))) throw new NotFoundError();
  }

  /** A new secret; the previous one keeps signing (as a second signature) until the grace period ends. */
  async rotateSecret(input: z.output<typeof schemas.rotate>): Promise<WebhookEndpointWithSecret> {
    const { store, keyring } = this.#deps;
    const secret = generateWebhookSecret();
    const now = this.#deps.now();
    const updated = await store.transaction(
      async (tx) => {
        const current = await tx.findWebhookEndpoint(input.tenantId, input.endpointId);
        if (current === undefined) throw new NotFoundError();
        const previous = keyring.decrypt(current.secret, current.id);
        return tx.updateWebhookEndpoint({
          tenantId: input.tenantId,
          id: current.id,
          updatedAt: now,
          secret: keyring.encrypt(secret, current.id),
          // Bound to a different context than the current secret, so the two ciphertexts cannot be swapped.
          previousSecret: keyring.encrypt(previous, `${current.id}:previous`),
          previousSecretExpiresAt: new Date(now.getTime() + (input.graceMs ?? DEFAULT_ROTATION_GRACE_MS)),
        });
      },
      { tenantId: input.tenantId },
    );
    if (updated === undefined) throw new NotFoundError();
    return Object.freeze({ ...viewOf(updated), secret });
  }

  async deliveries(input: z.output<typeof schemas.list>): Promise<readonly WebhookDelivery[]> {
    return Object.freeze((await this.#deps.store.listWebhookDeliveries(input.tenantId, input.endpointId)).map(deliveryViewOf));
  }

  /** Makes a delivery due again now; `NotFoundError` when it does not exist or a worker is sending it. */
  async redeliver(input: z.output<typeof schemas.redeliver>): Promise<void> {
    const now = this.#deps.now();
    if (!(await this.#deps.store.requeueWebhookDelivery({ tenantId: input.tenantId, deliveryId: input.deliveryId, nextAttemptAt: now, updatedAt: now })))
      throw new NotFoundError();
  }
}
