import assert from 'node:assert/strict';
import type { Store } from '../../../store/store.js';
import { rejectsWithCode } from '../assertions.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { EntitlementFixtures } from '../entitlement-fixtures.js';
import { randomUUID } from 'node:crypto';
import { CREATED_AT, MEMBER, OWNER } from '../fixtures.js';
import { newInvitation } from '../invitation-fixtures.js';

/** A tenant with a row in every table a tenant owns, and an audit entry. */
async function seedEverything(f: EntitlementFixtures, store: Store, label: string): Promise<string> {
  const tenantId = await f.seedEntitled(label);
  const slugged = await store.updateTenant({ tenantId, slug: `${f.namespace}-${label}` });
  assert.ok(slugged !== undefined);
  await store.insertMembership(f.membership(tenantId, f.userId('member'), MEMBER));
  await store.assignPackage(f.assignment(tenantId, 'pro'));
  await store.addBoost(f.boost(tenantId, 'f', 5));
  await store.setNamespaceLimit({ tenantId, namespace: 'ns', featureKey: f.featureKey('f'), limit: 7 });
  const consumed = await store.consume(f.consumeRequest(tenantId, 2, [f.target('f', 10), f.target('f', 10, { namespace: 'ns' })], ['k1', 'fp']));
  assert.equal(consumed.outcome, 'consumed');
  await store.recordAlert(f.alert(tenantId, 'f', 80));
  await store.appendAudit(f.auditEntry(tenantId, 'tenant.create'));
  return tenantId;
}

/** deleteTenant and findActiveMembership. */
export const tenantDeletionCases = [
  {
    name: 'deleteTenant also removes the billing-cycle anchor, invitations, and webhook endpoints with their deliveries and log',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const seed = async (label: string) => {
        const tenantId = await f.seedEntitled(label);
        await store.setCycleAnchor({ tenantId, anchor: new Date('2024-01-31T00:00:00.000Z') });
        const invitation = newInvitation(f, tenantId, 'ada');
        assert.deepEqual(await store.insertInvitation(invitation), { outcome: 'created' });
        const endpointId = randomUUID();
        await store.insertWebhookEndpoint({
          id: endpointId,
          tenantId,
          url: 'https://hooks.example.com/t',
          events: ['tenant_membership.added'],
          description: null,
          status: 'enabled',
          secret: 'v1:ciphertext',
          previousSecret: null,
          previousSecretExpiresAt: null,
          failingSince: null,
          createdAt: CREATED_AT,
          updatedAt: CREATED_AT,
        });
        const deliveryId = randomUUID();
        await store.insertWebhookDeliveries([
          {
            id: deliveryId,
            tenantId,
            endpointId,
            eventId: `evt_${randomUUID()}`,
            eventType: 'tenant_membership.added',
            payload: '{}',
            nextAttemptAt: CREATED_AT,
            createdAt: CREATED_AT,
          },
        ]);
        const claimToken = randomUUID();
        const [claimed] = await store.claimWebhookDeliveries({
          tenantId,
          now: CREATED_AT,
          limit: 1,
          claimToken,
          claimedUntil: new Date(CREATED_AT.getTime() + 60_000),
        });
        assert.equal(claimed?.id, deliveryId);
        const attempt = { deliveryId, attempt: 1, startedAt: CREATED_AT, durationMs: 5, responseStatus: 500, responseBody: 'no', errorClass: null };
        assert.equal(
          await store.completeWebhookDelivery({ deliveryId, claimToken, status: 'pending', nextAttemptAt: CREATED_AT, updatedAt: CREATED_AT, attempt }),
          true,
        );
        return { tenantId, invitation, endpointId, deliveryId };
      };
      const doomed = await seed('doomed');
      const kept = await seed('kept');
      assert.equal(await store.deleteTenant(doomed.tenantId), true);
      assert.equal(await store.findInvitation(doomed.tenantId, doomed.invitation.id), undefined);
      assert.equal(await store.findInvitationBySelector(doomed.invitation.selector), undefined);
      assert.equal(await store.findWebhookEndpoint(doomed.tenantId, doomed.endpointId), undefined);
      assert.deepEqual(await store.listWebhookDeliveries(doomed.tenantId), []);
      assert.deepEqual(await store.listWebhookAttempts(doomed.deliveryId), []);
      // The id is free again, and a new tenant under it starts without the old anchor.
      await store.createTenant(f.tenant('doomed'), f.membership(doomed.tenantId, f.userId('new-owner'), OWNER, { source: 'tenant_create' }));
      assert.equal((await store.readGrants(doomed.tenantId)).cycleAnchor, undefined);
      // The other tenant keeps everything.
      assert.deepEqual((await store.readGrants(kept.tenantId)).cycleAnchor, new Date('2024-01-31T00:00:00.000Z'));
      assert.deepEqual(await store.findInvitationBySelector(kept.invitation.selector), kept.invitation);
      assert.equal((await store.findWebhookEndpoint(kept.tenantId, kept.endpointId))?.id, kept.endpointId);
      assert.equal((await store.listWebhookAttempts(kept.deliveryId)).length, 1);
    },
  },
  {
    name: 'deleteTenant removes the tenant and every row it owns, keeps the audit log and other tenants, and frees the slug',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const doomed = await seedEverything(f, store, 'doomed');
      const kept = await seedEverything(f, store, 'kept');
      const keptBefore = {
        grants: await store.readGrants(kept),
        counters: await store.readCounters(kept, [f.target('f', 10)]),
        alerts: await store.listAlerts(kept),
        members: await store.listMembers(kept, { limit: 10 }),
      };
      assert.equal(await store.deleteTenant(doomed), true);
      assert.equal(await store.findTenant(doomed), undefined);
      assert.deepEqual(await store.listMembers(doomed, { limit: 10 }), []);
      assert.deepEqual(
        (await store.listMembershipsOfUser(f.userId('member'))).map((m) => m.tenantId),
        [kept],
      );
      assert.equal((await store.listAudit(doomed, { limit: 10 })).length, 1, 'the audit log is kept');
      assert.deepEqual(await store.listAlerts(doomed), []);
      assert.deepEqual(await store.readCounters(doomed, [f.target('f', 10)]), [0]);
      assert.deepEqual(
        {
          grants: await store.readGrants(kept),
          counters: await store.readCounters(kept, [f.target('f', 10)]),
          alerts: await store.listAlerts(kept),
          members: await store.listMembers(kept, { limit: 10 }),
        },
        keptBefore,
      );
      // The id and the slug are free again; nothing of the old tenant comes back with them.
      await store.createTenant(
        { ...f.tenant('doomed'), slug: `${f.namespace}-DOOMED` },
        f.membership(doomed, f.userId('new-owner'), OWNER, { source: 'tenant_create' }),
      );
      const grants = await store.readGrants(doomed);
      assert.deepEqual([grants.packages.length, grants.boosts.length, grants.namespaceLimits.length], [0, 0, 0]);
      assert.deepEqual(await store.readCounters(doomed, [f.target('f', 10)]), [0]);
      const replay = await store.consume(f.consumeRequest(doomed, 1, [f.target('f', 10)], ['k1', 'other']));
      assert.equal(replay.outcome, 'consumed', 'the idempotency key was deleted with the tenant');
      assert.equal(await store.findMembership(doomed, f.userId('member')), undefined);
    },
  },
  {
    name: 'deleteTenant of an unknown tenant returns false; inside a transaction that throws it is rolled back',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      assert.equal(await store.deleteTenant(f.tenantId('missing')), false);
      const tenantId = await seedEverything(f, store, 'a');
      const before = {
        tenant: await store.findTenant(tenantId),
        grants: await store.readGrants(tenantId),
        members: await store.listMembers(tenantId, { limit: 10 }),
      };
      await assert.rejects(
        store.transaction(async (tx) => {
          assert.equal(await tx.deleteTenant(tenantId), true);
          throw new Error('abort');
        }),
        /abort/,
      );
      assert.deepEqual(
        { tenant: await store.findTenant(tenantId), grants: await store.readGrants(tenantId), members: await store.listMembers(tenantId, { limit: 10 }) },
        before,
      );
      assert.deepEqual(await store.readCounters(tenantId, [f.target('f', 10)]), [2]);
      // The slug is still held.
      await rejectsWithCode(
        store.createTenant({ ...f.tenant('b'), slug: `${f.namespace}-a` }, f.membership(f.tenantId('b'), f.userId('x'), OWNER)),
        'already_exists',
        'tenant slug',
      );
    },
  },
  {
    name: 'after deleteTenant, writes naming the tenant fail with NotFoundError',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenantId = await seedEverything(f, store, 'gone');
      await store.deleteTenant(tenantId);
      await rejectsWithCode(store.insertMembership(f.membership(tenantId, f.userId('late'), MEMBER)), 'not_found');
      await rejectsWithCode(store.assignPackage(f.assignment(tenantId, 'pro')), 'not_found');
      await rejectsWithCode(store.consume(f.consumeRequest(tenantId, 1, [f.target('f', 10)])), 'not_found');
      await rejectsWithCode(
        store.transaction(() => Promise.resolve(), { tenantId }),
        'not_found',
      );
      assert.equal(await store.updateTenant({ tenantId, name: 'x' }), undefined);
    },
  },
  {
    name: 'findActiveMembership returns the membership unless the tenant is archived',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'), { [f.userId('member')]: MEMBER });
      const member = await store.findMembership(tenant.id, f.userId('member'));
      assert.deepEqual(await store.findActiveMembership(tenant.id, f.userId('member')), member);
      assert.equal(await store.findActiveMembership(tenant.id, f.userId('nobody')), undefined);
      assert.equal(await store.findActiveMembership(f.tenantId('missing'), f.userId('member')), undefined);
      await store.updateTenant({ tenantId: tenant.id, archivedAt: CREATED_AT });
      assert.equal(await store.findActiveMembership(tenant.id, f.userId('member')), undefined);
      assert.deepEqual(await store.findMembership(tenant.id, f.userId('member')), member, 'findMembership still sees it');
      await store.updateTenant({ tenantId: tenant.id, archivedAt: null });
      assert.deepEqual(await store.findActiveMembership(tenant.id, f.userId('member')), member);
    },
  },
] as const satisfies readonly StoreConformanceCase[];
