import { AlreadyExistsError, NotFoundError } from '../../core/errors/index.js';
import type {
  NewWebhookDelivery,
  WebhookAttemptRecord,
  WebhookClaim,
  WebhookCompletion,
  WebhookDeliveryRecord,
  WebhookEndpointChange,
  WebhookEndpointRecord,
  WebhookRequeue,
} from '../../store/webhook-records.js';
import type { Undo } from './memory-tables.js';

function frozenEndpoint(endpoint: WebhookEndpointRecord): WebhookEndpointRecord {
  return Object.freeze({ ...endpoint, events: Object.freeze([...endpoint.events]) });
}

function byOldest(a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Webhook endpoints, deliveries and attempts in memory. Each method runs
 * synchronously (no `await` between a check and its write), which is what
 * makes claims exclusive here: two claims can never interleave.
 */
export class MemoryWebhookTables {
  readonly #tenantExists: (tenantId: string) => boolean;
  readonly #endpoints = new Map<string, WebhookEndpointRecord>();
  readonly #deliveries = new Map<string, WebhookDeliveryRecord>();
  readonly #attempts = new Map<string, WebhookAttemptRecord[]>();

  constructor(tenantExists: (tenantId: string) => boolean) {
    this.#tenantExists = tenantExists;
  }

  insertWebhookEndpoint(endpoint: WebhookEndpointRecord, undo: Undo[]): void {
    if (!this.#tenantExists(endpoint.tenantId)) throw new NotFoundError();
    if (this.#endpoints.has(endpoint.id)) throw new AlreadyExistsError('webhook endpoint');
    this.#endpoints.set(endpoint.id, frozenEndpoint(endpoint));
    undo.push(() => this.#endpoints.delete(endpoint.id));
  }

  findWebhookEndpoint(tenantId: string, endpointId: string): WebhookEndpointRecord | undefined {
    const endpoint = this.#endpoints.get(endpointId);
    return endpoint?.tenantId === tenantId ? endpoint : undefined;
  }

  listWebhookEndpoints(tenantId: string): readonly WebhookEndpointRecord[] {
    return Object.freeze([...this.#endpoints.values()].filter((endpoint) => endpoint.tenantId === tenantId).sort(byOldest));
  }

  updateWebhookEndpoint(change: WebhookEndpointChange, undo: Undo[]): WebhookEndpointRecord | undefined {
    const before = this.findWebhookEndpoint(change.tenantId, change.id);
    if (before === undefined) return undefined;
    const defined = Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
    const after = frozenEndpoint({ ...before, ...defined });
    this.#endpoints.set(before.id, after);
    undo.push(() => this.#endpoints.set(before.id, before));
    return after;
  }

  deleteWebhookEndpoint(tenantId: string, endpointId: string, undo: Undo[]): boolean {
    const endpoint = this.findWebhookEndpoint(tenantId, endpointId);
    if (endpoint === undefined) return false;
    this.#endpoints.delete(endpointId);
    undo.push(() => this.#endpoints.set(endpointId, endpoint));
    for (const delivery of [...this.#deliveries.values()]) {
      if (delivery.endpointId === endpointId) this.#deleteDelivery(delivery, undo);
    }
    return true;
  }

  /** Deletes every endpoint of `tenantId` with its deliveries and their log (the tenant is being deleted). */
  deleteTenantRows(tenantId: string, undo: Undo[]): void {
    for (const endpoint of [...this.#endpoints.values()]) {
      if (endpoint.tenantId === tenantId) this.deleteWebhookEndpoint(tenantId, endpoint.id, undo);
    }
  }

  insertWebhookDeliveries(deliveries: readonly NewWebhookDelivery[], undo: Undo[]): void {
    for (const delivery of deliveries) {
      if (this.findWebhookEndpoint(delivery.tenantId, delivery.endpointId) === undefined) throw new NotFoundError();
      if (this.#deliveries.has(delivery.id)) throw new AlreadyExistsError('webhook delivery');
      const row: WebhookDeliveryRecord = Object.freeze({
        ...delivery,
        status: 'pending',
        attempts: 0,
        claimToken: null,
        claimedUntil: null,
        updatedAt: delivery.createdAt,
      });
      this.#deliveries.set(row.id, row);
      undo.push(() => this.#deliveries.delete(row.id));
    }
  }

  claimWebhookDeliveries(claim: WebhookClaim, undo: Undo[]): readonly WebhookDeliveryRecord[] {
    const now = claim.now.getTime();
    const due = [...this.#deliveries.values()]
      .filter(
        (delivery) =>
          (claim.tenantId === undefined || delivery.tenantId === claim.tenantId) &&
          ((delivery.status === 'pending' && delivery.nextAttemptAt.getTime() <= now) ||
            (delivery.status === 'delivering' && (delivery.claimedUntil?.getTime() ?? 0) < now)),
      )
      .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || (a.id < b.id ? -1 : 1))
      .slice(0, claim.limit);
    return Object.freeze(
      due.map((before) => {
        const after = Object.freeze({ ...before, status: 'delivering' as const, claimToken: claim.claimToken, claimedUntil: claim.claimedUntil });
        this.#deliveries.set(before.id, after);
        undo.push(() => this.#deliveries.set(before.id, before));
        return after;
      }),
    );
  }

  completeWebhookDelivery(completion: WebhookCompletion, undo: Undo[]): boolean {
    const before = this.#deliveries.get(completion.deliveryId);
    if (before?.status !== 'delivering' || before.claimToken !== completion.claimToken) return false;
    const after: WebhookDeliveryRecord = Object.freeze({
      ...before,
      status: completion.status,
      attempts: before.attempts + 1,
      nextAttemptAt: completion.nextAttemptAt,
      claimToken: null,
      claimedUntil: null,
      updatedAt: completion.updatedAt,
    });
    this.#deliveries.set(before.id, after);
    const log = this.#attempts.get(before.id) ?? [];
    log.push(Object.freeze({ ...completion.attempt }));
    this.#attempts.set(before.id, log);
    undo.push(() => {
      this.#deliveries.set(before.id, before);
      log.pop();
    });
    return true;
  }

  listWebhookDeliveries(tenantId: string, endpointId: string | undefined): readonly WebhookDeliveryRecord[] {
    return Object.freeze(
      [...this.#deliveries.values()]
        .filter((delivery) => delivery.tenantId === tenantId && (endpointId === undefined || delivery.endpointId === endpointId))
        .sort((a, b) => -byOldest(a, b)),
    );
  }

  listWebhookAttempts(deliveryId: string): readonly WebhookAttemptRecord[] {
    return Object.freeze([...(this.#attempts.get(deliveryId) ?? [])]);
  }

  requeueWebhookDelivery(requeue: WebhookRequeue, undo: Undo[]): boolean {
    const before = this.#deliveries.get(requeue.deliveryId);
    if (before?.tenantId !== requeue.tenantId || before.status === 'delivering') return false;
    const after = Object.freeze({ ...before, status: 'pending' as const, nextAttemptAt: requeue.nextAttemptAt, updatedAt: requeue.updatedAt });
    this.#deliveries.set(before.id, after);
    undo.push(() => this.#deliveries.set(before.id, before));
    return true;
  }

  pruneWebhookDeliveries(before: Date, undo: Undo[]): number {
    let pruned = 0;
    for (const delivery of [...this.#deliveries.values()]) {
      if ((delivery.status === 'succeeded' || delivery.status === 'failed') && delivery.updatedAt.getTime() < before.getTime()) {
        this.#deleteDelivery(delivery, undo);
        pruned += 1;
      }
    }
    return pruned;
  }

  #deleteDelivery(delivery: WebhookDeliveryRecord, undo: Undo[]): void {
    const log = this.#attempts.get(delivery.id);
    this.#deliveries.delete(delivery.id);
    this.#attempts.delete(delivery.id);
    undo.push(() => {
      this.#deliveries.set(delivery.id, delivery);
      if (log !== undefined) this.#attempts.set(delivery.id, log);
    });
  }
}
