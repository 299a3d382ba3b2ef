import { createTenantry, systemActor, type Store, type UsageAlert, type WebhooksOptions } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { capabilities, roles } from '../../examples/catalog.js';
import { packages } from '../../examples/plans.js';

/** The example catalog's capabilities. */
type Capability = ReturnType<typeof capabilities.all>[number];

export { features, packages } from '../../examples/plans.js';

/** A clock tests can move. */
export function testClock(start = '2026-03-15T12:00:00.000Z') {
  let now = new Date(start);
  return {
    now: () => new Date(now),
    set(iso: string) {
      now = new Date(iso);
    },
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
  };
}

/** The system actor that provisions in tests. */
export const billing = systemActor('billing');

/** Options of {@link entitlementWorld}. */
export interface EntitlementWorldOptions {
  readonly store?: Store;
  readonly plan?: 'free' | 'pro' | 'enterprise' | null;
  readonly clock?: ReturnType<typeof testClock>;
  readonly seats?: boolean;
  /** `entitlements.idempotency.ttlMs`; default the instance's (24 h). */
  readonly idempotencyTtlMs?: number;
  /** The instance's `webhooks` option; default none. */
  readonly webhooks?: WebhooksOptions<Capability>;
  /** `entitlements.leases`; default none. */
  readonly leases?: Partial<Record<'ai.tokens' | 'ai.tokens.images' | 'api.requests', { size: number; maxHoldMs: number; checkpointMs?: number }>>;
}

/**
 * A tenantry with the example plans over one store (memory by default), a
 * tenant owned by `owner` on `plan` (default `free`), the system scope that
 * provisions it, and the alerts received.
 */
export async function entitlementWorld(options: EntitlementWorldOptions = {}) {
  const store = options.store ?? memoryStore();
  const clock = options.clock ?? testClock();
  const alerts: UsageAlert[] = [];
  const tenantry = createTenantry({
    capabilities,
    roles,
    store,
    now: clock.now,
    manageMembers: 'membership.manage',
    entitlements: {
      packages,
      onAlert: (alert) => alerts.push(alert),
      ...(options.seats === true ? { seats: 'seats' as const } : {}),
      ...(options.idempotencyTtlMs === undefined ? {} : { idempotency: { ttlMs: options.idempotencyTtlMs } }),
      ...(options.leases === undefined ? {} : { leases: options.leases }),
    },
    ...(options.webhooks === undefined ? {} : { webhooks: options.webhooks }),
  });
  const system = tenantry.as(billing);
  const { tenant } = await system.tenants.create({ ownerId: 'owner' });
  if (options.plan !== null) await system.provisioning.assignPackage({ tenantId: tenant.id, packageKey: options.plan ?? 'free' });
  const owner = tenantry.forRequest({ userId: 'owner' });
  return { store, clock, tenantry, system, owner, tenantId: tenant.id, alerts };
}
