import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { createTenantry, systemActor, type Store, type WebhookRequest, type WebhookResponse, type WebhookTransport } from 'tenantry';
import { kyselyStore } from 'tenantry/kysely';
import { capabilities, roles } from '../../support/catalog.js';
import { describeDatabases, type SqlTestDatabase, type TestDatabase } from '../../support/databases.js';

const keyring = { current: 'k1', keys: { k1: randomBytes(32).toString('base64') } };
const ORIGIN = 'https://hooks.example.test';
const bootstrap = systemActor('test');

function worker(store: Store, transport: WebhookTransport, now: () => Date = () => new Date()) {
  return createTenantry({
    capabilities,
    roles,
    store,
    now,
    manageMembers: 'membership.manage',
    webhooks: {
      manage: 'tenant.manage',
      keyring,
      transport,
      // The host name never resolves: the resolver answers with a documentation address, which the allowlist admits; no connection is made (the transports here are in process).
      resolver: () => Promise.resolve([{ address: '192.0.2.10', family: 4 }]),
      urlPolicy: { allowlist: [ORIGIN] },
      delivery: { timeoutMs: 500 },
    },
  });
}

/** A second store on its own connection (pool) for SQL databases, as a second process would have; the same store for memory. */
function secondStore(database: TestDatabase, first: Store): Store {
  return 'connect' in database ? kyselyStore((database as SqlTestDatabase).connect()) : first;
}

const ok: WebhookResponse = { status: 204, retryAfter: undefined, body: '' };

async function tenantWithEndpoint(tenantry: ReturnType<typeof worker>): Promise<string> {
  const { tenant } = await tenantry.as(bootstrap).tenants.create({ ownerId: 'owner' });
  await tenantry.forRequest({ userId: 'owner' }).webhooks.create({ tenantId: tenant.id, url: `${ORIGIN}/hooks`, events: ['tenant_membership.added'] });
  return tenant.id;
}

await describeDatabases(['memory', 'sqlite-file', 'postgres', 'mysql'], (database) => {
  it('a worker that crashes holding a claim: the claim expires, a second worker delivers with the same webhook-id, the late completion is ignored', async () => {
    const store = database.store();
    let clock = new Date('2030-01-01T00:00:00.000Z');
    const now = () => clock;
    const hung: WebhookRequest[] = [];
    let release: ((response: WebhookResponse) => void) | undefined;
    let called: (() => void) | undefined;
    const calledOnce = new Promise<void>((resolve) => (called = resolve));
    // The crashed worker: its request never answers until the test lets it (long after its lease).
    const crashed = worker(
      store,
      (request) => {
        hung.push(request);
        called?.();
        return new Promise((resolve) => (release = resolve));
      },
      now,
    );
    const tenantId = await tenantWithEndpoint(crashed);
    await crashed.as(bootstrap).members.add({ tenantId, userId: 'bob', role: 'operator' });
    const abandoned = crashed.webhooks.deliverDue();
    await calledOnce;

    const received: WebhookRequest[] = [];
    const second = worker(
      secondStore(database, store),
      (request) => {
        received.push(request);
        return Promise.resolve(ok);
      },
      now,
    );
    // Within the lease the delivery stays with the crashed worker.
    clock = new Date(clock.getTime() + 20_000);
    expect(await second.webhooks.deliverDue()).toBe(0);
    // Past the lease (2 x timeout + 30 s) the second worker takes it over.
    clock = new Date(clock.getTime() + 20_000);
    expect(await second.webhooks.deliverDue()).toBe(1);
    expect(received).toHaveLength(1);
    expect(received[0]?.headers['webhook-id']).toBe(hung[0]?.headers['webhook-id']);
    expect(received[0]?.body).toBe(hung[0]?.body);

    // The crashed worker wakes up: its completion carries a stale claim token and changes nothing.
    release?.(ok);
    expect(await abandoned).toBe(1);
    const [delivery] = await second.forRequest({ userId: 'owner' }).webhooks.deliveries({ tenantId });
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1, eventId: received[0]?.headers['webhook-id'] });
    expect(await second.webhooks.deliverDue()).toBe(0);
    expect(await crashed.webhooks.deliverDue()).toBe(0);
  });

  it('two workers draining one outbox concurrently deliver every delivery exactly once, never two at the same time', async () => {
    const store = database.store();
    const deliveredIds: string[] = [];
    const inFlight = new Set<string>();
    let overlaps = 0;
    // The receiver: records each webhook-id, and whether it was already being delivered when it arrived.
    const receiver: WebhookTransport = async (request) => {
      const id = request.headers['webhook-id'] ?? '';
      if (inFlight.has(id)) overlaps += 1;
      inFlight.add(id);
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 3)));
      inFlight.delete(id);
      deliveredIds.push(id);
      return ok;
    };
    const first = worker(store, receiver);
    const second = worker(secondStore(database, store), receiver);
    const tenantId = await tenantWithEndpoint(first);
    const n = 64;
    for (let i = 0; i < n; i += 1) await first.as(bootstrap).members.add({ tenantId, userId: `user-${i}`, role: 'readonly' });

    const workers = [first.webhooks.startDeliveryWorker({ concurrency: 8, pollMs: 5 }), second.webhooks.startDeliveryWorker({ concurrency: 8, pollMs: 5 })];
    const deadline = Date.now() + 20_000;
    while (deliveredIds.length < n && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await Promise.all(workers.map((running) => running.stop()));

    expect(overlaps).toBe(0);
    expect(deliveredIds).toHaveLength(n);
    expect(new Set(deliveredIds).size).toBe(n);
    const deliveries = await first.forRequest({ userId: 'owner' }).webhooks.deliveries({ tenantId });
    expect(deliveries).toHaveLength(n);
    expect(deliveries.every((delivery) => delivery.status === 'succeeded' && delivery.attempts === 1)).toBe(true);
    expect(new Set(deliveries.map((delivery) => delivery.eventId))).toEqual(new Set(deliveredIds));
  });
});
