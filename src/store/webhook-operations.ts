import type {
  NewWebhookDelivery,
  WebhookAttemptRecord,
  WebhookClaim,
  WebhookCompletion,
  WebhookDeliveryRecord,
  WebhookEndpointChange,
  WebhookEndpointRecord,
  WebhookRequeue,
} from './webhook-records.js';

/**
 * Webhook endpoints, the outbox of deliveries and the attempt log. Outbox
 * rows are inserted in the transaction of the change that caused them, so a
 * rolled-back change leaves none; workers claim due rows so that no two
 * hold one at the same time.
 */
export interface WebhookOperations {
  /** Inserts an endpoint. `NotFoundError` when the tenant does not exist; `AlreadyExistsError` for a duplicate id. */
  insertWebhookEndpoint(endpoint: WebhookEndpointRecord): Promise<void>;
  /** The endpoint, or `undefined` (also when it belongs to another tenant). */
  findWebhookEndpoint(tenantId: string, endpointId: string): Promise<WebhookEndpointRecord | undefined>;
  /** The tenant's endpoints, oldest first (then by id). */
  listWebhookEndpoints(tenantId: string): Promise<readonly WebhookEndpointRecord[]>;
  /** Writes the fields given; resolves the endpoint after the change, or `undefined` when it does not exist. */
  updateWebhookEndpoint(change: WebhookEndpointChange): Promise<WebhookEndpointRecord | undefined>;
  /** Deletes the endpoint with its deliveries and their attempts (cascade); `false` when it did not exist. */
  deleteWebhookEndpoint(tenantId: string, endpointId: string): Promise<boolean>;
  /** Inserts outbox rows, all or none. `NotFoundError` when an endpoint does not exist. */
  insertWebhookDeliveries(deliveries: readonly NewWebhookDelivery[]): Promise<void>;
  /**
   * Claims up to `limit` due deliveries, oldest due first: `pending` ones
   * with `nextAttemptAt <= now`, and `delivering` ones whose claim expired.
   * Concurrent claims never return the same delivery (row locks skipped,
   * not waited for, where the database has them).
   */
  claimWebhookDeliveries(claim: WebhookClaim): Promise<readonly WebhookDeliveryRecord[]>;
  /**
   * Appends the attempt to the log and moves the delivery to its next state,
   * releasing the claim, if `claimToken` still holds it; otherwise writes
   * nothing and resolves `false`.
   */
  completeWebhookDelivery(completion: WebhookCompletion): Promise<boolean>;
  /** The tenant's deliveries (of one endpoint when given), newest first. */
  listWebhookDeliveries(tenantId: string, endpointId?: string): Promise<readonly WebhookDeliveryRecord[]>;
  /** The attempt log of one delivery, first attempt first. */
  listWebhookAttempts(deliveryId: string): Promise<readonly WebhookAttemptRecord[]>;
  /** Makes a delivery `pending` again (manual redelivery), unless a worker holds it; `false` when missing or held. */
  requeueWebhookDelivery(requeue: WebhookRequeue): Promise<boolean>;
  /** Deletes finished (`succeeded`/`failed`) deliveries last updated before `before`, with their attempts; resolves how many. */
  pruneWebhookDeliveries(before: Date): Promise<number>;
}
