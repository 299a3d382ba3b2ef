import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { AlreadyExistsError, createTenantry, systemActor, ValidationError, type Store } from 'tenantry';
import { countingStore } from 'tenantry/testing';
import { capabilities, roles } from '../../examples/catalog.js';
import { DATABASE_NAMES, describeDatabases } from '../support/databases.js';

/**
 * Identifiers are compared exactly, without normalisation (docs/membership.md).
 * These properties hold on every store: two different ids the boundary
 * accepts are two different users (or tenants), and an id the boundary
 * refuses (ill-formed UTF-16, control characters) is refused with
 * ValidationError before it can be mangled into someone else's id by a
 * driver's UTF-8 encoding.
 */

const bootstrap = systemActor('property');
/** A host pattern that allows anything: the shared text rule must still apply. */
const ANYTHING = /^[\s\S]*$/;
const runs = { numRuns: 60 };

/** The documented rule, code unit by code unit, independent of the implementation. */
function wellFormedWithoutControls(value: string): boolean {
  for (let i = 0; i < value.length; i += 1) {
    const unit = value.charCodeAt(i);
    if (unit <= 0x1f || (unit >= 0x7f && unit <= 0x9f) || (unit >= 0xdc00 && unit <= 0xdfff)) return false;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i += 1;
    }
  }
  return true;
}

/** What a UTF-8 encoder does to an ill-formed string: every lone surrogate becomes U+FFFD. */
const toUtf8AndBack = (value: string) => new TextDecoder().decode(new TextEncoder().encode(value));
/** What a utf8mb3 connection or a lossy driver does: astral characters become U+FFFD. */
const withoutAstral = (value: string) => value.replace(/[\u{10000}-\u{10ffff}]/gu, '\ufffd');

/** Characters that collide under some normalisation, folding, padding, encoding or repair. */
const TRICKY = [
  'e',
  'E',
  'é',
  'e\u0301',
  'ß',
  'SS',
  'ss',
  'ﬁ',
  'fi',
  '\u212b',
  '\u00c5',
  'A\u030a',
  'ｅ',
  '\u{1d41e}',
  'İ',
  'i',
  'ı',
  '\ufffd',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '😀',
  '😁',
  '\u{10ffff}',
  '\ufffe',
  '\uffff',
  '\ud7ff',
  '\ue000',
  ' ',
  '\u00a0',
  '\u200b',
  '\u2028',
  '\u0000',
  '\u0009',
  '\u001f',
  '\u007f',
  '\u0080',
  '\u0085',
  '\u009f',
  '-',
];
const pieceArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TRICKY) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
const textArb = fc.array(pieceArb, { minLength: 1, maxLength: 6 }).map((pieces) => pieces.join(''));

/** `a` and a second id that is often one of its look-alikes. */
const pairArb = textArb.chain((a) =>
  fc.tuple(
    fc.constant(a),
    fc.oneof(
      textArb,
      fc.constantFrom(
        a.toUpperCase(),
        a.toLowerCase(),
        a.normalize('NFC'),
        a.normalize('NFD'),
        a.normalize('NFKC'),
        a.normalize('NFKD'),
        `${a} `,
        a.trimEnd(),
        toUtf8AndBack(a),
        withoutAstral(a),
        `${a.slice(0, -1)}\ufffd`,
      ),
    ),
  ),
);

/** A prefix unique to one run, so runs sharing a database never meet; it keeps distinct ids distinct. */
const runPrefix = () => `p${randomUUID().slice(0, 8)}-`;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error;
  }
}

await describeDatabases(DATABASE_NAMES, (database) => {
  let store: Store | undefined;
  /** The file's store (a fresh memory store, or the file's SQL database); the one `tenantry()` writes to. */
  const stored = (): Store => (store ??= database.store());
  const tenantry = () => createTenantry({ capabilities, roles, store: stored(), tenantIds: { pattern: ANYTHING }, manageMembers: 'membership.manage' });

  it('two distinct accepted user ids are never the same member, and a refused one writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(pairArb, async ([a, b]) => {
        const t = tenantry();
        const system = t.as(bootstrap);
        const prefix = runPrefix();
        const [first, second] = [prefix + a, prefix + b];
        const created = system.tenants.create({ ownerId: first });
        if (!wellFormedWithoutControls(a)) {
          expect(await rejection(created)).toBeInstanceOf(ValidationError);
          // Nor under the id a driver's UTF-8 encoding would have made of it (storable only without controls).
          const repaired = toUtf8AndBack(first);
          if (wellFormedWithoutControls(repaired)) expect(await stored().listMembershipsOfUser(repaired)).toEqual([]);
          return;
        }
        const { tenant } = await created;
        const added = system.members.add({ tenantId: tenant.id, userId: second, role: 'readonly' });
        const members = async () => (await system.members.list({ tenantId: tenant.id })).items.map((m) => m.userId);
        if (!wellFormedWithoutControls(b)) {
          expect(await rejection(added)).toBeInstanceOf(ValidationError);
          expect(await members()).toEqual([first]);
          return;
        }
        if (a === b) {
          expect(await rejection(added)).toBeInstanceOf(AlreadyExistsError);
          return;
        }
        await added;
        expect((await members()).sort()).toEqual([first, second].sort());
        expect((await t.forRequest({ userId: first }).check(tenant.id, 'membership.manage')).status).toBe(200);
        expect((await t.forRequest({ userId: second }).check(tenant.id, 'membership.manage')).status).toBe(403);
        expect(await system.members.changeRole({ tenantId: tenant.id, userId: second, role: 'operator' })).toMatchObject({ userId: second, role: 'operator' });
        expect(await system.members.remove({ tenantId: tenant.id, userId: second })).toMatchObject({ userId: second });
        expect(await members()).toEqual([first]);
      }),
      runs,
    );
  });

  it('two distinct accepted tenant ids are never the same tenant, whatever the host pattern allows', async () => {
    await fc.assert(
      fc.asyncProperty(pairArb, async ([a, b]) => {
        const t = tenantry();
        const system = t.as(bootstrap);
        const prefix = runPrefix();
        const [first, second] = [prefix + a, prefix + b];
        const owner = `${prefix}owner`;
        const created = system.tenants.create({ ownerId: owner, id: first });
        if (!wellFormedWithoutControls(a)) {
          expect(await rejection(created)).toBeInstanceOf(ValidationError);
          expect(await stored().listMembershipsOfUser(owner)).toEqual([]);
          return;
        }
        await created;
        const other = system.tenants.create({ ownerId: `${prefix}other`, id: second });
        if (!wellFormedWithoutControls(b)) {
          expect(await rejection(other)).toBeInstanceOf(ValidationError);
          // Refused before storage: like any malformed id, a 404 for everyone.
          expect((await t.forRequest({ userId: owner }).check(second, 'tenant.read')).status).toBe(404);
          return;
        }
        if (a === b) {
          expect(await rejection(other)).toBeInstanceOf(AlreadyExistsError);
          return;
        }
        await other;
        expect((await t.forRequest({ userId: owner }).check(first, 'tenant.read')).status).toBe(200);
        expect((await t.forRequest({ userId: owner }).check(second, 'tenant.read')).status).toBe(404);
        expect((await t.forRequest({ userId: `${prefix}other` }).check(first, 'tenant.read')).status).toBe(404);
        expect((await stored().listMembershipsOfUser(owner)).map((m) => m.tenantId)).toEqual([first]);
      }),
      runs,
    );
  });

  it("refuses lone surrogates, so 'eve\\ud800' and 'eve\\udc00' never act as 'eve\\ufffd'", async () => {
    const t = tenantry();
    const system = t.as(bootstrap);
    const prefix = runPrefix();
    const owner = `${prefix}eve\ufffd`;
    const { tenant } = await system.tenants.create({ ownerId: owner });
    const eve = t.forRequest({ userId: owner });
    for (const impostor of [`${prefix}eve\ud800`, `${prefix}eve\udc00`]) {
      // An impostor cannot even get a scope, so it can never act as eve.
      expect(() => t.forRequest({ userId: impostor })).toThrow(ValidationError);
      expect(await rejection(system.tenants.create({ ownerId: impostor }))).toBeInstanceOf(ValidationError);
      for (const attempt of [
        system.members.add({ tenantId: tenant.id, userId: impostor, role: 'readonly' }),
        system.members.changeRole({ tenantId: tenant.id, userId: impostor, role: 'readonly' }),
        system.members.remove({ tenantId: tenant.id, userId: impostor }),
        system.members.transferOwnership({ tenantId: tenant.id, fromUserId: impostor, toUserId: owner }),
        eve.members.add({ tenantId: tenant.id, userId: impostor, role: 'owner' }),
        eve.members.transferOwnership({ tenantId: tenant.id, toUserId: impostor }),
      ]) {
        expect(await rejection(attempt)).toBeInstanceOf(ValidationError);
      }
    }
    expect((await system.members.list({ tenantId: tenant.id })).items).toMatchObject([{ userId: owner, role: 'owner' }]);
    expect((await t.forRequest({ userId: owner }).check(tenant.id, 'membership.manage')).status).toBe(200);
  });

  it('refuses control characters in ids the host pattern allows, before any storage access', async () => {
    const counting = countingStore(database.store());
    const t = createTenantry({ capabilities, roles, store: counting, tenantIds: { pattern: ANYTHING } });
    const system = t.as(bootstrap);
    const prefix = runPrefix();
    for (const control of ['\u0000', '\n', '\u001b', '\u007f', '\u0085', '\u009b']) {
      const tenantId = `${prefix}a${control}b`;
      expect(await rejection(system.tenants.create({ ownerId: `${prefix}owner`, id: tenantId }))).toBeInstanceOf(ValidationError);
      expect(await rejection(system.tenants.create({ ownerId: `${prefix}owner${control}` }))).toBeInstanceOf(ValidationError);
      expect(() => t.forRequest({ userId: `${prefix}user${control}` })).toThrow(ValidationError);
      const decision = await t.forRequest({ userId: `${prefix}owner` }).check(tenantId, 'tenant.read');
      expect(decision).toMatchObject({ allowed: false, status: 404 });
      expect(await t.forRequest({ userId: `${prefix}owner` }).tenants.mine()).toEqual({ items: [], nextCursor: null });
    }
    // Only the tenant-switcher listings above touched storage: every refused id stopped at the boundary.
    expect(counting.total()).toBe(counting.counts.listActiveMembershipsOfUser);
  });
});
