import fc from 'fast-check';
import { expect, it } from 'vitest';
import { createTenantry, defineCapabilities, defineRoles, isTenantryError, systemActor, type Store } from 'tenantry';
import { catalogArb, type CatalogSample } from 'tenantry/testing/arbitraries';
import { describeDatabases } from '../../support/databases.js';

/**
 * The delegation rule as an invariant. Random registries and role maps (the
 * owner role included: it may even hold fewer capabilities than another
 * role), where some non-owner role holds the managing capability; members
 * with random non-owner roles; then random sequences of add, changeRole and
 * remove by random non-owner actors (members or not) on random targets
 * (themselves, the owner, members, outsiders) with random roles.
 *
 * Let H be the union of the capabilities that the acting users held when the
 * sequence began (an actor who was not a member held none). After every step,
 * every member's capabilities are a subset of what that member held at the
 * start (nothing for a member added since) plus H, and the owners are still
 * exactly the initial owner: no sequence of writes by non-owners gives anyone
 * a capability that none of the acting members held.
 */

interface Step {
  readonly kind: 'add' | 'changeRole' | 'remove';
  readonly actor: number;
  readonly target: number;
  readonly role: number;
}

interface World {
  readonly catalog: CatalogSample;
  readonly manage: string;
  /** Initial role (by index into the non-owner roles) of users u0..u{n-1}; u0 always holds a managing role. */
  readonly members: readonly number[];
  readonly steps: readonly Step[];
}

/** u0.. are the initial members; the pool has two outsiders more. */
const OUTSIDERS = 2;
const OWNER = 'owner-user';
const bootstrap = systemActor('property');

const worldArb: fc.Arbitrary<World> = catalogArb({ maxCapabilities: 6, maxRoles: 5 })
  .filter((catalog) => Object.keys(catalog.roles).length >= 2)
  .chain((sample) => {
    const nonOwner = Object.keys(sample.roles).filter((role) => role !== sample.ownerRole);
    return fc.constantFrom(...sample.capabilities).chain((manage) => {
      // The first non-owner role always manages members, so delegation happens in every run.
      const [managing = ''] = nonOwner;
      const catalog: CatalogSample = {
        ...sample,
        roles: { ...sample.roles, [managing]: [...new Set([...(sample.roles[managing] ?? []), manage])] },
      };
      const roleCount = Object.keys(catalog.roles).length;
      return fc.record({
        catalog: fc.constant(catalog),
        manage: fc.constant(manage),
        members: fc.array(fc.nat({ max: nonOwner.length - 1 }), { minLength: 1, maxLength: 5 }).map(([, ...rest]) => [0, ...rest]),
        steps: fc.array(
          fc.record({
            kind: fc.constantFrom('add' as const, 'changeRole' as const, 'remove' as const),
            actor: fc.nat({ max: 5 + OUTSIDERS }),
            target: fc.nat({ max: 6 + OUTSIDERS }),
            role: fc.nat({ max: roleCount - 1 }),
          }),
          { minLength: 1, maxLength: 15 },
        ),
      });
    });
  });

/** Outcomes over all runs, to show that the property was not vacuous. */
interface Seen {
  applied: number;
  refused: number;
}

/** The codes of a refused membership write (audited as `tenant_membership.denied`). */
const REFUSALS = new Set(['forbidden', 'owner_required', 'delegation_denied']);

async function runWorld(store: Store, world: World, seen: Seen): Promise<void> {
  const capabilities = defineCapabilities(world.catalog.capabilities);
  const roles = defineRoles(capabilities, world.catalog.roles, { ownerRole: world.catalog.ownerRole });
  const tenantry = createTenantry({ capabilities, roles, store, manageMembers: world.manage });
  const roleNames = roles.roleNames();
  const nonOwner = roleNames.filter((role) => !roles.isOwner(role));
  const system = tenantry.as(bootstrap);
  const { tenant } = await system.tenants.create({ ownerId: OWNER });
  const tenantId = tenant.id;

  const initial = new Map<string, string>([[OWNER, roles.ownerRole]]);
  for (const [index, role] of world.members.entries()) {
    const name = nonOwner[role] ?? '';
    await system.members.add({ tenantId, userId: `u${index}`, role: name });
    initial.set(`u${index}`, name);
  }
  const pool = [...world.members.keys()].map((index) => `u${index}`).concat(Array.from({ length: OUTSIDERS }, (_, i) => `x${i}`));
  const user = (index: number) => pool[index % pool.length] ?? '';
  const targets = [OWNER, ...pool];
  const capsOf = (role: string | undefined) => new Set(role === undefined ? [] : capabilities.all().filter((c) => roles.grants(role, c)));

  // H: what the acting users held when the sequence began.
  const held = new Set(world.steps.flatMap((step) => [...capsOf(initial.get(user(step.actor)))]));

  for (const step of world.steps) {
    const actor = tenantry.forRequest({ userId: user(step.actor) });
    const userId = targets[step.target % targets.length] ?? '';
    const role = roleNames[step.role] ?? roles.ownerRole;
    try {
      if (step.kind === 'add') await actor.members.add({ tenantId, userId, role });
      else if (step.kind === 'changeRole') await actor.members.changeRole({ tenantId, userId, role });
      else await actor.members.remove({ tenantId, userId });
      seen.applied += 1;
    } catch (error) {
      if (!isTenantryError(error) || !['forbidden', 'owner_required', 'delegation_denied', 'not_found', 'already_exists', 'last_owner'].includes(error.code))
        throw error;
      if (REFUSALS.has(error.code)) seen.refused += 1;
    }

    const members = await store.listMembers(tenantId, { limit: 100 });
    for (const member of members) {
      const before = capsOf(initial.get(member.userId));
      const gained = [...capsOf(member.role)].filter((c) => !before.has(c) && !held.has(c));
      expect(gained, `${member.userId} (${initial.get(member.userId) ?? 'new'} -> ${member.role}) after ${JSON.stringify(step)}`).toEqual([]);
    }
    expect(members.filter((m) => roles.isOwner(m.role)).map((m) => m.userId)).toEqual([OWNER]);
  }
}

await describeDatabases(['memory', 'sqlite-memory'], (database) => {
  it('property: no sequence of add/changeRole/remove by non-owners gives anyone a capability no acting member held', async () => {
    const store = database.store();
    const seen: Seen = { applied: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(worldArb, (world) => runWorld(store, world, seen)),
      { numRuns: database.name === 'memory' ? 100 : 60 },
    );
    // Writes were both applied and refused across the runs.
    expect(seen.applied).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });
});
