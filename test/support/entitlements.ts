import { createEntitlements, createTenantry, systemActor, type Store } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { capabilities, roles } from '../../examples/catalog.js';
import { packages } from '../../examples/plans.js';

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

export const billing = systemActor('billing');

/** Tenantry plus entitlements over one store (memory by default), and a tenant on `plan`. */
export async function entitlementWorld(options: { store?: Store; plan?: 'free' | 'pro' | 'enterprise' | null; clock?: ReturnType<typeof testClock> } = {}) {
  const store = options.store ?? memoryStore();
  const clock = options.clock ?? testClock();
  const tenantry = createTenantry({ capabilities, roles, store, now: clock.now });
  const alerts: unknown[] = [];
  const entitlements = createEntitlements({ packages, store, now: clock.now, onAlert: (alert) => alerts.push(alert) });
  const { tenant } = await tenantry.tenants.create({ ownerId: 'owner' });
  if (options.plan !== null) {
    await entitlements.provisioning.assignPackage({ actor: billing, tenantId: tenant.id, package: options.plan ?? 'free' });
  }
  return { store, clock, tenantry, entitlements, tenantId: tenant.id, alerts };
}
