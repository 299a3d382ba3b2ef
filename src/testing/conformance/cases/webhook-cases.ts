import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Store } from '../../../store/store.js';
import type { StoreOperations } from '../../../store/store-operations.js';
import type { NewWebhookDelivery, WebhookEndpointRecord } from '../../../store/webhook-records.js';
import { rejectsWithCode } from '../assertions.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { CREATED_AT, Fixtures } from '../fixtures.js';

const MINUTE = 60_000;
const at = (minutes: number) => new Date(CREATED_AT.getTime() + minutes * MINUTE);

function endpoint(tenantId: string, overrides: Partial<WebhookEndpointRecord> = {}): WebhookEndpointRecord {
  return {
    id: randomUUID(),
    tenantId,
    url: 'https://hooks.example.com/tenantry?x=1',
    events: ['tenant_membership.added', 'entitlement.threshold_reached'],
    description: 'CRM sync ✓',
    status: 'enabled',
    secret: 'v1:ciphertext',
    previousSecret: null,
    previousSecretExpiresAt: null,
    failingSince: null,
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
    ...overrides,
  };
}

function delivery(target: WebhookEndpointRecord, minutes: number): NewWebhookDelivery {
  const eventId = `evt_${randomUUID()}`;
  return {
    id: randomUUID(),
    tenantId: target.tenantId,
    endpointId: target.id,
    eventId,
    eventType: 'tenant_membership.added',
    payload: JSON.stringify({ id: eventId, data: { userId: 'u', role: 'member' }, note: 'é' }),
    nextAttemptAt: at(minutes),
    createdAt: at(minutes),
  };
}

async function seeded(store: Store): Promise<{ tenantId: string; target: WebhookEndpointRecord }> {
  const fixtures = new Fixtures(store);
  const tenant = await fixtures.seedTenant('hooks', fixtures.userId('owner'));
  const target = endpoint(tenant.id);
  await store.insertWebhookEndpoint(target);
  return { tenantId: tenant.id, target };
}

function claim(tenantId: string, minutes: number, limit = 10, leaseMinutes = 5) {
  return { tenantId, now: at(minutes), limit, claimToken: randomUUID(), claimedUntil: at(minutes + leaseMinutes) };
}

function attempt(deliveryId: string, number: number, responseStatus: number | null) {
  return {
    deliveryId,
    attempt: number,
    startedAt: at(number),
    durationMs: 12,
    responseStatus,
    responseBody: responseStatus === null ? null : 'nope',
    errorClass: responseStatus === null ? 'timeout' : null,
  };
}

/** Webhook endpoints, the outbox and the attempt log. */
export const webhookCases = [
  {
    name: 'webhook endpoints read back exactly, per tenant; update writes only the given fields; delete says whether it deleted',
    async run({ store }) {
      const { tenantId, target } = await seeded(store);
      const fixtures = new Fixtures(store);
      const other = await fixtures.seedTenant('other', fixtures.userId('owner'));
      assert.deepEqual(await store.findWebhookEndpoint(tenantId, target.id), target);
      assert.equal(await store.findWebhookEndpoint(other.id, target.id), undefined);
      const second = endpoint(tenantId, { createdAt: at(1), updatedAt: at(1), description: null });
      await store.insertWebhookEndpoint(second);
      assert.deepEqual(await store.listWebhookEndpoints(tenantId), [target, second]);
      assert.deepEqual(await store.listWebhookEndpoints(other.id), []);
      const updated = await store.updateWebhookEndpoint({
        tenantId,
        id: target.id,
        updatedAt: at(2),
        status: 'disabled',
        previousSecret: 'v1:old',
        previousSecretExpiresAt: at(60),
        failingSince: at(3),
      });
      assert.deepEqual(updated, {
        ...target,
        updatedAt: at(2),
        status: 'disabled',
        previousSecret: 'v1:old',
        previousSecretExpiresAt: at(60),
        failingSince: at(3),
      });
      assert.deepEqual(await store.findWebhookEndpoint(tenantId, target.id), updated);
      assert.equal(await store.updateWebhookEndpoint({ tenantId: other.id, id: target.id, updatedAt: at(4), status: 'enabled' }), undefined);
      assert.equal(await store.deleteWebhookEndpoint(other.id, target.id), false);
      assert.equal(await store.deleteWebhookEndpoint(tenantId, target.id), true);
      assert.equal(await store.deleteWebhookEndpoint(tenantId, target.id), false);
      assert.deepEqual(await store.listWebhookEndpoints(tenantId), [second]);
    },
  },
  {
    name: 'insertWebhookEndpoint refuses a missing tenant with not_found and a duplicate id with already_exists',
    async run({ store }) {
      const { tenantId, target } = await seeded(store);
      await rejectsWithCode(store.insertWebhookEndpoint(endpoint(`${tenantId}-missing`)), 'not_found');
      await rejectsWithCode(store.insertWebhookEndpoint({ ...target, url: 'https://other.example.com/' }), 'already_exists');
      assert.deepEqual(await store.listWebhookEndpoints(tenantId), [target]);
    },
  },
  {
    name: 'insertWebhookDeliveries writes pending rows all or none, refusing an endpoint of another tenant; listing is newest first',
    async run({ store }) {
      const { tenantId, target } = await seeded(store);
      const fixtures = new Fixtures(store);
      const other = await fixtures.seedTenant('other', fixtures.userId('owner'));
      const foreign = endpoint(other.id);
      await store.insertWebhookEndpoint(foreign);
      const [first, second] = [delivery(target, 0), delivery(target, 1)];
      await rejectsWithCode(store.insertWebhookDeliveries([first, { ...delivery(foreign, 0), tenantId }]), 'not_found');
      assert.deepEqual(await store.listWebhookDeliveries(tenantId), []);
      await store.insertWebhookDeliveries([first, second]);
      const pending = { status: 'pending', attempts: 0, claimToken: null, claimedUntil: null };
      assert.deepEqual(await store.listWebhookDeliveries(tenantId), [
        { ...second, ...pending, updatedAt: second.createdAt },
        { ...first, ...pending, updatedAt: first.createdAt },
      ]);
      assert.deepEqual(await store.listWebhookDeliveries(tenantId, foreign.id), []);
      await rejectsWithCode(store.insertWebhookDeliveries([first]), 'already_exists');
    },
  },
  {
    name: 'claimWebhookDeliveries takes due rows oldest first up to the limit, never a held one, and an expired claim again',
    async run({ store }) {
      const { tenantId, target } = await seeded(store);
      const rows = [delivery(target, 2), delivery(target, 0), delivery(target, 1), delivery(target, 30)];
      await store.insertWebhookDeliveries(rows);
      const first = claim(tenantId, 10, 2);
      const claimed = await store.claimWebhookDeliveries(first);
      assert.deepEqual(
        claimed.map((row) => [row.id, row.status, row.claimToken, row.claimedUntil]),
        [rows[1], rows[2]].map((row) => [row?.id, 'delivering', first.claimToken, first.claimedUntil]),
      );
      const second = await store.claimWebhookDeliveries(claim(tenantId, 10, 10, 60));
      assert.deepEqual(
        second.map((row) => row.id),
        [rows[0]?.id],
      );
      assert.deepEqual(await store.claimWebhookDeliveries(claim(tenantId, 14)), []);
      // The first claim expired at minute 15: another worker takes those rows; the first can no longer complete them.
      const retaken = claim(tenantId, 15.5, 10);
      const again = await store.claimWebhookDeliveries(retaken);
      assert.deepEqual(
        again.map((row) => row.id),
        [rows[1]?.id, rows[2]?.id],
      );
      const late = { deliveryId: rows[1]?.id ?? '', claimToken: first.claimToken, status: 'succeeded' as const, nextAttemptAt: at(16), updatedAt: at(16) };
      assert.equal(await store.completeWebhookDelivery({ ...late, attempt: attempt(late.deliveryId, 1, 200) }), false);
      assert.equal(await store.completeWebhookDelivery({ ...late, claimToken: retaken.claimToken, attempt: attempt(late.deliveryId, 1, 200) }), true);
      assert.deepEqual(await store.listWebhookAttempts(late.deliveryId), [attempt(late.deliveryId, 1, 200)]);
    },
  },
  {
    name: 'completeWebhookDelivery logs the attempt and schedules the next one; requeue waits for the claim; prune removes finished rows only',
    async run({ store }) {
      const { tenantId, target } = await seeded(store);
      const row = delivery(target, 0);
      const later = delivery(target, 100);
      await store.insertWebhookDeliveries([row, later]);
      const first = claim(tenantId, 1, 10);
      const [claimed, ...none] = await store.claimWebhookDeliveries(first);
      assert.deepEqual([claimed?.id, none], [row.id, []]);
      const id = row.id;
      const requeue = { tenantId, deliveryId: id, nextAttemptAt: at(2), updatedAt: at(2) };
      assert.equal(await store.requeueWebhookDelivery(requeue), false);
      const failure = attempt(id, 1, null);
      assert.equal(
        await store.completeWebhookDelivery({
          deliveryId: id,
          claimToken: first.claimToken,
          status: 'pending',
          nextAttemptAt: at(20),
          updatedAt: at(3),
          attempt: failure,
        }),
        true,
      );
      const [after] = (await store.listWebhookDeliveries(tenantId)).filter((candidate) => candidate.id === id);
      assert.deepEqual([after?.status, after?.attempts, after?.nextAttemptAt, after?.claimToken, after?.updatedAt], ['pending', 1, at(20), null, at(3)]);
      const second = claim(tenantId, 20, 1);
      const [retry] = await store.claimWebhookDeliveries(second);
      assert.equal(retry?.attempts, 1);
      const done = attempt(retry.id, 2, 200);
      assert.equal(
        await store.completeWebhookDelivery({
          deliveryId: retry.id,
          claimToken: second.claimToken,
          status: 'succeeded',
          nextAttemptAt: at(21),
          updatedAt: at(21),
          attempt: done,
        }),
        true,
      );
      assert.equal(await store.requeueWebhookDelivery({ ...requeue, tenantId: `${tenantId}-x` }), false);
      assert.equal(await store.requeueWebhookDelivery(requeue), true);
      assert.equal((await store.listWebhookDeliveries(tenantId)).find((candidate) => candidate.id === id)?.status, 'pending');
      const third = claim(tenantId, 100, 5);
      const finishing = await store.claimWebhookDeliveries(third);
      assert.equal(finishing.length, 2);
      for (const held of finishing) {
        await store.completeWebhookDelivery({
          deliveryId: held.id,
          claimToken: third.claimToken,
          status: 'failed',
          nextAttemptAt: at(101),
          updatedAt: at(101),
          attempt: attempt(held.id, held.attempts + 1, 410),
        });
      }
      // Pruning is store-wide (other tenants' finished rows go too), so only this tenant's rows are asserted.
      await store.pruneWebhookDeliveries(at(101));
      assert.equal((await store.listWebhookDeliveries(tenantId)).length, 2);
      assert.equal((await store.pruneWebhookDeliveries(at(102))) >= 2, true);
      assert.deepEqual(await store.listWebhookDeliveries(tenantId), []);
      assert.deepEqual(await store.listWebhookAttempts(id), []);
    },
  },
  {
    name: 'deleting a webhook endpoint deletes its deliveries and their attempts',
    async run({ store }) {
      const { tenantId, target } = await seeded(store);
      const row = delivery(target, 0);
      await store.insertWebhookDeliveries([row]);
      const held = claim(tenantId, 1);
      await store.claimWebhookDeliveries(held);
      await store.completeWebhookDelivery({
        deliveryId: row.id,
        claimToken: held.claimToken,
        status: 'pending',
        nextAttemptAt: at(2),
        updatedAt: at(2),
        attempt: attempt(row.id, 1, 503),
      });
      assert.equal(await store.deleteWebhookEndpoint(tenantId, target.id), true);
      assert.deepEqual(await store.listWebhookDeliveries(tenantId), []);
      assert.deepEqual(await store.listWebhookAttempts(row.id), []);
    },
  },
  {
    name: 'outbox rows written in a transaction that rolls back are never seen; committed ones are',
    async run({ store }) {
      const { tenantId, target } = await seeded(store);
      const lost = delivery(target, 0);
      await assert.rejects(
        store.transaction(
          async (tx: StoreOperations) => {
            await tx.insertWebhookDeliveries([lost]);
            throw new Error('the change failed');
          },
          { tenantId },
        ),
        /the change failed/,
      );
      assert.deepEqual(await store.listWebhookDeliveries(tenantId), []);
      const kept = delivery(target, 0);
      await store.transaction((tx) => tx.insertWebhookDeliveries([kept]), { tenantId });
      assert.deepEqual(
        (await store.listWebhookDeliveries(tenantId)).map((row) => row.id),
        [kept.id],
      );
    },
  },
  {
    name: 'concurrent claims never hand one webhook delivery to two claimers',
    async run({ store }) {
      const { tenantId, target } = await seeded(store);
      const rows = Array.from({ length: 40 }, (_, i) => delivery(target, i % 5));
      await store.insertWebhookDeliveries(rows);
      for (let round = 0; round < 3; round += 1) {
        // Each round starts after the previous round's claims expired, so all 40 are due again.
        const now = 10 + round * 10;
        const claims = await Promise.all(Array.from({ length: 16 }, () => store.claimWebhookDeliveries(claim(tenantId, now, 3))));
        const ids = claims.flat().map((row) => row.id);
        assert.equal(new Set(ids).size, ids.length, 'a delivery was claimed twice');
        // Skipped rows are left for later claims, never lost: draining one at a time takes exactly the rest.
        for (
          let rest = await store.claimWebhookDeliveries(claim(tenantId, now, 3));
          rest.length > 0;
          rest = await store.claimWebhookDeliveries(claim(tenantId, now, 3))
        ) {
          ids.push(...rest.map((row) => row.id));
        }
        assert.deepEqual([...ids].sort(), rows.map((row) => row.id).sort(), 'every due delivery was claimed exactly once');
      }
    },
  },
] as const satisfies readonly StoreConformanceCase[];
