import { createEntitlements, createTenantry, systemActor } from 'tenantry';
import { capabilities, roles } from '../catalog.js';
import { packages } from '../plans.js';
import { createExampleStore } from './default-store.js';

/**
 * What both HTTP examples run on: tenantry and entitlements over the embedded
 * default store, with one seeded tenant (alice owner, bob operator, carol
 * readonly, on the free plan) and mallory owning another tenant.
 */
export async function createExampleWorld() {
  const { store, close } = await createExampleStore();
  const tenantry = createTenantry({ capabilities, roles, store, manageMembersCapability: 'membership.manage' });
  const entitlements = createEntitlements({ packages, store });

  // Seeding is trusted server code: it acts as the explicit system actor, never as a user.
  const seed = systemActor('seed');
  const { tenant } = await tenantry.tenants.create({ ownerId: 'alice', actor: seed });
  await tenantry.members.add({ actor: seed, tenantId: tenant.id, userId: 'bob', role: 'operator' });
  await tenantry.members.add({ actor: seed, tenantId: tenant.id, userId: 'carol', role: 'readonly' });
  // mallory exists but belongs to another tenant: to her, this one answers 404.
  await tenantry.tenants.create({ ownerId: 'mallory', actor: seed });
  // The free plan: 1000 AI tokens a month, among others (see ../plans.ts).
  await entitlements.provisioning.assignPackage({ actor: seed, tenantId: tenant.id, package: 'free' });
  return { store, close, tenantry, entitlements, tenantId: tenant.id };
}

/** The `/ai` route's amount: the body's `tokens`, unchecked, so that tenantry answers a bad one with a 400. */
export function tokensRequested(body: unknown): number {
  const tokens = (body as { tokens?: unknown } | undefined)?.tokens;
  return typeof tokens === 'number' ? tokens : Number.NaN;
}
