import { expect } from 'vitest';
import { createTenantry, isTenantryError, systemActor, type Store, type Tenantry } from '../../../../src/index.js';
import type { AuditRecord } from '../../../../src/store/audit-records.js';
import { capabilities, roles } from '../../../../examples/catalog.js';
import { between, seededRandom } from './seeded-random.js';

/**
 * Owners of a tenant demoting and removing each other at the same time,
 * through `createTenantry`: every change runs in a store transaction that
 * authorises the actor, applies the guarded write and appends its audit
 * entry. Afterwards the tenant must still have an owner, and its audit log
 * must record exactly what happened.
 */

type Role = ReturnType<typeof roles.roleNames>[number];
type Instance = Tenantry<ReturnType<typeof capabilities.all>[number], Role>;

/** Figures of one run, reported through the test's annotations. */
export interface OwnerRaceFigures {
  readonly tenants: number;
  readonly operations: number;
  readonly applied: number;
  readonly blocked: number;
  /** Refused for another reason: the actor or the target had already lost the role or left. */
  readonly refused: number;
  readonly ownersLeft: string;
}

interface Operation {
  readonly kind: 'role_change' | 'remove';
  /** A user id, or `system:<label>` for the system actor (authorised without a membership). */
  readonly actor: string;
  readonly target: string;
}

const OWNERS = 4;
/** Operations by the system actor per tenant: never refused as forbidden, they keep reaching the last-owner guard. */
const SYSTEM_OPERATIONS = 2;
const bootstrap = systemActor('race-bootstrap');
const operator = systemActor('race');

/** One tenantry per store (all stores reach the same database). */
export function tenantries(stores: readonly Store[]): Instance[] {
  return stores.map((store) => createTenantry({ capabilities, roles, store }));
}

async function seedTenant(tenantry: Instance): Promise<string> {
  const system = tenantry.as(bootstrap);
  const { tenant } = await system.tenants.create({ ownerId: 'owner-0' });
  for (let i = 1; i < OWNERS; i += 1) await system.members.add({ tenantId: tenant.id, userId: `owner-${i}`, role: 'owner' });
  return tenant.id;
}

function run(tenantry: Instance, tenantId: string, op: Operation): Promise<unknown> {
  const scope = op.actor === `system:${operator.label}` ? tenantry.as(operator) : tenantry.forRequest({ userId: op.actor });
  return op.kind === 'role_change'
    ? scope.members.changeRole({ tenantId, userId: op.target, role: 'manager' })
    : scope.members.remove({ tenantId, userId: op.target });
}

/** Checks one tenant's owners and audit log against what its operations returned. */
async function verify(
  store: Store,
  tenantId: string,
  ops: readonly Operation[],
  outcomes: readonly PromiseSettledResult<unknown>[],
): Promise<{ applied: number; blocked: number; owners: number }> {
  const expected: string[] = [];
  let applied = 0;
  let blocked = 0;
  for (const [i, op] of ops.entries()) {
    const outcome = outcomes[i];
    if (outcome?.status === 'fulfilled') {
      applied += 1;
      expected.push(`tenant_membership.${op.kind} ${op.actor} -> ${op.target}`);
    } else {
      const reason: unknown = outcome?.reason;
      if (!isTenantryError(reason)) throw reason;
      // Without a manageMembers capability only owners manage: a demoted owner gets owner_required.
      expect(['last_owner', 'not_found', 'owner_required'], `${tenantId}: ${reason.code}`).toContain(reason.code);
      if (reason.code === 'last_owner') {
        blocked += 1;
        expected.push(`tenant_membership.last_owner_blocked ${op.actor} -> ${op.target} (tenant_membership.${op.kind})`);
      }
      // An owner demoted before its own operation is still a member: its refusal is audited.
      if (reason.code === 'owner_required') expected.push(`tenant_membership.denied ${op.actor} -> ${op.target} (tenant_membership.${op.kind})`);
    }
  }
  const entries: readonly AuditRecord[] = await store.listAudit(tenantId, { limit: 1000 });
  const recorded = entries
    .filter((e) => e.action !== 'tenant.create' && e.action !== 'tenant_membership.add')
    .map((e) => {
      const attempted = e.metadata.attempted === undefined ? '' : ` (${String(e.metadata.attempted)})`;
      // actorId already spells system actors as `system:<label>`, like provenance.
      return `${e.action} ${e.actorId} -> ${e.subjectUserId ?? ''}${attempted}`;
    });
  expect(recorded.sort(), `${tenantId}: audit log`).toEqual(expected.sort());
  expect(entries.filter((e) => e.action === 'tenant_membership.add')).toHaveLength(OWNERS - 1);
  const owners = (await store.listMembers(tenantId, { limit: 100 })).filter((m) => m.role === 'owner').length;
  expect(owners, `${tenantId}: owners left`).toBeGreaterThanOrEqual(1);
  return { applied, blocked, owners };
}

/**
 * Seeds `tenants` tenants with four owners each, then fires every owner's
 * operation (demote or remove itself or a random owner) and two system
 * actor operations per tenant at once, spread over `instances`, and
 * verifies every tenant.
 */
export async function raceOwners(instances: readonly Instance[], stores: readonly Store[], tenants: number, seed: number): Promise<OwnerRaceFigures> {
  const random = seededRandom(seed);
  const [first] = instances;
  if (first === undefined || stores[0] === undefined) throw new Error('no tenantry');
  const tenantIds: string[] = [];
  for (let t = 0; t < tenants; t += 1) tenantIds.push(await seedTenant(first));
  const operation = (actor: string, target: string): Operation => ({ kind: random() < 0.5 ? 'role_change' : 'remove', actor, target });
  const plans = tenantIds.map(() => [
    // Every owner acts once, on itself half of the time (all of them may pass authorisation
    // before any write), otherwise on a random owner.
    ...Array.from({ length: OWNERS }, (_, i) => operation(`owner-${i}`, random() < 0.5 ? `owner-${i}` : `owner-${between(random, 0, OWNERS - 1)}`)),
    ...Array.from({ length: SYSTEM_OPERATIONS }, () => operation(`system:${operator.label}`, `owner-${between(random, 0, OWNERS - 1)}`)),
  ]);
  let next = 0;
  const outcomes = await Promise.all(
    tenantIds.map((tenantId, t) => Promise.allSettled((plans[t] ?? []).map((op) => run(instances[next++ % instances.length] ?? first, tenantId, op)))),
  );
  let applied = 0;
  let blocked = 0;
  const owners: number[] = [];
  for (const [t, tenantId] of tenantIds.entries()) {
    const result = await verify(stores[0], tenantId, plans[t] ?? [], outcomes[t] ?? []);
    applied += result.applied;
    blocked += result.blocked;
    owners.push(result.owners);
  }
  const operations = tenants * (OWNERS + SYSTEM_OPERATIONS);
  return { tenants, operations, applied, blocked, refused: operations - applied - blocked, ownersLeft: `${Math.min(...owners)}-${Math.max(...owners)}` };
}
