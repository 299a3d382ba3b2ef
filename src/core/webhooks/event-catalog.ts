/**
 * Every webhook event type, in one list. An endpoint subscribes to a subset;
 * the payload of each type is {@link WebhookEventData}. Names never change
 * meaning once released; a payload change that is not purely additive gets
 * a new `version`.
 *
 * - `entitlement.threshold_reached`: a consumption took a feature's usage to or past an alert threshold (once per threshold per period).
 * - `entitlement.limit_exceeded`: a consumption was refused because it would exceed a limit (once per level per period).
 * - `entitlement.package_changed`: a package was assigned to or cancelled for the tenant.
 * - `tenant_membership.added`: a user became a member.
 * - `tenant_membership.role_changed`: a member's role changed.
 * - `tenant_membership.removed`: a member was removed or left.
 * - `tenant.ownership_transferred`: ownership moved from one member to another.
 * - `webhook.endpoint_disabled`: an endpoint failing for too long was disabled automatically.
 */
export const WEBHOOK_EVENT_TYPES = [
  'entitlement.threshold_reached',
  'entitlement.limit_exceeded',
  'entitlement.package_changed',
  'tenant_membership.added',
  'tenant_membership.role_changed',
  'tenant_membership.removed',
  'tenant.ownership_transferred',
  'webhook.endpoint_disabled',
] as const;

/** See {@link WEBHOOK_EVENT_TYPES}. */
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Version of every payload shape in {@link WebhookEventData}. */
export const WEBHOOK_PAYLOAD_VERSION = 1;

/**
 * The `data` of each event type. Ids, keys, roles and counts only: never
 * tokens, secrets, emails or names.
 */
export interface WebhookEventData {
  readonly 'entitlement.threshold_reached': {
    readonly featureKey: string;
    /** The namespace inside the tenant, `null` for the tenant pool. */
    readonly namespace: string | null;
    /** The threshold crossed, a fraction of the limit (e.g. `0.8`). */
    readonly threshold: number;
    readonly used: number;
    readonly limit: number;
    /** Start of the period the alert belongs to (ISO 8601). */
    readonly windowStart: string;
  };
  readonly 'entitlement.limit_exceeded': {
    readonly featureKey: string;
    readonly namespace: string | null;
    /** The amount that was refused (of the first refusal in the window: later ones are not sent). */
    readonly amount: number;
    /** Usage of the refusing level when it refused. */
    readonly used: number;
    readonly limit: number;
    /** Start of the period the refusal belongs to (ISO 8601); at most one event per level and period. */
    readonly windowStart: string;
  };
  readonly 'entitlement.package_changed': {
    readonly packageKey: string;
    readonly change: 'assigned' | 'cancelled';
  };
  readonly 'tenant_membership.added': { readonly userId: string; readonly role: string };
  readonly 'tenant_membership.role_changed': { readonly userId: string; readonly fromRole: string; readonly toRole: string };
  readonly 'tenant_membership.removed': { readonly userId: string; readonly role: string; readonly reason: 'removed' | 'left' };
  readonly 'tenant.ownership_transferred': { readonly fromUserId: string; readonly toUserId: string };
  readonly 'webhook.endpoint_disabled': { readonly endpointId: string; readonly reason: 'failing' };
}

/**
 * One event as it is sent: the JSON body of a delivery. `id` is also the
 * `webhook-id` header, the same for every retry of the event to one
 * endpoint, so receivers deduplicate on it.
 */
export interface WebhookEvent<T extends WebhookEventType = WebhookEventType> {
  /** `evt_` + a time-ordered id. */
  readonly id: string;
  readonly type: T;
  /** The payload version, {@link WEBHOOK_PAYLOAD_VERSION}. */
  readonly version: typeof WEBHOOK_PAYLOAD_VERSION;
  /** When the change happened (ISO 8601). */
  readonly occurredAt: string;
  readonly tenantId: string;
  readonly data: WebhookEventData[T];
}

/**
 * The type of the event `webhooks.test()` sends. Not in
 * {@link WEBHOOK_EVENT_TYPES}: no endpoint subscribes to it, it is only
 * ever sent on request, and never written to the outbox.
 */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

/** The body of a `webhooks.test()` ping, shaped like every event. */
export interface WebhookTestEvent extends Omit<WebhookEvent, 'type' | 'data'> {
  readonly type: typeof WEBHOOK_TEST_EVENT;
  readonly data: { readonly endpointId: string };
}

const EVENT_TYPE_SET: ReadonlySet<string> = new Set(WEBHOOK_EVENT_TYPES);

/** True when `value` is one of {@link WEBHOOK_EVENT_TYPES}. */
export function isWebhookEventType(value: unknown): value is WebhookEventType {
  return typeof value === 'string' && EVENT_TYPE_SET.has(value);
}
