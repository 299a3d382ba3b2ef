import { expect, it } from 'vitest';
import { NotFoundError, systemActor, ValidationError, type Scope } from 'tenantry';
import { countingStore, type CountingStore } from 'tenantry/testing';
import { DATABASE_NAMES, describeDatabases } from '../../support/databases.js';
import { entitlementWorld } from '../../support/entitlements.js';

/**
 * The one tenant-id rule (docs/authorization.md): for every actor-facing
 * call, a malformed tenant id, an unknown tenant and (for a user) a tenant
 * the user is not a member of give the same `NotFoundError` (same class,
 * message, code and fields), or for `check` the same 404 decision; and a
 * malformed id is decided before storage, on every store.
 */

type World = Awaited<ReturnType<typeof entitlementWorld>>;
type AnyScope = World['owner'];

/** One actor-facing call naming a tenant. */
interface TenantCall {
  readonly name: string;
  /** Who may make it at all: provisioning is for system actors, leaving for users. */
  readonly actors: readonly ('user' | 'system')[];
  run(scope: AnyScope, tenantId: string): Promise<unknown>;
}

const both = ['user', 'system'] as const;

const CALLS: readonly TenantCall[] = [
  { name: 'authorize', actors: both, run: (s, tenantId) => s.authorize(tenantId, 'tenant.read') },
  { name: 'members.add', actors: both, run: (s, tenantId) => s.members.add({ tenantId, userId: 'newcomer', role: 'readonly' }) },
  { name: 'members.changeRole', actors: both, run: (s, tenantId) => s.members.changeRole({ tenantId, userId: 'member', role: 'operator' }) },
  { name: 'members.remove', actors: both, run: (s, tenantId) => s.members.remove({ tenantId, userId: 'member' }) },
  { name: 'members.leave', actors: ['user'], run: (s, tenantId) => s.members.leave({ tenantId }) },
  { name: 'members.transferOwnership', actors: both, run: (s, tenantId) => s.members.transferOwnership({ tenantId, fromUserId: 'owner', toUserId: 'member' }) },
  { name: 'members.list', actors: both, run: (s, tenantId) => s.members.list({ tenantId }) },
  { name: 'audit.list', actors: both, run: (s, tenantId) => s.audit.list({ tenantId }) },
  { name: 'tenants.get', actors: both, run: (s, tenantId) => s.tenants.get(tenantId) },
  { name: 'usage.check', actors: both, run: (s, tenantId) => s.usage.check({ tenantId, featureKey: 'ai.tokens' }) },
  { name: 'usage.tryConsume', actors: both, run: (s, tenantId) => s.usage.tryConsume({ tenantId, featureKey: 'ai.tokens', amount: 1 }) },
  { name: 'usage.consume', actors: both, run: (s, tenantId) => s.usage.consume({ tenantId, featureKey: 'ai.tokens', amount: 1, idempotencyKey: 'rule' }) },
  { name: 'usage.release', actors: both, run: (s, tenantId) => s.usage.release({ tenantId, featureKey: 'seats', amount: 1, upTo: true }) },
  { name: 'usage.report', actors: both, run: (s, tenantId) => s.usage.report({ tenantId }) },
  { name: 'usage.simulate', actors: both, run: (s, tenantId) => s.usage.simulate({ tenantId, packageKeys: ['pro'] }) },
  { name: 'usage.effective', actors: both, run: (s, tenantId) => s.usage.effective(tenantId) },
  { name: 'provisioning.assignPackage', actors: ['system'], run: (s, tenantId) => s.provisioning.assignPackage({ tenantId, packageKey: 'pro' }) },
  { name: 'provisioning.cancelPackage', actors: ['system'], run: (s, tenantId) => s.provisioning.cancelPackage({ tenantId, packageKey: 'free' }) },
  { name: 'provisioning.addBoost', actors: ['system'], run: (s, tenantId) => s.provisioning.addBoost({ tenantId, featureKey: 'seats', amount: 1 }) },
  {
    name: 'provisioning.setNamespaceLimit',
    actors: ['system'],
    run: (s, tenantId) => s.provisioning.setNamespaceLimit({ tenantId, namespace: 'ns', featureKey: 'seats', limit: 1 }),
  },
  { name: 'provisioning.alerts', actors: ['system'], run: (s, tenantId) => s.provisioning.alerts({ tenantId }) },
];

/** Ids no tenant can have: wrong format, too long, injection-shaped, upper-case UUID. */
const MALFORMED = ['not-a-uuid', '', 'x'.repeat(65), "' OR 1=1 --", '../../etc/passwd', 'ABCDEF00-0000-4000-8000-000000000000', 'a\u0000b'];
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

/** Everything a caller can see of an error: it must be the same whatever the reason for the 404. */
function shapeOf(error: unknown) {
  const { name, code, message, status, cause } = error as NotFoundError;
  return {
    isNotFound: error instanceof NotFoundError,
    constructor: (error as object).constructor,
    name,
    code,
    message,
    status,
    cause,
    keys: Object.keys(error as object),
  };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected a rejection, the call resolved'),
    (error: unknown) => error,
  );
}

/** Runs `call` with a fresh scope (so no memo is shared), and what a malformed id cost the store. */
async function attempt(store: CountingStore, scope: () => AnyScope, call: TenantCall, tenantId: string) {
  store.reset();
  const error = await rejectionOf(call.run(scope(), tenantId));
  return { error, storeCalls: store.total() + store.counts.transaction };
}

const canonical = shapeOf(new NotFoundError());

await describeDatabases(DATABASE_NAMES, (database) => {
  /** A tenant owned by "owner" with "member", and "mallory", who belongs to another tenant only. */
  async function world() {
    const store = countingStore(database.store());
    const w = await entitlementWorld({ store, plan: 'free' });
    await w.owner.members.add({ tenantId: w.tenantId, userId: 'member', role: 'readonly' });
    await w.system.tenants.create({ ownerId: 'mallory' });
    await w.tenantry.ready();
    return { ...w, store };
  }

  it('every actor-facing call of a user: malformed id, unknown tenant and non-member are the same NotFoundError; malformed ids reach storage zero times', async () => {
    const { tenantry, store, tenantId } = await world();
    const mallory = () => tenantry.forRequest({ userId: 'mallory' });
    for (const call of CALLS.filter((c) => c.actors.includes('user'))) {
      const outcomes = [];
      for (const id of MALFORMED) {
        const { error, storeCalls } = await attempt(store, mallory, call, id);
        expect(storeCalls, `${call.name}(${JSON.stringify(id)}) reached storage`).toBe(0);
        outcomes.push(shapeOf(error));
      }
      outcomes.push(shapeOf((await attempt(store, mallory, call, UNKNOWN)).error));
      outcomes.push(shapeOf((await attempt(store, mallory, call, tenantId)).error));
      for (const outcome of outcomes) expect(outcome, call.name).toEqual(canonical);
    }
  });

  it('every actor-facing call of a system actor: malformed id and unknown tenant are the same NotFoundError; malformed ids reach storage zero times', async () => {
    const { tenantry, store } = await world();
    const system = () => tenantry.as(systemActor('rule'));
    for (const call of CALLS.filter((c) => c.actors.includes('system'))) {
      const outcomes = [];
      for (const id of MALFORMED) {
        const { error, storeCalls } = await attempt(store, system, call, id);
        expect(storeCalls, `${call.name}(${JSON.stringify(id)}) reached storage`).toBe(0);
        outcomes.push(shapeOf(error));
      }
      outcomes.push(shapeOf((await attempt(store, system, call, UNKNOWN)).error));
      for (const outcome of outcomes) expect(outcome, call.name).toEqual(canonical);
    }
  });

  it('check() gives the same 404 decision, isMember() false and roleIn() undefined, for users and system actors alike', async () => {
    const { tenantry, store, tenantId } = await world();
    const cases: [() => Scope, readonly string[]][] = [
      [() => tenantry.forRequest({ userId: 'mallory' }), [...MALFORMED, UNKNOWN, tenantId]],
      [() => tenantry.as(systemActor('rule')), [...MALFORMED, UNKNOWN]],
    ];
    for (const [scope, ids] of cases) {
      for (const id of ids) {
        store.reset();
        const { tenantId: checked, ...decision } = await scope().check(id, 'tenant.read');
        expect(checked).toBe(id);
        expect(decision).toEqual({ allowed: false, status: 404, reason: 'not_member', capability: 'tenant.read' });
        expect(await scope().isMember(id)).toBe(false);
        expect(await scope().roleIn(id)).toBeUndefined();
        if (MALFORMED.includes(id)) expect(store.total()).toBe(0);
      }
    }
  });

  it('nothing was written by any of the refused calls', async () => {
    const { tenantry, store, tenantId, owner } = await world();
    const auditBefore = await owner.audit.list({ tenantId });
    const grantsBefore = await store.readGrants(tenantId);
    const mallory = () => tenantry.forRequest({ userId: 'mallory' });
    for (const call of CALLS.filter((c) => c.actors.includes('user'))) await attempt(store, mallory, call, tenantId);
    expect(await owner.audit.list({ tenantId })).toEqual(auditBefore);
    expect(await store.readGrants(tenantId)).toEqual(grantsBefore);
    expect((await owner.members.list({ tenantId })).items.map((m) => [m.userId, m.role])).toEqual([
      ['member', 'readonly'],
      ['owner', 'owner'],
    ]);
    expect((await owner.usage.report({ tenantId })).features.every((usage) => usage.used === 0)).toBe(true);
  });

  it('decides in order: the tenant id first (404), then the input (400), then membership (404)', async () => {
    const { tenantry, store, tenantId } = await world();
    const mallory = tenantry.forRequest({ userId: 'mallory' });
    const badInputs = [
      (id: string) => mallory.members.add({ tenantId: id, userId: '', role: 'readonly' }),
      (id: string) => mallory.usage.consume({ tenantId: id, featureKey: 'ai.tokens', amount: -1 }),
      (id: string) => mallory.members.list({ tenantId: id, limit: 0 }),
      (id: string) => mallory.usage.report({ tenantId: id, namespace: 'has space' }),
    ];
    for (const bad of badInputs) {
      store.reset();
      expect(shapeOf(await rejectionOf(bad('not-a-uuid')))).toEqual(canonical);
      expect(store.total()).toBe(0);
      // With a well-formed id the input is refused before anything is looked up: the 400 tells nothing about the tenant.
      for (const id of [UNKNOWN, tenantId]) {
        store.reset();
        expect(await rejectionOf(bad(id))).toBeInstanceOf(ValidationError);
        expect(store.total()).toBe(0);
      }
    }
  });
});
