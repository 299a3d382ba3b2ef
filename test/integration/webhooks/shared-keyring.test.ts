import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTenantry, isConfigurationError, verifyWebhook, type Store, type WebhookRequest, type WebhookTransport } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { bootstrap, capabilities, roles } from '../../support/catalog.js';

const ORIGIN = 'https://hooks.example.test';
const k1 = randomBytes(32);
const k2 = randomBytes(32);

/** An in-process receiver: requests are recorded and answered 204, no connection is made. */
function recorder(): { transport: WebhookTransport; sent: WebhookRequest[] } {
  const sent: WebhookRequest[] = [];
  return {
    sent,
    transport: (request) => {
      sent.push(request);
      return Promise.resolve({ status: 204, retryAfter: undefined, body: '' });
    },
  };
}

/** An instance with two-factor keys and webhooks without a keyring of their own. */
function instance(store: Store, keys: { current: string } & Record<string, Buffer | string>, transport: WebhookTransport) {
  return createTenantry({
    capabilities,
    roles,
    store,
    manageMembers: 'membership.manage',
    twoFactor: { keys },
    webhooks: {
      manage: 'tenant.manage',
      transport,
      resolver: () => Promise.resolve([{ address: '192.0.2.10', family: 4 }]),
      urlPolicy: { allowlist: [ORIGIN] },
    },
  });
}

function headersOf(request: WebhookRequest | undefined) {
  return { headers: request?.headers ?? {}, body: request?.body ?? '' };
}

describe('webhook secrets with the two-factor keyring', () => {
  it('are sealed at rest with it, still open after a key rotation, and move to the new key on rotateSecret', async () => {
    const store = memoryStore();
    const first = recorder();
    const before = instance(store, { current: 'k1', k1 }, first.transport);
    const { tenant } = await before.as(bootstrap).tenants.create({ ownerId: 'alice' });
    const scope = before.forRequest({ userId: 'alice' });
    const endpoint = await scope.webhooks.create({ tenantId: tenant.id, url: `${ORIGIN}/hooks`, events: ['tenant_membership.added'] });
    const stored = await store.findWebhookEndpoint(tenant.id, endpoint.id);
    expect(stored?.secret).toMatch(/^tf1\.k1\./);
    expect(stored?.secret).not.toContain(endpoint.secret.slice('whsec_'.length));
    await before.as(bootstrap).members.add({ tenantId: tenant.id, userId: 'bob', role: 'operator' });
    await before.webhooks.deliverDue();
    expect(() => verifyWebhook({ secret: endpoint.secret, ...headersOf(first.sent[0]) })).not.toThrow();

    // The operator rotates the two-factor keys: k2 is current, k1 stays listed.
    const second = recorder();
    const after = instance(store, { current: 'k2', k1, k2 }, second.transport);
    await after.as(bootstrap).members.add({ tenantId: tenant.id, userId: 'carol', role: 'operator' });
    await after.webhooks.deliverDue();
    expect(() => verifyWebhook({ secret: endpoint.secret, ...headersOf(second.sent[0]) })).not.toThrow();
    const rotated = await after.forRequest({ userId: 'alice' }).webhooks.rotateSecret({ tenantId: tenant.id, endpointId: endpoint.id });
    const resealed = await store.findWebhookEndpoint(tenant.id, endpoint.id);
    expect(resealed?.secret).toMatch(/^tf1\.k2\./);
    expect(resealed?.previousSecret).toMatch(/^tf1\.k2\./);
    // With k1 gone, both secrets still open: the rotation re-sealed the old one too.
    const third = recorder();
    const withoutK1 = instance(store, { current: 'k2', k2 }, third.transport);
    await withoutK1.as(bootstrap).members.add({ tenantId: tenant.id, userId: 'dave', role: 'operator' });
    await withoutK1.webhooks.deliverDue();
    expect(() => verifyWebhook({ secret: rotated.secret, ...headersOf(third.sent[0]) })).not.toThrow();
    expect(() => verifyWebhook({ secret: endpoint.secret, ...headersOf(third.sent[0]) })).not.toThrow();
  });

  it('a ciphertext copied onto another endpoint does not open', async () => {
    const store = memoryStore();
    const { transport, sent } = recorder();
    const tenantry = instance(store, { current: 'k1', k1 }, transport);
    const { tenant } = await tenantry.as(bootstrap).tenants.create({ ownerId: 'alice' });
    const scope = tenantry.forRequest({ userId: 'alice' });
    const a = await scope.webhooks.create({ tenantId: tenant.id, url: `${ORIGIN}/a`, events: ['tenant_membership.added'] });
    const b = await scope.webhooks.create({ tenantId: tenant.id, url: `${ORIGIN}/b`, events: ['tenant_membership.added'] });
    const sealedA = (await store.findWebhookEndpoint(tenant.id, a.id))?.secret ?? '';
    await store.updateWebhookEndpoint({ tenantId: tenant.id, id: b.id, updatedAt: new Date(), secret: sealedA });
    const errors: unknown[] = [];
    await tenantry.as(bootstrap).members.add({ tenantId: tenant.id, userId: 'bob', role: 'operator' });
    await tenantry.webhooks.deliverDue().catch((error: unknown) => errors.push(error));
    // The copy fails authentication (bound to endpoint a): nothing is signed or sent for b.
    expect(errors).toHaveLength(1);
    expect(sent.some((request) => request.url.pathname === '/b')).toBe(false);
  });

  it('without webhooks.keyring and without twoFactor.keys the instance does not start', () => {
    const { transport } = recorder();
    let error: unknown;
    try {
      createTenantry({ capabilities, roles, store: memoryStore(), webhooks: { manage: 'tenant.manage', transport } });
    } catch (caught) {
      error = caught;
    }
    expect(isConfigurationError(error)).toBe(true);
  });

  it('an own webhooks.keyring keeps encrypting new secrets when two-factor keys exist too', async () => {
    const store = memoryStore();
    const { transport } = recorder();
    const tenantry = createTenantry({
      capabilities,
      roles,
      store,
      twoFactor: { keys: { current: 'k1', k1 } },
      webhooks: {
        manage: 'tenant.manage',
        transport,
        keyring: { current: 'w1', keys: { w1: randomBytes(32).toString('base64') } },
        urlPolicy: { allowlist: [ORIGIN] },
      },
    });
    const { tenant } = await tenantry.as(bootstrap).tenants.create({ ownerId: 'alice' });
    const endpoint = await tenantry
      .forRequest({ userId: 'alice' })
      .webhooks.create({ tenantId: tenant.id, url: `${ORIGIN}/hooks`, events: ['tenant_membership.added'] });
    expect((await store.findWebhookEndpoint(tenant.id, endpoint.id))?.secret).toMatch(/^v1\.w1\./);
  });
});
