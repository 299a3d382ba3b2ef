import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTenantryError, systemActor, userActor, ValidationError } from 'tenantry';
import { entitlementWorld } from '../support/entitlements.js';

/**
 * Validation issues carry paths and our own messages only (docs/authorization.md):
 * no value and no key name of the input is ever copied into an error's message
 * or issues, which HTTP adapters render into problem bodies.
 *
 * Every planted string carries a `SECRET_` token, and markup; the property sends
 * them as values and as key names through every public parse point and checks
 * what each thrown error shows. Catalog keys passed as the typed `featureKey` /
 * `packageKey` fields are not planted: an unknown one is a programming error
 * (`FeatureNotFoundError`, `PackageNotFoundError`) that names the key for the
 * developer and is rendered without it (docs/http.md).
 */

const tokenArb = fc.stringMatching(/^[0-9a-f]{12}$/).map((hex) => `SECRET_${hex}`);
const plantedTextArb = tokenArb.chain((token) =>
  fc.constantFrom(
    `<script>alert("${token}")</script>`,
    `"><img src=x onerror=alert('${token}')>`,
    token,
    `password=${token}`,
    `${token}\u0000`,
    `eve\ud800${token}`,
    `' OR 1=1 -- ${token}`,
    `\${${token}}`,
    `${token}-`.repeat(40),
    `user-${token}`,
    `ns-${token.toLowerCase()}`,
  ),
);

/** Any JSON-ish value with planted text in its strings and its key names. */
const plantedValueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: plantedTextArb },
  { weight: 1, arbitrary: fc.dictionary(plantedTextArb, plantedTextArb, { minKeys: 1, maxKeys: 2 }) },
  { weight: 1, arbitrary: fc.array(plantedTextArb, { minLength: 1, maxLength: 2 }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)) },
);

/** Extra keys with planted names (and values): strict schemas refuse them. */
const extrasArb = fc.dictionary(plantedTextArb, plantedValueArb, { maxKeys: 3 });

/** Replaces a random subset of `fields` of an input with planted values, and adds extras. */
function mutationArb(fields: readonly string[]) {
  return fc.record({
    replaced: fc.dictionary(fc.constantFrom(...fields), plantedValueArb, { maxKeys: fields.length }),
    extras: extrasArb,
  });
}
type Mutation = { readonly replaced: Record<string, unknown>; readonly extras: Record<string, unknown> };

type World = Awaited<ReturnType<typeof entitlementWorld>>;

/** One public parse point: the fields that may be planted, and the call. */
interface ParsePoint {
  readonly name: string;
  readonly fields: readonly string[];
  call(world: World, input: Record<string, unknown>): unknown;
}

/** The scope of the tenant's plain member (added by the owner in every run). */
const memberOf = (w: World) => w.tenantry.forRequest({ userId: 'member' });

const PARSE_POINTS: readonly ParsePoint[] = [
  { name: 'tenants.create', fields: ['ownerId', 'id'], call: (w, i) => w.system.tenants.create(mutateInput({ ownerId: 'someone' }, i)) },
  { name: 'tenants.get', fields: ['tenantId'], call: (w, i) => w.owner.tenants.get(mutateInput({ tenantId: w.tenantId }, i).tenantId) },
  { name: 'tenants.mine', fields: ['limit', 'cursor'], call: (w, i) => w.owner.tenants.mine(mutateInput({}, i)) },
  {
    name: 'members.add',
    fields: ['tenantId', 'userId', 'role'],
    call: (w, i) => w.owner.members.add(mutateInput({ tenantId: w.tenantId, userId: 'new-member', role: 'readonly' }, i)),
  },
  {
    name: 'members.changeRole',
    fields: ['tenantId', 'userId', 'role'],
    call: (w, i) => w.owner.members.changeRole(mutateInput({ tenantId: w.tenantId, userId: 'member', role: 'operator' }, i)),
  },
  {
    name: 'members.remove',
    fields: ['tenantId', 'userId'],
    call: (w, i) => w.owner.members.remove(mutateInput({ tenantId: w.tenantId, userId: 'member' }, i)),
  },
  { name: 'members.leave', fields: ['tenantId'], call: (w, i) => memberOf(w).members.leave(mutateInput({ tenantId: w.tenantId }, i)) },
  {
    name: 'members.transferOwnership',
    fields: ['tenantId', 'fromUserId', 'toUserId', 'previousOwnerRole'],
    call: (w, i) => w.owner.members.transferOwnership(mutateInput({ tenantId: w.tenantId, toUserId: 'member' }, i)),
  },
  { name: 'members.list', fields: ['tenantId', 'limit', 'cursor'], call: (w, i) => w.owner.members.list(mutateInput({ tenantId: w.tenantId }, i)) },
  { name: 'audit.list', fields: ['tenantId', 'limit', 'cursor'], call: (w, i) => w.owner.audit.list(mutateInput({ tenantId: w.tenantId }, i)) },
  { name: 'forRequest', fields: ['userId'], call: (w, i) => w.tenantry.forRequest(mutateInput({ userId: 'owner' }, i)).check(w.tenantId, 'tenant.read') },
  {
    name: 'as',
    fields: ['type', 'label'],
    call: (w, i) => w.tenantry.as(mutateInput({ type: 'system', label: 'job' }, i) as never).check(w.tenantId, 'tenant.read'),
  },
  {
    name: 'invalidate',
    fields: ['tenantId', 'userId'],
    call: (w, i) => {
      w.tenantry.invalidate(mutateInput({ tenantId: w.tenantId }, i));
    },
  },
  { name: 'userActor', fields: ['userId'], call: (_w, i) => userActor(mutateInput({ userId: 'someone' }, i).userId) },
  { name: 'systemActor', fields: ['label'], call: (_w, i) => systemActor(mutateInput({ label: 'job' }, i).label) },
  {
    name: 'usage.check',
    fields: ['tenantId', 'amount', 'namespace'],
    call: (w, i) => w.owner.usage.check(mutateInput({ tenantId: w.tenantId, featureKey: 'seats' }, i)),
  },
  {
    name: 'usage.tryConsume',
    fields: ['tenantId', 'amount', 'namespace', 'idempotencyKey'],
    call: (w, i) => w.owner.usage.tryConsume(mutateInput({ tenantId: w.tenantId, featureKey: 'seats', amount: 1 }, i)),
  },
  {
    name: 'usage.consume',
    fields: ['tenantId', 'amount', 'namespace', 'idempotencyKey'],
    call: (w, i) => w.owner.usage.consume(mutateInput({ tenantId: w.tenantId, featureKey: 'ai.tokens', amount: 1 }, i)),
  },
  {
    name: 'usage.release',
    fields: ['tenantId', 'amount', 'namespace', 'upTo'],
    call: (w, i) => w.owner.usage.release(mutateInput({ tenantId: w.tenantId, featureKey: 'seats', amount: 1 }, i)),
  },
  { name: 'usage.report', fields: ['tenantId', 'namespace'], call: (w, i) => w.owner.usage.report(mutateInput({ tenantId: w.tenantId }, i)) },
  {
    name: 'usage.simulate',
    fields: ['tenantId'],
    call: (w, i) => w.owner.usage.simulate(mutateInput({ tenantId: w.tenantId, packageKeys: ['free'] as const }, i)),
  },
  { name: 'usage.effective', fields: ['tenantId'], call: (w, i) => w.owner.usage.effective(mutateInput({ tenantId: w.tenantId }, i).tenantId) },
  {
    name: 'provisioning.assignPackage',
    fields: ['tenantId'],
    call: (w, i) => w.system.provisioning.assignPackage(mutateInput({ tenantId: w.tenantId, packageKey: 'enterprise' as const }, i)),
  },
  {
    name: 'provisioning.cancelPackage',
    fields: ['tenantId'],
    call: (w, i) => w.system.provisioning.cancelPackage(mutateInput({ tenantId: w.tenantId, packageKey: 'pro' as const }, i)),
  },
  {
    name: 'provisioning.addBoost',
    fields: ['tenantId', 'amount', 'expiresAt'],
    call: (w, i) => w.system.provisioning.addBoost(mutateInput({ tenantId: w.tenantId, featureKey: 'seats', amount: 2 }, i)),
  },
  {
    name: 'provisioning.setNamespaceLimit',
    fields: ['tenantId', 'namespace', 'limit'],
    call: (w, i) => w.system.provisioning.setNamespaceLimit(mutateInput({ tenantId: w.tenantId, namespace: 'project-1', featureKey: 'seats', limit: 3 }, i)),
  },
  {
    name: 'provisioning.alerts',
    fields: ['tenantId', 'limit', 'cursor'],
    call: (w, i) => w.system.provisioning.alerts(mutateInput({ tenantId: w.tenantId }, i)),
  },
];

/** The base input of a call with the planted fields and extras of `input` over it. */
function mutateInput<T extends object>(base: T, input: Record<string, unknown>): T {
  return { ...base, ...input };
}

/** What a client or a log could see of an error. */
function visible(error: unknown): string {
  const { message, issues } = error as { message?: unknown; issues?: unknown };
  return JSON.stringify({ message, issues });
}

const worldArb = fc.tuple(...PARSE_POINTS.map((point) => mutationArb(point.fields)));

describe('validation errors never echo input', () => {
  it('no planted value or key name appears in the message or issues of any error from any public parse point', async () => {
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(worldArb, async (mutations) => {
        const world = await entitlementWorld({ plan: 'pro' });
        await world.owner.members.add({ tenantId: world.tenantId, userId: 'member', role: 'readonly' });
        for (const [index, point] of PARSE_POINTS.entries()) {
          const mutation = mutations[index] as Mutation;
          let error: unknown;
          try {
            await point.call(world, { ...mutation.replaced, ...mutation.extras });
          } catch (caught) {
            error = caught;
          }
          if (error === undefined) continue;
          rejected += 1;
          // A typed error, never a raw one from deeper down...
          expect(isTenantryError(error), `${point.name} threw ${error instanceof Error ? `${error.name}: ${error.message}` : typeof error}`).toBe(true);
          // ...that shows nothing of the input.
          const shown = visible(error);
          expect(shown, point.name).not.toContain('SECRET_');
          expect(shown, point.name).not.toMatch(/[<>]/);
        }
      }),
      { numRuns: 150 },
    );
    // The property is about rejections: make sure there were plenty.
    expect(rejected).toBeGreaterThan(1000);
  });

  it('an unknown key is reported as "Unknown field." on the path of its object', async () => {
    const world = await entitlementWorld({ plan: 'pro' });
    const key = '<script>alert("SECRET_x")</script>';
    const attempt = world.owner.members.add({ tenantId: world.tenantId, userId: 'bob', role: 'readonly', [key]: 'SECRET_y' } as never);
    const error = await attempt.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([{ path: [], message: 'Unknown field.' }]);
    expect((error as ValidationError).message).toBe('Invalid member: Unknown field.');
    expect(await world.store.findMembership(world.tenantId, 'bob')).toBeUndefined();
  });
});
