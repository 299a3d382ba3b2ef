import { randomUUID } from 'node:crypto';
import type { AuditAction, AuditMetadata, AuditRecord } from '../../store/audit-records.js';
import {
  TENANT_POOL,
  type AlertRecord,
  type BoostRecord,
  type ConsumeRequest,
  type CounterTarget,
  type PackageAssignmentRecord,
} from '../../store/entitlement-records.js';
import type { Store } from '../../store/store.js';
import { CREATED_AT, Fixtures } from './fixtures.js';

/** A window start with non-zero milliseconds, so precision loss shows. */
export const WINDOW = new Date('2024-03-01T00:00:00.250Z');

/** Builds entitlement records under a namespace unique to one case; see {@link Fixtures}. */
export class EntitlementFixtures extends Fixtures {
  readonly #store: Store;
  /** Orders audit ids within this case: a UUIDv7-shaped id whose time field is this counter. */
  #auditSequence = 0;

  constructor(store: Store) {
    super(store);
    this.#store = store;
  }

  /** A feature key in this case's namespace (features are global, not per tenant). */
  featureKey(label: string): string {
    return `${this.namespace}.${label}`;
  }

  /** Syncs limit features `label -> parent label (or null)`, parents and children in one call. */
  async syncLimitFeatures(tree: Readonly<Record<string, string | null>>): Promise<void> {
    await this.#store.syncFeatures(
      Object.entries(tree).map(([label, parent]) => ({
        key: this.featureKey(label),
        kind: 'limit' as const,
        parentKey: parent === null ? null : this.featureKey(parent),
      })),
    );
  }

  /** A tenant with `features` synced (one root feature `f` by default). */
  async seedEntitled(label: string, tree: Readonly<Record<string, string | null>> = { f: null }): Promise<string> {
    await this.syncLimitFeatures(tree);
    return (await this.seedTenant(label, this.userId('owner'))).id;
  }

  /** A counter target on feature `label`. */
  target(label: string, limit: number | 'unlimited', options: { readonly namespace?: string; readonly windowStart?: Date } = {}): CounterTarget {
    return { featureKey: this.featureKey(label), namespace: options.namespace ?? TENANT_POOL, windowStart: options.windowStart ?? WINDOW, limit };
  }

  /** A consume request; `idempotency` is `[key, fingerprint]`. */
  consumeRequest(tenantId: string, amount: number, counters: readonly CounterTarget[], idempotency?: readonly [string, string]): ConsumeRequest {
    return {
      tenantId,
      amount,
      counters,
      now: CREATED_AT,
      ...(idempotency === undefined ? {} : { idempotency: { key: idempotency[0], fingerprint: idempotency[1] } }),
    };
  }

  assignment(tenantId: string, packageKey: string, assignedAt: Date = CREATED_AT): PackageAssignmentRecord {
    return { id: randomUUID(), tenantId, packageKey, assignedBy: 'system:billing', assignedAt, cancelledBy: null, cancelledAt: null };
  }

  boost(tenantId: string, label: string, amount: number | 'unlimited', options: { readonly expiresAt?: Date; readonly createdAt?: Date } = {}): BoostRecord {
    return {
      id: randomUUID(),
      tenantId,
      featureKey: this.featureKey(label),
      amount,
      expiresAt: options.expiresAt ?? null,
      createdBy: 'system:billing',
      createdAt: options.createdAt ?? CREATED_AT,
    };
  }

  alert(
    tenantId: string,
    label: string,
    threshold: number,
    options: { readonly namespace?: string; readonly windowStart?: Date; readonly createdAt?: Date } = {},
  ): AlertRecord {
    return {
      tenantId,
      featureKey: this.featureKey(label),
      namespace: options.namespace ?? TENANT_POOL,
      threshold,
      windowStart: options.windowStart ?? WINDOW,
      used: threshold,
      limit: 100,
      createdAt: options.createdAt ?? CREATED_AT,
    };
  }

  /**
   * An audit entry with a time-ordered id: ids of one case increase with
   * every call (lower-case UUIDv7 layout), as the services' generator does.
   */
  auditEntry(
    tenantId: string,
    action: AuditAction,
    metadata: AuditMetadata = {},
    options: { readonly subjectUserId?: string | null; readonly createdAt?: Date } = {},
  ): AuditRecord {
    this.#auditSequence += 1;
    const time = (Date.parse('2024-01-01T00:00:00.000Z') + this.#auditSequence).toString(16).padStart(12, '0');
    const random = randomUUID().replaceAll('-', '');
    const id = `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(0, 3)}-8${random.slice(3, 6)}-${random.slice(6, 18)}`;
    return {
      id,
      tenantId,
      action,
      actorType: 'user',
      actorId: this.userId('actor'),
      subjectUserId: options.subjectUserId === undefined ? this.userId('subject') : options.subjectUserId,
      metadata,
      createdAt: options.createdAt ?? CREATED_AT,
    };
  }
}
