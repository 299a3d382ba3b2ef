/**
 * - `enabled`: receives deliveries of the events it subscribes to.
 * - `disabled`: receives nothing (disabled by an admin, or automatically after failing for too long).
 */
export const WEBHOOK_ENDPOINT_STATUSES = ['enabled', 'disabled'] as const;

/** See {@link WEBHOOK_ENDPOINT_STATUSES}. */
export type WebhookEndpointStatus = (typeof WEBHOOK_ENDPOINT_STATUSES)[number];

/** One webhook endpoint of a tenant. Secrets are ciphertext: the store never sees a signing secret in clear. */
export interface WebhookEndpointRecord {
  /** Lower-case UUID. */
  readonly id: string;
  readonly tenantId: string;
  readonly url: string;
  /** The event types it subscribes to. */
  readonly events: readonly string[];
  readonly description: string | null;
  readonly status: WebhookEndpointStatus;
  /** The current signing secret, encrypted by the service's keyring. */
  readonly secret: string;
  /** The previous secret during a rotation's grace period (encrypted), else `null`. */
  readonly previousSecret: string | null;
  /** When `previousSecret` stops signing, else `null`. */
  readonly previousSecretExpiresAt: Date | null;
  /** Start of the current run of failed deliveries, `null` when the last one succeeded. */
  readonly failingSince: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A change to an endpoint: the fields given are written, the others kept. */
export interface WebhookEndpointChange {
  readonly tenantId: string;
  readonly id: string;
  readonly updatedAt: Date;
  readonly url?: string;
  readonly events?: readonly string[];
  readonly description?: string | null;
  readonly status?: WebhookEndpointStatus;
  readonly secret?: string;
  readonly previousSecret?: string | null;
  readonly previousSecretExpiresAt?: Date | null;
  readonly failingSince?: Date | null;
}

/**
 * - `pending`: waiting for its next attempt at `nextAttemptAt`.
 * - `delivering`: claimed by a worker until `claimedUntil`; an expired claim (a crashed worker) is claimable again.
 * - `succeeded`: the receiver answered 2xx.
 * - `failed`: gave up (retries exhausted, a non-retryable answer, or the endpoint was disabled).
 */
export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivering', 'succeeded', 'failed'] as const;

/** See {@link WEBHOOK_DELIVERY_STATUSES}. */
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** One event to deliver to one endpoint: the outbox row. */
export interface WebhookDeliveryRecord {
  /** Lower-case time-ordered UUID. */
  readonly id: string;
  readonly tenantId: string;
  readonly endpointId: string;
  /** The event id, sent as `webhook-id` (the same on every retry). */
  readonly eventId: string;
  readonly eventType: string;
  /** The exact JSON body to send. */
  readonly payload: string;
  readonly status: WebhookDeliveryStatus;
  /** Attempts made so far. */
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  /** The token of the worker holding the claim, `null` when unclaimed. */
  readonly claimToken: string | null;
  readonly claimedUntil: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A new outbox row (`insertWebhookDeliveries`): `pending`, no attempts, unclaimed. */
export type NewWebhookDelivery = Pick<
  WebhookDeliveryRecord,
  'id' | 'tenantId' | 'endpointId' | 'eventId' | 'eventType' | 'payload' | 'nextAttemptAt' | 'createdAt'
>;

/** Input of `claimWebhookDeliveries`. */
export interface WebhookClaim {
  /** Deliveries due at or before `now` (pending, or with an expired claim) are claimable. */
  readonly now: Date;
  /** Most deliveries claimed. */
  readonly limit: number;
  /** Unique per claim: completing needs it, so a worker whose claim expired cannot complete. */
  readonly claimToken: string;
  /** When the claim expires if the worker does not complete. */
  readonly claimedUntil: Date;
  /** Only deliveries of this tenant (a worker sharded by tenant). Default is every tenant. */
  readonly tenantId?: string;
}

/** The log entry of one attempt. Response bodies are stored truncated. */
export interface WebhookAttemptRecord {
  readonly deliveryId: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly startedAt: Date;
  readonly durationMs: number;
  /** The HTTP status, `null` when no response arrived. */
  readonly responseStatus: number | null;
  /** The response body, truncated; `null` when none. */
  readonly responseBody: string | null;
  /** What failed without a response (`timeout`, `network`, `unsafe_url`, ...), else `null`. */
  readonly errorClass: string | null;
}

/** Input of `completeWebhookDelivery`: the attempt's log entry and the delivery's next state. */
export interface WebhookCompletion {
  readonly deliveryId: string;
  readonly claimToken: string;
  readonly status: 'pending' | 'succeeded' | 'failed';
  /** The next attempt's time (for `pending`; kept as is otherwise). */
  readonly nextAttemptAt: Date;
  readonly updatedAt: Date;
  readonly attempt: WebhookAttemptRecord;
}

/** Input of `requeueWebhookDelivery` (manual redelivery). */
export interface WebhookRequeue {
  readonly tenantId: string;
  readonly deliveryId: string;
  readonly nextAttemptAt: Date;
  readonly updatedAt: Date;
}
