import { createTenantry, systemActor } from 'tenantry';
import { capabilities, roles } from '../catalog.js';
import { packages } from '../plans.js';
import { createExampleStore } from './default-store.js';

/**
 * What both HTTP examples run on: one tenantry instance (with the example
 * plans as its entitlements module) over the embedded default store, with
 * one seeded tenant (alice owner, bob operator, carol readonly, on the free
 * plan) and mallory owning another tenant.
 */
export async function createExampleWorld() {
  const { store, close } = await createExampleStore();
  const tenantry = createTenantry({ store, capabilities, roles, entitlements: { packages }, manageMembers: 'membership.manage' });
  await tenantry.ready();

  // Seeding is trusted server code: it acts as the explicit system actor, never as a user.
  const seed = tenantry.as(systemActor('seed'));
  const { tenant } = await seed.tenants.create({ ownerId: 'alice' });
  await seed.members.add({ tenantId: tenant.id, userId: 'bob', role: 'operator' });
  await seed.members.add({ tenantId: tenant.id, userId: 'carol', role: 'readonly' });
  // mallory exists but belongs to another tenant: to her, this one answers 404.
  await seed.tenants.create({ ownerId: 'mallory' });
  // The free plan: 1000 AI tokens a month, among others (see ../plans.ts).
  await seed.provisioning.assignPackage({ tenantId: tenant.id, packageKey: 'free' });
  return { tenantry, tenantId: tenant.id, close };
}

/** The `/ai` route's amount: the body's `tokens`, unchecked, so that tenantry answers a bad one with a 400. */
export function tokensRequested(body: unknown): number {
  const tokens = (body as { tokens?: unknown } | undefined)?.tokens;
  return typeof tokens === 'number' ? tokens : Number.NaN;
}
