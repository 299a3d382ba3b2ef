import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { createTenantry, LimitExceededError, type Store, type WebhookRequest, type WebhookResponse, type WebhooksOptions } from 'tenantry';
import { kyselyStore } from 'tenantry/kysely';
import { capabilities, roles } from '../../../examples/catalog.js';
import { DATABASE_NAMES, describeDatabases, type SqlTestDatabase, type TestDatabase } from '../../support/databases.js';
import { entitlementWorld, packages } from '../../support/entitlements.js';

const ORIGIN = 'https://hooks.example.test';

/** Webhooks with an in-process transport: the requests are recorded, no connection is made. */
function webhooks(sent: WebhookRequest[]): WebhooksOptions<'tenant.manage'> {
  return {
    manage: 'tenant.manage',
    keyring: { current: 'k1', keys: { k1: randomBytes(32).toString('base64') } },
    transport: (request) => {
      sent.push(request);
      return Promise.resolve<WebhookResponse>({ status: 204, retryAfter: undefined, body: '' });
    },
    // The name never resolves: the resolver answers a documentation address, admitted by the allowlist.
    resolver: () => Promise.resolve([{ address: '192.0.2.10', family: 4 }]),
    urlPolicy: { allowlist: [ORIGIN] },
  };
}

async function world(database: { store: () => import('tenantry').Store }) {
  const sent: WebhookRequest[] = [];
  const w = await entitlementWorld({ store: database.store(), plan: 'free', webhooks: webhooks(sent) });
  await w.owner.webhooks.create({ tenantId: w.tenantId, url: `${ORIGIN}/hooks`, events: ['entitlement.limit_exceeded'] });
  const limitExceeded = async () => (await w.owner.webhooks.deliveries({ tenantId: w.tenantId })).filter((d) => d.eventType === 'entitlement.limit_exceeded');
  return { ...w, sent, limitExceeded };
}

await describeDatabases(DATABASE_NAMES, (database) => {
  it('a successful consume emits no limit_exceeded; a refused one emits exactly one per window, however often it is refused', async () => {
    const { owner, tenantId, tenantry, sent, clock, limitExceeded, system } = await world(database);
    expect((await owner.usage.tryConsume({ tenantId, featureKey: 'api.requests', amount: 1_000 })).allowed).toBe(true);
    expect(await limitExceeded()).toEqual([]);
    // A hot loop of refusals, some of them concurrent: one event.
    for (let i = 0; i < 5; i += 1) expect((await owner.usage.tryConsume({ tenantId, featureKey: 'api.requests', amount: 1 })).allowed).toBe(false);
    await Promise.all(Array.from({ length: 8 }, () => owner.usage.tryConsume({ tenantId, featureKey: 'api.requests', amount: 2 })));
    await expect(owner.usage.consume({ tenantId, featureKey: 'api.requests', amount: 1 })).rejects.toThrow(LimitExceededError);
    expect(await limitExceeded()).toHaveLength(1);
    expect(await tenantry.webhooks.deliverDue()).toBe(1);
    const event = JSON.parse(sent[0]?.body ?? '{}') as { type: string; tenantId: string; data: unknown };
    expect(event).toMatchObject({
      type: 'entitlement.limit_exceeded',
      tenantId,
      data: { featureKey: 'api.requests', namespace: null, amount: 1, used: 1_000, limit: 1_000, windowStart: '2026-03-15T00:00:00.000Z' },
    });
    // The refusal mark is no usage alert.
    expect((await system.provisioning.alerts({ tenantId })).items.every((alert) => alert.threshold > 0)).toBe(true);
    // The next day is a new window: one more event for its first refusal.
    clock.advance(86_400_000);
    await owner.usage.tryConsume({ tenantId, featureKey: 'api.requests', amount: 1_000 });
    await owner.usage.tryConsume({ tenantId, featureKey: 'api.requests', amount: 1 });
    await owner.usage.tryConsume({ tenantId, featureKey: 'api.requests', amount: 1 });
    expect(await limitExceeded()).toHaveLength(2);
  });

  it('one event per refusal window reaches every subscribed endpoint, with one event id', async () => {
    const { owner, tenantId, limitExceeded } = await world(database);
    await owner.webhooks.create({ tenantId, url: `${ORIGIN}/other`, events: ['entitlement.limit_exceeded'] });
    expect((await owner.usage.tryConsume({ tenantId, featureKey: 'seats', amount: 3 })).allowed).toBe(true);
    expect((await owner.usage.tryConsume({ tenantId, featureKey: 'seats', amount: 1 })).allowed).toBe(false);
    // Two endpoints subscribe: one event, one delivery each.
    const deliveries = await limitExceeded();
    expect(deliveries).toHaveLength(2);
    expect(new Set(deliveries.map((d) => d.eventId)).size).toBe(1);
  });
});

/** Another store on its own pool for SQL databases, as another process would have; the same store for memory. */
function secondStore(database: TestDatabase, first: Store): Store {
  return 'connect' in database ? kyselyStore((database as SqlTestDatabase).connect()) : first;
}

await describeDatabases(['memory', 'sqlite-file', 'postgres', 'mysql'], (database) => {
  it('refusals racing on two instances with their own connections write one event', async () => {
    const first = await world(database);
    const { tenantId, clock } = first;
    const other = createTenantry({
      capabilities,
      roles,
      store: secondStore(database, first.store),
      now: clock.now,
      entitlements: { packages },
      webhooks: webhooks([]),
    });
    await first.owner.usage.tryConsume({ tenantId, featureKey: 'api.requests', amount: 1_000 });
    const otherOwner = other.forRequest({ userId: 'owner' });
    const decisions = await Promise.all(
      Array.from({ length: 12 }, () => [
        first.owner.usage.tryConsume({ tenantId, featureKey: 'api.requests', amount: 1 }),
        otherOwner.usage.tryConsume({ tenantId, featureKey: 'api.requests', amount: 1 }),
      ]).flat(),
    );
    expect(decisions.every((decision) => !decision.allowed)).toBe(true);
    expect(await first.limitExceeded()).toHaveLength(1);
  });
});
