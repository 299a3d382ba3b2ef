import assert from 'node:assert/strict';
import { rejectsWithCode } from '../assertions.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { Fixtures, MEMBER } from '../fixtures.js';
import { EXPIRES_AT, newInvitation, selector } from '../invitation-fixtures.js';

const BEFORE_EXPIRY = new Date(EXPIRES_AT.getTime() - 1);

/** insertInvitation, the lookups, listing and the guarded writes. */
export const invitationCases = [
  {
    name: 'insertInvitation stores every field; findInvitation and findInvitationBySelector return it, and undefined for unknown ones',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'));
      const other = await f.seedTenant('b', f.userId('owner'));
      const invitation = newInvitation(f, tenant.id, 'ada', { requireEmailMatch: true, createdByType: 'system', createdBy: 'system:seed' });
      assert.deepEqual(await store.insertInvitation(invitation), { outcome: 'created' });
      assert.deepEqual(await store.findInvitation(tenant.id, invitation.id), invitation);
      assert.deepEqual(await store.findInvitationBySelector(invitation.selector), invitation);
      assert.equal(await store.findInvitation(other.id, invitation.id), undefined);
      assert.equal(await store.findInvitationBySelector(selector()), undefined);
      // Selectors are compared exactly: another case is another selector.
      const flipped = invitation.selector.replace(/[a-z]/, (c) => c.toUpperCase());
      if (flipped !== invitation.selector) assert.equal(await store.findInvitationBySelector(flipped), undefined);
    },
  },
  {
    name: 'insertInvitation into a missing tenant throws NotFoundError and writes nothing',
    async run({ store }) {
      const f = new Fixtures(store);
      const invitation = newInvitation(f, f.tenantId('missing'), 'ada');
      await rejectsWithCode(store.insertInvitation(invitation), 'not_found');
      assert.equal(await store.findInvitationBySelector(invitation.selector), undefined);
      assert.equal(await store.findTenant(invitation.tenantId), undefined);
    },
  },
  {
    name: 'insertInvitation keeps one pending invitation per tenant and exact email: a second one returns the existing row and writes nothing',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'));
      const other = await f.seedTenant('b', f.userId('owner'));
      const first = newInvitation(f, tenant.id, 'ada');
      await store.insertInvitation(first);
      const again = newInvitation(f, tenant.id, 'ada', { role: 'admin' });
      assert.deepEqual(await store.insertInvitation(again), { outcome: 'existing', existing: first });
      assert.equal(await store.findInvitation(tenant.id, again.id), undefined);
      assert.equal(await store.findInvitationBySelector(again.selector), undefined);
      // Another tenant, another email (case matters: normalising is the service's job) are not the same.
      for (const distinct of [newInvitation(f, other.id, 'ada'), newInvitation(f, tenant.id, first.email.replace('ada', 'Ada'))]) {
        assert.deepEqual(await store.insertInvitation(distinct), { outcome: 'created' });
      }
      // Once settled, the email may be invited again.
      await store.writeInvitation({ kind: 'revoke', tenantId: tenant.id, invitationId: first.id, at: BEFORE_EXPIRY });
      assert.deepEqual(await store.insertInvitation(again), { outcome: 'created' });
    },
  },
  {
    name: 'listInvitations pages by id and filters by status, deriving expired from now',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'));
      const other = await f.seedTenant('b', f.userId('owner'));
      const rows = ['a', 'b', 'c', 'd', 'e'].map((label, index) =>
        newInvitation(f, tenant.id, label, { expiresAt: new Date(EXPIRES_AT.getTime() + index * 1000) }),
      );
      for (const row of rows) await store.insertInvitation(row);
      await store.insertInvitation(newInvitation(f, other.id, 'a'));
      const [r0, r1, r2] = rows as [(typeof rows)[number], (typeof rows)[number], (typeof rows)[number]];
      await store.writeInvitation({ kind: 'revoke', tenantId: tenant.id, invitationId: r0.id, at: BEFORE_EXPIRY });
      await store.writeInvitation({
        kind: 'accept',
        tenantId: tenant.id,
        invitationId: r1.id,
        selector: r1.selector,
        userId: f.userId('u'),
        at: BEFORE_EXPIRY,
      });
      const ids = rows.map((row) => row.id).sort();
      const now = new Date(EXPIRES_AT.getTime() + 2500); // r2 (+2000 ms) has expired, r3 and r4 have not
      const idsOf = async (page: Parameters<typeof store.listInvitations>[1]) => (await store.listInvitations(tenant.id, page)).map((row) => row.id);
      assert.deepEqual(await idsOf({ limit: 100, now }), ids);
      assert.deepEqual(await idsOf({ limit: 2, now }), ids.slice(0, 2));
      assert.deepEqual(await idsOf({ limit: 100, now, afterId: ids[1] as string }), ids.slice(2));
      assert.deepEqual(await idsOf({ limit: 100, now, status: 'revoked' }), [r0.id]);
      assert.deepEqual(await idsOf({ limit: 100, now, status: 'accepted' }), [r1.id]);
      assert.deepEqual(await idsOf({ limit: 100, now, status: 'expired' }), [r2.id]);
      assert.deepEqual(await idsOf({ limit: 100, now, status: 'pending' }), [rows[3]?.id, rows[4]?.id].sort());
      assert.deepEqual(await store.listInvitations(f.tenantId('unknown'), { limit: 100, now }), []);
    },
  },
  {
    name: 'writeInvitation accept applies once, only with the current selector and before expiry',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'));
      const invitation = newInvitation(f, tenant.id, 'ada');
      await store.insertInvitation(invitation);
      const accept = { kind: 'accept', tenantId: tenant.id, invitationId: invitation.id, selector: invitation.selector, userId: f.userId('ada') } as const;
      assert.deepEqual(await store.writeInvitation({ ...accept, selector: selector(), at: BEFORE_EXPIRY }), { outcome: 'missed' });
      assert.deepEqual(await store.writeInvitation({ ...accept, at: EXPIRES_AT }), { outcome: 'missed' });
      assert.deepEqual(await store.writeInvitation({ ...accept, tenantId: f.tenantId('b'), at: BEFORE_EXPIRY }), { outcome: 'missed' });
      assert.deepEqual(await store.findInvitation(tenant.id, invitation.id), invitation);
      const accepted = { ...invitation, status: 'accepted', acceptedBy: f.userId('ada'), settledAt: BEFORE_EXPIRY };
      assert.deepEqual(await store.writeInvitation({ ...accept, at: BEFORE_EXPIRY }), { outcome: 'applied', invitation: accepted });
      assert.deepEqual(await store.writeInvitation({ ...accept, userId: f.userId('eve'), at: BEFORE_EXPIRY }), { outcome: 'missed' });
      assert.deepEqual(await store.writeInvitation({ kind: 'revoke', tenantId: tenant.id, invitationId: invitation.id, at: BEFORE_EXPIRY }), {
        outcome: 'missed',
      });
      assert.deepEqual(await store.findInvitation(tenant.id, invitation.id), accepted);
    },
  },
  {
    name: 'writeInvitation rotate replaces selector, hash and expiry of a pending invitation; revoke keeps the row; settled rows are never rotated',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'));
      const invitation = newInvitation(f, tenant.id, 'ada');
      const taken = newInvitation(f, tenant.id, 'bob');
      await store.insertInvitation(invitation);
      await store.insertInvitation(taken);
      const rotate = { kind: 'rotate', tenantId: tenant.id, invitationId: invitation.id, verifierHash: 'f'.repeat(64), at: BEFORE_EXPIRY } as const;
      // Expired invitations are rotated too: that is how a resend revives one.
      const later = new Date(EXPIRES_AT.getTime() + 86_400_000);
      const next = selector();
      const rotated = { ...invitation, selector: next, verifierHash: 'f'.repeat(64), expiresAt: later, resendCount: 1 };
      assert.deepEqual(await store.writeInvitation({ ...rotate, selector: next, expiresAt: later, at: later }), { outcome: 'applied', invitation: rotated });
      assert.equal(await store.findInvitationBySelector(invitation.selector), undefined);
      assert.deepEqual(await store.findInvitationBySelector(next), rotated);
      await rejectsWithCode(store.writeInvitation({ ...rotate, selector: taken.selector, expiresAt: later }), 'already_exists', 'invitation');
      assert.deepEqual(await store.findInvitation(tenant.id, invitation.id), rotated);
      const revoked = { ...rotated, status: 'revoked', settledAt: later };
      assert.deepEqual(await store.writeInvitation({ kind: 'revoke', tenantId: tenant.id, invitationId: invitation.id, at: later }), {
        outcome: 'applied',
        invitation: revoked,
      });
      assert.deepEqual(await store.writeInvitation({ ...rotate, selector: selector(), expiresAt: later }), { outcome: 'missed' });
      assert.deepEqual(await store.findInvitation(tenant.id, invitation.id), revoked);
      assert.deepEqual(await store.findInvitationBySelector(next), revoked);
    },
  },
  {
    name: 'an acceptance and its membership roll back together: a failed transaction leaves the invitation pending',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'), { [f.userId('ada')]: MEMBER });
      const invitation = newInvitation(f, tenant.id, 'ada');
      await store.insertInvitation(invitation);
      await rejectsWithCode(
        store.transaction(
          async (tx) => {
            const write = await tx.writeInvitation({
              kind: 'accept',
              tenantId: tenant.id,
              invitationId: invitation.id,
              selector: invitation.selector,
              userId: f.userId('ada'),
              at: BEFORE_EXPIRY,
            });
            assert.equal(write.outcome, 'applied');
            await tx.insertMembership(f.membership(tenant.id, f.userId('ada'), MEMBER, { source: 'invitation' }));
          },
          { tenantId: tenant.id },
        ),
        'already_exists',
        'membership',
      );
      assert.deepEqual(await store.findInvitation(tenant.id, invitation.id), invitation);
    },
  },
  {
    name: 'concurrent acceptances of one invitation: exactly one applies',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'));
      const invitation = newInvitation(f, tenant.id, 'ada');
      await store.insertInvitation(invitation);
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.writeInvitation({
            kind: 'accept',
            tenantId: tenant.id,
            invitationId: invitation.id,
            selector: invitation.selector,
            userId: f.userId(`u${String(i)}`),
            at: BEFORE_EXPIRY,
          }),
        ),
      );
      const applied = results.filter((result) => result.outcome === 'applied');
      assert.equal(applied.length, 1);
      assert.deepEqual((await store.findInvitation(tenant.id, invitation.id))?.acceptedBy, applied[0]?.invitation.acceptedBy);
    },
  },
  {
    name: 'concurrent invitations of one email: exactly one is created, the others return it',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'));
      const candidates = Array.from({ length: 8 }, () => newInvitation(f, tenant.id, 'ada'));
      const results = await Promise.all(candidates.map((candidate) => store.insertInvitation(candidate)));
      const created = candidates.filter((_, i) => results[i]?.outcome === 'created');
      assert.equal(created.length, 1);
      for (const result of results) if (result.outcome === 'existing') assert.deepEqual(result.existing, created[0]);
      assert.equal((await store.listInvitations(tenant.id, { limit: 100, now: BEFORE_EXPIRY })).length, 1);
    },
  },
  {
    // Found by the model-based sequences: the memory store once refused this while SQL applied it.
    name: "writeInvitation rotate onto the invitation's own selector applies: the unique selector key is about other invitations",
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'));
      const invitation = newInvitation(f, tenant.id, 'ada');
      await store.insertInvitation(invitation);
      const later = new Date(EXPIRES_AT.getTime() + 86_400_000);
      const rotated = { ...invitation, verifierHash: 'f'.repeat(64), expiresAt: later, resendCount: 1 };
      const write = {
        kind: 'rotate',
        tenantId: tenant.id,
        invitationId: invitation.id,
        selector: invitation.selector,
        verifierHash: 'f'.repeat(64),
        expiresAt: later,
        at: BEFORE_EXPIRY,
      } as const;
      assert.deepEqual(await store.writeInvitation(write), { outcome: 'applied', invitation: rotated });
      assert.deepEqual(await store.findInvitationBySelector(invitation.selector), rotated);
    },
  },
] as const satisfies readonly StoreConformanceCase[];
