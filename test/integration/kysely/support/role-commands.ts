import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createTenantry, defineCapabilities, defineRoles, isTenantryError, systemActor, tenantRole, type Store } from 'tenantry';

/**
 * Model-based sequences of tenant-defined roles through the public API:
 * create (valid, duplicate, a declared role's name, an unknown capability),
 * update, delete (in use, with `reassignTo`, unknown target), assigning
 * members to declared and tenant roles (`members.add` / `changeRole`), a
 * stored role that shadows a declared name, and decisions on fresh scopes.
 * An explicit model predicts every outcome; after every command the
 * tenant's role set, each member's role and each user's allowed
 * capabilities (on a fresh scope, so a stale cached access shows) must be
 * exactly the model's.
 */

const CAPABILITIES = ['members.manage', 'billing.read', 'billing.manage', 'project.read', 'project.write'] as const;
const capabilities = defineCapabilities(CAPABILITIES);
type Capability = (typeof CAPABILITIES)[number];
const DECLARED: Readonly<Record<string, readonly Capability[]>> = {
  owner: CAPABILITIES,
  admin: ['members.manage', 'project.read', 'project.write'],
  member: ['project.read'],
};
const roles = defineRoles(
  capabilities,
  { owner: capabilities.all(), admin: ['members.manage', 'project.read', 'project.write'], member: ['project.read'] },
  { ownerRole: 'owner' },
);
const OWNER = 'olga';
/** Users the owner manages; `nobody` is never added, so a non-member's decisions are checked too. */
const USERS = ['ula', 'uma', 'uri', 'nobody'] as const;
/** Tenant role names, plus declared ones (refused as names, fine as assignments and reassignment targets). */
const TENANT_ROLES = ['auditor', 'billing', 'ops'] as const;
const NAMES = [...TENANT_ROLES, 'admin', 'member', 'owner'] as const;
const UNKNOWN_CAPABILITY = 'billing.refund';

/** The model of one run: the tenant's roles and members. */
export interface RoleModel {
  /** Tenant role name → capabilities, in registry order (as stored). */
  readonly roles: Map<string, readonly Capability[]>;
  /** Declared names a stored role shadows (written to the store directly): they must change nothing. */
  readonly shadows: Map<string, readonly Capability[]>;
  /** userId → role (the owner included). */
  readonly members: Map<string, string>;
}

type Instance = ReturnType<typeof instance>;

/** The system under test: an instance over the store, the store itself (for shadow rows) and the run's tenant. */
export interface RoleReal {
  readonly tenantry: Instance;
  readonly store: Store;
  readonly tenantId: string;
}

function instance(store: Store) {
  // The default manageRoles (owner only): the escalation rule for non-owners has its own unit tests.
  // The membership cache is on, with a TTL longer than any run: a role edit that forgot to drop cached access shows as a stale decision.
  return createTenantry({ capabilities, roles, store, manageMembers: 'members.manage', cache: { memberships: { max: 1_000, ttlMs: 3_600_000 } } });
}

/** A fresh run over `store`: a tenant owned by `olga` and an empty model. */
export async function roleRun(store: Store): Promise<{ model: RoleModel; real: RoleReal }> {
  const tenantry = instance(store);
  const { tenant } = await tenantry.as(systemActor('model')).tenants.create({ ownerId: OWNER });
  return { model: { roles: new Map(), shadows: new Map(), members: new Map([[OWNER, 'owner']]) }, real: { tenantry, store, tenantId: tenant.id } };
}

/** What the model says `role` grants: declared roles win over any stored role of their name; an unknown role grants nothing. */
function granted(model: RoleModel, role: string | undefined): ReadonlySet<Capability> {
  if (role === undefined) return new Set();
  return new Set(DECLARED[role] ?? model.roles.get(role) ?? []);
}

const inRegistryOrder = (wanted: readonly string[]): readonly Capability[] => CAPABILITIES.filter((capability) => wanted.includes(capability));

/** `promise` is refused with the tenantry error `code`. */
async function refused(promise: Promise<unknown>, code: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isTenantryError(error), `expected a tenantry error, got ${String(error)}`);
    assert.equal(error.code, code);
    return;
  }
  assert.fail(`expected ${code}, got a success`);
}

/**
 * The invariant after every command: the stored roles (shadows included),
 * the members, and every user's decision for every capability on a fresh
 * scope. Declared roles always win, so a shadow row never changes one.
 */
async function assertState(model: RoleModel, real: RoleReal): Promise<void> {
  const listed = await real.tenantry.forRequest({ userId: OWNER }).roles.list({ tenantId: real.tenantId });
  const expectedRoles = [...model.roles, ...model.shadows].sort(([a], [b]) => (a < b ? -1 : 1));
  assert.deepStrictEqual(
    listed.map((role) => [role.name, [...role.capabilities]]),
    expectedRoles.map(([name, granted]) => [name, [...granted]]),
  );
  const page = await real.tenantry.as(systemActor('model')).members.list({ tenantId: real.tenantId, limit: 100 });
  assert.deepStrictEqual(new Map(page.items.map((member) => [member.userId, member.role])), model.members);
  for (const userId of [OWNER, ...USERS]) {
    const role = model.members.get(userId);
    const expected = granted(model, role);
    if (role === undefined) {
      assert.equal(await real.tenantry.forRequest({ userId }).can(real.tenantId, 'project.read'), false);
      continue;
    }
    const access = await real.tenantry.forRequest({ userId }).access(real.tenantId);
    assert.equal(access.role, role);
    assert.deepStrictEqual(
      CAPABILITIES.filter((capability) => access.can(capability)),
      CAPABILITIES.filter((capability) => expected.has(capability)),
      `decisions of ${userId} (${role})`,
    );
  }
}

type Command = fc.AsyncCommand<RoleModel, RoleReal>;

abstract class RoleCommand implements Command {
  check(_model: Readonly<RoleModel>): boolean {
    return true;
  }
  async run(model: RoleModel, real: RoleReal): Promise<void> {
    await this.step(model, real);
    await assertState(model, real);
  }
  abstract step(model: RoleModel, real: RoleReal): Promise<void>;
  abstract toString(): string;
}

/** The owner creates `name` with `granted` (plus an undeclared capability when `unknown`). */
class Create extends RoleCommand {
  constructor(
    readonly name: string,
    readonly granted: readonly Capability[],
    readonly unknown: boolean,
  ) {
    super();
  }
  async step(model: RoleModel, real: RoleReal): Promise<void> {
    const requested = this.unknown ? [...this.granted, UNKNOWN_CAPABILITY] : this.granted;
    const call = real.tenantry
      .forRequest({ userId: OWNER })
      .roles.create({ tenantId: real.tenantId, name: this.name, capabilities: requested as Capability[] });
    if (this.unknown) return refused(call, 'unknown_capability');
    if (this.name in DECLARED || model.roles.has(this.name)) return refused(call, 'already_exists');
    const created = await call;
    const stored = inRegistryOrder(this.granted);
    assert.deepStrictEqual([created.name, [...created.capabilities]], [this.name, [...stored]]);
    model.roles.set(this.name, stored);
  }
  toString(): string {
    return `create(${this.name}, [${this.granted.join(',')}]${this.unknown ? ', +unknown' : ''})`;
  }
}

/** The owner replaces the capabilities of `name`. */
class Update extends RoleCommand {
  constructor(
    readonly name: string,
    readonly granted: readonly Capability[],
  ) {
    super();
  }
  async step(model: RoleModel, real: RoleReal): Promise<void> {
    const call = real.tenantry.forRequest({ userId: OWNER }).roles.update({ tenantId: real.tenantId, name: this.name, capabilities: [...this.granted] });
    if (this.name in DECLARED) return refused(call, 'validation_failed');
    if (!model.roles.has(this.name)) return refused(call, 'not_found');
    const updated = await call;
    const stored = inRegistryOrder(this.granted);
    assert.deepStrictEqual([...updated.capabilities], [...stored]);
    model.roles.set(this.name, stored);
  }
  toString(): string {
    return `update(${this.name}, [${this.granted.join(',')}])`;
  }
}

/** The owner deletes `name`, moving its holders to `reassignTo` when given. */
class Delete extends RoleCommand {
  constructor(
    readonly name: string,
    readonly reassignTo: string | undefined,
  ) {
    super();
  }
  async step(model: RoleModel, real: RoleReal): Promise<void> {
    const call = real.tenantry.forRequest({ userId: OWNER }).roles.delete({
      tenantId: real.tenantId,
      name: this.name,
      ...(this.reassignTo === undefined ? {} : { reassignTo: tenantRole(this.reassignTo) }),
    });
    if (this.name in DECLARED || this.reassignTo === this.name) return refused(call, 'validation_failed');
    if (this.reassignTo !== undefined && !(this.reassignTo in DECLARED) && !model.roles.has(this.reassignTo)) {
      return refused(call, 'unknown_role');
    }
    if (!model.roles.has(this.name)) return refused(call, 'not_found');
    const holders = [...model.members].filter(([, role]) => role === this.name).map(([userId]) => userId);
    if (holders.length > 0 && this.reassignTo === undefined) return refused(call, 'role_in_use');
    const deleted = await call;
    assert.deepStrictEqual([deleted.role.name, deleted.reassigned], [this.name, holders.length]);
    model.roles.delete(this.name);
    const { reassignTo } = this;
    if (reassignTo !== undefined) for (const userId of holders) model.members.set(userId, reassignTo);
  }
  toString(): string {
    return `delete(${this.name}${this.reassignTo === undefined ? '' : ` → ${this.reassignTo}`})`;
  }
}

/**
 * The owner gives `USERS[user]` a role: `members.add` for a non-member,
 * `changeRole` for a member. `role` is a name, or an index into the
 * tenant's roles as they are when the command runs (so that assignments
 * meet roles that exist, and deletions meet holders).
 */
class Assign extends RoleCommand {
  constructor(
    readonly user: number,
    readonly role: string | number,
  ) {
    super();
  }
  override check(model: Readonly<RoleModel>): boolean {
    return typeof this.role === 'string' || model.roles.size > 0;
  }
  #userId(): string {
    // `nobody` stays out of the tenant: its decisions are the non-member's.
    return USERS[this.user % (USERS.length - 1)] ?? USERS[0];
  }
  async step(model: RoleModel, real: RoleReal): Promise<void> {
    const userId = this.#userId();
    const role = typeof this.role === 'string' ? this.role : ([...model.roles.keys()][this.role % model.roles.size] ?? '');
    const input = { tenantId: real.tenantId, userId, role: tenantRole(role) };
    const owner = real.tenantry.forRequest({ userId: OWNER });
    const call = model.members.has(userId) ? owner.members.changeRole(input) : owner.members.add(input);
    if (!(role in DECLARED) && !model.roles.has(role)) return refused(call, 'unknown_role');
    const member = await call;
    assert.deepStrictEqual([member.userId, member.role], [userId, role]);
    model.members.set(userId, role);
  }
  toString(): string {
    return `assign(${this.#userId()}, ${typeof this.role === 'string' ? this.role : `existing #${String(this.role)}`})`;
  }
}

/**
 * A row of a declared role's name, written to the store directly (as after
 * a role map gained a role a tenant had defined): listed, but the declared
 * role still decides, and the service refuses to touch it.
 */
class Shadow extends RoleCommand {
  constructor(readonly name: 'admin' | 'member') {
    super();
  }
  override check(model: Readonly<RoleModel>): boolean {
    return !model.shadows.has(this.name);
  }
  async step(model: RoleModel, real: RoleReal): Promise<void> {
    const at = new Date();
    await real.store.insertTenantRole({
      tenantId: real.tenantId,
      name: this.name,
      capabilities: CAPABILITIES,
      description: null,
      createdAt: at,
      updatedAt: at,
    });
    model.shadows.set(this.name, CAPABILITIES);
  }
  toString(): string {
    return `shadow(${this.name})`;
  }
}

/** `scope.check` on a fresh scope for every user and capability: the status says member or not, allowed or not. */
class Check extends RoleCommand {
  async step(model: RoleModel, real: RoleReal): Promise<void> {
    for (const userId of [OWNER, ...USERS]) {
      const role = model.members.get(userId);
      const expected = granted(model, role);
      for (const capability of CAPABILITIES) {
        const decision = await real.tenantry.forRequest({ userId }).check(real.tenantId, capability);
        const status = role === undefined ? 404 : expected.has(capability) ? 200 : 403;
        assert.deepStrictEqual([decision.status, decision.allowed], [status, status === 200], `check(${userId}, ${capability})`);
      }
    }
  }
  toString(): string {
    return 'check()';
  }
}

const name = fc.constantFrom(...NAMES);
const tenantName = fc.constantFrom(...TENANT_ROLES);
const capabilitySet = fc.subarray([...CAPABILITIES]);

/** Command arbitraries for `fc.commands`: creations and assignments to tenant roles dominate, so deletions meet holders. */
export const roleCommands: fc.Arbitrary<Command>[] = [
  fc.tuple(tenantName, capabilitySet).map(([role, granted]) => new Create(role, granted, false)),
  fc.tuple(tenantName, capabilitySet).map(([role, granted]) => new Create(role, granted, false)),
  fc.tuple(name, capabilitySet, fc.boolean()).map(([role, granted, unknown]) => new Create(role, granted, unknown)),
  fc.tuple(name, capabilitySet).map(([role, granted]) => new Update(role, granted)),
  fc.tuple(tenantName, capabilitySet).map(([role, granted]) => new Update(role, granted)),
  fc.tuple(name, fc.option(name, { nil: undefined })).map(([role, reassignTo]) => new Delete(role, reassignTo)),
  fc
    .tuple(tenantName, fc.option(fc.constantFrom(...TENANT_ROLES, 'member', 'member'), { nil: undefined }))
    .map(([role, reassignTo]) => new Delete(role, reassignTo)),
  // A plain deletion of a tenant role: refused while held.
  tenantName.map((role) => new Delete(role, undefined)),
  fc.tuple(fc.nat({ max: 2 }), tenantName).map(([user, role]) => new Assign(user, role)),
  fc.tuple(fc.nat({ max: 2 }), fc.nat({ max: 5 })).map(([user, role]) => new Assign(user, role)),
  fc.tuple(fc.nat({ max: 2 }), fc.nat({ max: 5 })).map(([user, role]) => new Assign(user, role)),
  fc.tuple(fc.nat({ max: 2 }), fc.constantFrom(...TENANT_ROLES, 'admin', 'member', 'ghost')).map(([user, role]) => new Assign(user, role)),
  fc.constantFrom('admin' as const, 'member' as const).map((role) => new Shadow(role)),
  fc.constant(new Check()),
];
