import fc from 'fast-check';
import { expect, it } from 'vitest';
import { createTenantry, defineCapabilities, defineRoles, isTenantryError, systemActor, tenantRole, type Store } from 'tenantry';
import { catalogArb, type CatalogSample } from 'tenantry/testing/arbitraries';
import { describeDatabases } from '../../support/databases.js';

/**
 * The escalation rule as an invariant, over tenant roles and assignments
 * together. Random registries and role maps (the owner role may hold fewer
 * capabilities than another role); the first non-owner role manages both
 * members and roles (random capabilities of the registry); members with
 * random non-owner roles. Then random sequences, by random non-owner actors
 * (members or outsiders), of role creations, edits and deletions (with or
 * without `reassignTo`) with random capability sets, and of add, changeRole
 * and remove with declared or tenant roles. Some tenant roles exist from
 * the start, defined by the system actor with random capabilities (as an
 * owner would), so there are roles above the managers to try to hand out.
 *
 * Let H be the union of the capabilities the acting users held when the
 * sequence began. After every step, every member's capabilities, as the
 * decision path answers them (a fresh scope, `access.can`), are a subset of
 * what that member held at the start (nothing for a member added since)
 * plus H, and the owners are still exactly the initial owner.
 */

type Kind = 'createRole' | 'updateRole' | 'deleteRole' | 'add' | 'changeRole' | 'remove';

interface Step {
  readonly kind: Kind;
  readonly actor: number;
  readonly target: number;
  /** Index into declared + custom role names (assignments, reassignTo). */
  readonly role: number;
  /** Which custom role a role write names. */
  readonly custom: number;
  /** Capability subset as a bit pattern over the registry. */
  readonly bits: number;
  readonly reassign: boolean;
  /** Keep only the capabilities the actor holds now (a write the rule should let through), instead of a raw subset. */
  readonly within: boolean;
}

interface World {
  readonly catalog: CatalogSample;
  readonly manageMembers: string;
  readonly manageRoles: string;
  readonly members: readonly number[];
  /** Capability bit patterns of the tenant roles the system actor defines first (as an owner would), some above every member. */
  readonly presets: readonly number[];
  readonly steps: readonly Step[];
}

const OUTSIDERS = 2;
const OWNER = 'owner-user';
/** Role-name arbitraries never produce a hyphen, so these never collide with a declared role. */
const CUSTOM = ['custom-0', 'custom-1', 'custom-2'];
const bootstrap = systemActor('property');

const worldArb: fc.Arbitrary<World> = catalogArb({ maxCapabilities: 6, maxRoles: 4 })
  .filter((catalog) => Object.keys(catalog.roles).length >= 2)
  .chain((sample) => {
    const nonOwner = Object.keys(sample.roles).filter((role) => role !== sample.ownerRole);
    return fc.tuple(fc.constantFrom(...sample.capabilities), fc.constantFrom(...sample.capabilities)).chain(([manageMembers, manageRoles]) => {
      const [managing = ''] = nonOwner;
      const catalog: CatalogSample = {
        ...sample,
        roles: { ...sample.roles, [managing]: [...new Set([...(sample.roles[managing] ?? []), manageMembers, manageRoles])] },
      };
      const declaredCount = Object.keys(catalog.roles).length;
      const roleCount = declaredCount + CUSTOM.length;
      return fc.record({
        catalog: fc.constant(catalog),
        manageMembers: fc.constant(manageMembers),
        manageRoles: fc.constant(manageRoles),
        members: fc.array(fc.nat({ max: nonOwner.length - 1 }), { minLength: 1, maxLength: 4 }).map(([, ...rest]) => [0, ...rest]),
        presets: fc.array(fc.nat({ max: 63 }), { maxLength: CUSTOM.length - 1 }),
        steps: fc.array(
          fc.record({
            kind: fc.constantFrom<Kind>('createRole', 'createRole', 'updateRole', 'deleteRole', 'add', 'changeRole', 'remove'),
            // The managing member acts half of the time, so that writes get through often enough to matter.
            actor: fc.oneof(fc.constant(0), fc.nat({ max: 4 + OUTSIDERS })),
            target: fc.nat({ max: 5 + OUTSIDERS }),
            // Tenant roles are picked twice as often as declared ones.
            role: fc.oneof(
              { arbitrary: fc.nat({ max: roleCount - 1 }), weight: 1 },
              { arbitrary: fc.integer({ min: declaredCount, max: roleCount - 1 }), weight: 2 },
            ),
            custom: fc.nat({ max: CUSTOM.length - 1 }),
            bits: fc.nat({ max: 63 }),
            reassign: fc.boolean(),
            within: fc.boolean(),
          }),
          { minLength: 1, maxLength: 20 },
        ),
      });
    });
  });

interface Seen {
  applied: number;
  refused: number;
  roleWrites: number;
  customAssigned: number;
}

const REFUSALS = new Set(['forbidden', 'owner_required', 'delegation_denied']);
const EXPECTED = new Set([...REFUSALS, 'not_found', 'already_exists', 'last_owner', 'role_in_use', 'unknown_role', 'validation_failed']);

async function runWorld(store: Store, world: World, seen: Seen): Promise<void> {
  const capabilities = defineCapabilities(world.catalog.capabilities);
  const roles = defineRoles(capabilities, world.catalog.roles, { ownerRole: world.catalog.ownerRole });
  const tenantry = createTenantry({ capabilities, roles, store, manageMembers: world.manageMembers, manageRoles: world.manageRoles });
  const declared = roles.roleNames();
  const nonOwner = declared.filter((role) => !roles.isOwner(role));
  const assignable = [...declared, ...CUSTOM];
  const system = tenantry.as(bootstrap);
  const { tenant } = await system.tenants.create({ ownerId: OWNER });
  const tenantId = tenant.id;

  const pool = [...world.members.keys()].map((index) => `u${index}`).concat(Array.from({ length: OUTSIDERS }, (_, i) => `x${i}`));
  for (const [index, role] of world.members.entries()) await system.members.add({ tenantId, userId: `u${index}`, role: nonOwner[role] ?? '' });
  const all = capabilities.all();
  for (const [index, bits] of world.presets.entries()) {
    await system.roles.create({ tenantId, name: CUSTOM[index] ?? '', capabilities: all.filter((_, at) => ((bits >>> at) & 1) === 1) });
  }
  const user = (index: number) => pool[index % pool.length] ?? '';
  const targets = [OWNER, ...pool];

  /** What `userId` may do in the tenant, as a fresh request's decisions say. */
  const capsNow = async (userId: string): Promise<Set<string>> => {
    const access = await tenantry.forRequest({ userId }).access(tenantId);
    return new Set(all.filter((capability) => access.can(capability)));
  };
  const initial = new Map<string, Set<string>>();
  for (const userId of targets) initial.set(userId, await capsNow(userId));
  const held = new Set(world.steps.flatMap((step) => [...(initial.get(user(step.actor)) ?? [])]));

  for (const step of world.steps) {
    const actor = tenantry.forRequest({ userId: user(step.actor) });
    const userId = targets[step.target % targets.length] ?? '';
    const name = CUSTOM[step.custom] ?? '';
    const own = step.within ? await capsNow(user(step.actor)) : undefined;
    const subset = all.filter((capability, index) => ((step.bits >>> index) & 1) === 1 && (own === undefined || own.has(capability)));
    const assigned = assignable[step.role] ?? roles.ownerRole;
    const role = declared.includes(assigned) ? assigned : tenantRole(assigned);
    try {
      if (step.kind === 'createRole') await actor.roles.create({ tenantId, name, capabilities: subset });
      else if (step.kind === 'updateRole') await actor.roles.update({ tenantId, name, capabilities: subset });
      else if (step.kind === 'deleteRole') await actor.roles.delete({ tenantId, name, ...(step.reassign ? { reassignTo: role } : {}) });
      else if (step.kind === 'add') await actor.members.add({ tenantId, userId, role });
      else if (step.kind === 'changeRole') await actor.members.changeRole({ tenantId, userId, role });
      else await actor.members.remove({ tenantId, userId });
      seen.applied += 1;
      if (step.kind.endsWith('Role') && step.kind !== 'changeRole') seen.roleWrites += 1;
      if ((step.kind === 'add' || step.kind === 'changeRole') && !declared.includes(assigned)) seen.customAssigned += 1;
    } catch (error) {
      if (!isTenantryError(error) || !EXPECTED.has(error.code)) throw error;
      if (REFUSALS.has(error.code)) seen.refused += 1;
    }

    const members = await store.listMembers(tenantId, { limit: 100 });
    for (const member of members) {
      const before = initial.get(member.userId) ?? new Set<string>();
      const gained = [...(await capsNow(member.userId))].filter((c) => !before.has(c) && !held.has(c));
      expect(gained, `${member.userId} (${member.role}) after ${JSON.stringify(step)}`).toEqual([]);
    }
    expect(members.filter((m) => roles.isOwner(m.role)).map((m) => m.userId)).toEqual([OWNER]);
  }
}

await describeDatabases(['memory', 'sqlite-memory'], (database) => {
  it('property: no sequence of role creations, edits, deletions and assignments by non-owners gives anyone a capability no acting member held', async () => {
    const store = database.store();
    const seen: Seen = { applied: 0, refused: 0, roleWrites: 0, customAssigned: 0 };
    await fc.assert(
      fc.asyncProperty(worldArb, (world) => runWorld(store, world, seen)),
      { numRuns: database.name === 'memory' ? 150 : 50 },
    );
    // Not vacuous: role writes and assignments of tenant roles were applied, and refusals happened.
    expect(seen.roleWrites).toBeGreaterThan(0);
    expect(seen.customAssigned).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
    if (process.env.ROLES_PROPERTY_STATS !== undefined) process.stderr.write(`[escalation property ${database.name}] ${JSON.stringify(seen)}\n`);
  });
});
