import { WEBHOOK_PAYLOAD_VERSION, type WebhookEvent, type WebhookEventData, type WebhookEventType } from '../../core/webhooks/event-catalog.js';
import type { AuditRecord } from '../../store/audit-records.js';
import type { StoreOperations } from '../../store/store-operations.js';

/** Wiring of {@link WebhookOutbox}. */
export interface WebhookOutboxDependencies {
  readonly now: () => Date;
  /** Time-ordered ids (UUIDv7) for events and deliveries. */
  readonly generateId: () => string;
}

type EventOf = { readonly [T in WebhookEventType]: { readonly type: T; readonly data: WebhookEventData[T] } }[WebhookEventType];

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * The webhook event an audit entry stands for, if any. Membership and
 * provisioning changes already write an audit entry inside their
 * transaction; deriving events from it keeps the emission in one place
 * instead of one call per service.
 */
export function eventOfAudit(entry: AuditRecord): EventOf | undefined {
  const m = entry.metadata;
  const userId = entry.subjectUserId ?? '';
  switch (entry.action) {
    case 'tenant_membership.add':
      return { type: 'tenant_membership.added', data: { userId, role: text(m.role) } };
    case 'tenant_membership.role_change':
      return { type: 'tenant_membership.role_changed', data: { userId, fromRole: text(m.from), toRole: text(m.to) } };
    case 'tenant_membership.remove':
    case 'tenant_membership.leave':
      return {
        type: 'tenant_membership.removed',
        data: { userId, role: text(m.role), reason: entry.action === 'tenant_membership.leave' ? 'left' : 'removed' },
      };
    case 'tenant_membership.ownership_transfer':
      return { type: 'tenant.ownership_transferred', data: { fromUserId: text(m.from), toUserId: text(m.to) } };
    case 'entitlement.package_assign':
    case 'entitlement.package_cancel':
      return {
        type: 'entitlement.package_changed',
        data: { packageKey: text(m.package), change: entry.action === 'entitlement.package_assign' ? 'assigned' : 'cancelled' },
      };
    default:
      return undefined;
  }
}

/**
 * Writes webhook events into the outbox through the caller's transaction
 * handle: one delivery per enabled endpoint of the tenant subscribed to the
 * type. Written with the change, so a rolled-back change emits nothing and a
 * committed one is never lost.
 */
export class WebhookOutbox {
  readonly #deps: WebhookOutboxDependencies;

  constructor(deps: WebhookOutboxDependencies) {
    this.#deps = deps;
  }

  /** Emits one event; resolves the number of deliveries written (0 when no endpoint subscribes). */
  async emit<T extends WebhookEventType>(tx: StoreOperations, tenantId: string, type: T, data: WebhookEventData[T]): Promise<number> {
    const endpoints = (await tx.listWebhookEndpoints(tenantId)).filter((endpoint) => endpoint.status === 'enabled' && endpoint.events.includes(type));
    if (endpoints.length === 0) return 0;
    const now = this.#deps.now();
    const event: WebhookEvent<T> = {
      id: `evt_${this.#deps.generateId()}`,
      type,
      version: WEBHOOK_PAYLOAD_VERSION,
      occurredAt: now.toISOString(),
      tenantId,
      data,
    };
    const payload = JSON.stringify(event);
    await tx.insertWebhookDeliveries(
      endpoints.map((endpoint) => ({
        id: this.#deps.generateId(),
        tenantId,
        endpointId: endpoint.id,
        eventId: event.id,
        eventType: type,
        payload,
        nextAttemptAt: now,
        createdAt: now,
      })),
    );
    return endpoints.length;
  }

  /** Emits the event an audit entry stands for (see {@link eventOfAudit}), through the same transaction. */
  async fromAudit(tx: StoreOperations, entry: AuditRecord): Promise<void> {
    const event = eventOfAudit(entry);
    if (event !== undefined) await this.emit(tx, entry.tenantId, event.type, event.data);
  }
}
