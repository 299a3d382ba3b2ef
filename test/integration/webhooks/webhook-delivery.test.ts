import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  isForbiddenError,
  isUnsafeUrlError,
  LastOwnerError,
  pinnedTransport,
  verifyWebhook,
  type WebhookEndpointDisabledEvent,
} from 'tenantry';
import { bootstrap, setup, tenantWith } from '../../support/catalog.js';

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const servers: Server[] = [];

/** A receiver on 127.0.0.1 answering with `answers` in turn (the last repeats). No test touches another address. */
async function receiver(answers: readonly { status: number; headers?: Record<string, string>; hang?: boolean }[]) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const answer = answers[Math.min(received.length, answers.length - 1)] ?? { status: 200 };
      received.push({ headers: req.headers, body });
      if (answer.hang === true) return;
      res.writeHead(answer.status, answer.headers).end('ok');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: `${origin}/hooks`, origin, received };
}

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise((resolve) => {
          server.close(resolve).closeAllConnections();
        }),
    ),
  );
});

function tenantryFor(origin: string, options: { now?: () => Date; onEndpointDisabled?: (event: WebhookEndpointDisabledEvent) => void } = {}) {
  return setup({
    ...(options.now === undefined ? {} : { now: options.now }),
    webhooks: {
      manage: 'tenant.manage',
      keyring: { current: 'k1', keys: { k1: randomBytes(32).toString('base64') } },
      transport: pinnedTransport(),
      // Test only: the local receiver is trusted explicitly; everything else stays refused.
      urlPolicy: { allowlist: [origin] },
      delivery: { timeoutMs: 500, breakerThreshold: 3, halfOpenAfterMs: 60_000 },
      ...(options.onEndpointDisabled === undefined ? {} : { onEndpointDisabled: options.onEndpointDisabled }),
    },
  });
}

describe('webhooks end to end', () => {
  it('a committed membership change is delivered, signed, to a receiver that verifies it', async () => {
    const hook = await receiver([{ status: 204 }]);
    const { tenantry } = tenantryFor(hook.origin);
    const tenantId = await tenantWith(tenantry, 'alice');
    const scope = tenantry.forRequest({ userId: 'alice' });
    const endpoint = await scope.webhooks.create({ tenantId, url: hook.url, events: ['tenant_membership.added'] });
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect(JSON.stringify(await scope.webhooks.list({ tenantId }))).not.toContain(endpoint.secret.slice(6));
    await tenantry.as(bootstrap).members.add({ tenantId, userId: 'bob', role: 'operator' });
    expect(await tenantry.webhooks.deliverDue()).toBe(1);
    expect(hook.received).toHaveLength(1);
    const [{ headers, body }] = hook.received as [Received];
    const verified = verifyWebhook({ secret: endpoint.secret, headers, body });
    const event = JSON.parse(body) as { id: string; type: string; tenantId: string; data: unknown; version: number };
    expect(event).toMatchObject({ id: verified.id, type: 'tenant_membership.added', version: 1, tenantId, data: { userId: 'bob', role: 'operator' } });
    const [delivery] = await scope.webhooks.deliveries({ tenantId });
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1, eventId: verified.id });
    expect(await tenantry.webhooks.deliverDue()).toBe(0);
  });

  it('a change that rolls back emits nothing', async () => {
    const hook = await receiver([{ status: 200 }]);
    const { tenantry } = tenantryFor(hook.origin);
    const tenantId = await tenantWith(tenantry, 'alice', { bob: 'operator' });
    const scope = tenantry.forRequest({ userId: 'alice' });
    await scope.webhooks.create({ tenantId, url: hook.url, events: ['tenant_membership.added', 'tenant_membership.removed'] });
    // Adding an existing member fails inside its transaction; removing the last owner is refused.
    await expect(tenantry.as(bootstrap).members.add({ tenantId, userId: 'bob', role: 'operator' })).rejects.toThrow(AlreadyExistsError);
    await expect(tenantry.as(bootstrap).members.remove({ tenantId, userId: 'alice' })).rejects.toThrow(LastOwnerError);
    expect(await scope.webhooks.deliveries({ tenantId })).toEqual([]);
  });

  it('retries 5xx on the schedule, honours Retry-After on 429, and delivers once the receiver recovers', async () => {
    const hook = await receiver([{ status: 503 }, { status: 429, headers: { 'retry-after': '7200' } }, { status: 200 }]);
    let clock = new Date('2030-01-01T00:00:00.000Z');
    const { tenantry } = tenantryFor(hook.origin, { now: () => clock });
    const tenantId = await tenantWith(tenantry, 'alice');
    const scope = tenantry.forRequest({ userId: 'alice' });
    const endpoint = await scope.webhooks.create({ tenantId, url: hook.url, events: ['tenant_membership.added'] });
    await tenantry.as(bootstrap).members.add({ tenantId, userId: 'bob', role: 'operator' });
    expect(await tenantry.webhooks.deliverDue()).toBe(1);
    let [delivery] = await scope.webhooks.deliveries({ tenantId });
    // First retry: 5 s ± 20 %.
    expect(delivery?.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(clock.getTime() + 4_000);
    expect(delivery?.nextAttemptAt.getTime()).toBeLessThanOrEqual(clock.getTime() + 6_000);
    expect(await tenantry.webhooks.deliverDue()).toBe(0);
    clock = new Date(clock.getTime() + 6_000);
    expect(await tenantry.webhooks.deliverDue()).toBe(1);
    [delivery] = await scope.webhooks.deliveries({ tenantId });
    // 429 with Retry-After: 7200 s beats the 5 min step.
    expect(delivery?.nextAttemptAt.getTime()).toBe(clock.getTime() + 7_200_000);
    clock = new Date(clock.getTime() + 7_200_000);
    expect(await tenantry.webhooks.deliverDue()).toBe(1);
    [delivery] = await scope.webhooks.deliveries({ tenantId });
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 3 });
    // Every attempt carried the same webhook-id, so the receiver can deduplicate.
    expect(new Set(hook.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    for (const r of hook.received) {
      // Each attempt is signed afresh with its own timestamp.
      const sentAt = new Date(Number(r.headers['webhook-timestamp']) * 1000);
      expect(() => verifyWebhook({ secret: endpoint.secret, headers: r.headers, body: r.body, now: sentAt })).not.toThrow();
    }
  });

  it('does not retry other 4xx; 410 disables the endpoint and tells the host', async () => {
    const hook = await receiver([{ status: 410 }]);
    const disabled: WebhookEndpointDisabledEvent[] = [];
    const { tenantry } = tenantryFor(hook.origin, { onEndpointDisabled: (event) => void disabled.push(event) });
    const tenantId = await tenantWith(tenantry, 'alice');
    const scope = tenantry.forRequest({ userId: 'alice' });
    const endpoint = await scope.webhooks.create({ tenantId, url: hook.url, events: ['tenant_membership.added'] });
    await tenantry.as(bootstrap).members.add({ tenantId, userId: 'bob', role: 'operator' });
    await tenantry.webhooks.deliverDue();
    const [delivery] = await scope.webhooks.deliveries({ tenantId });
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await scope.webhooks.list({ tenantId }))[0]?.status).toBe('disabled');
    await new Promise((resolve) => setImmediate(resolve));
    expect(disabled).toEqual([{ tenantId, endpointId: endpoint.id, reason: 'gone' }]);
  });

  it('times out a receiver that hangs and opens the circuit after consecutive failures', async () => {
    const hook = await receiver([{ status: 200, hang: true }]);
    let clock = new Date('2030-01-01T00:00:00.000Z');
    const { tenantry } = tenantryFor(hook.origin, { now: () => clock });
    const tenantId = await tenantWith(tenantry, 'alice');
    const scope = tenantry.forRequest({ userId: 'alice' });
    await scope.webhooks.create({ tenantId, url: hook.url, events: ['tenant_membership.added'] });
    await tenantry.as(bootstrap).members.add({ tenantId, userId: 'bob', role: 'operator' });
    for (let i = 0; i < 4; i += 1) {
      await tenantry.webhooks.deliverDue();
      clock = new Date(clock.getTime() + 3_600_000);
    }
    // Three timeouts opened the breaker (threshold 3): the fourth attempt was not sent.
    expect(hook.received).toHaveLength(3);
    const [delivery] = await scope.webhooks.deliveries({ tenantId });
    expect(delivery).toMatchObject({ status: 'pending', attempts: 4 });
  });

  it('refuses unsafe URLs before any connection, and requires the managing capability', async () => {
    const hook = await receiver([{ status: 200 }]);
    const { tenantry } = tenantryFor(hook.origin);
    const tenantId = await tenantWith(tenantry, 'alice', { olga: 'operator' });
    const scope = tenantry.forRequest({ userId: 'alice' });
    for (const url of [
      'http://169.254.169.254/latest/meta-data',
      'https://127.0.0.1/',
      'https://localhost/',
      `${hook.origin.replace('127.0.0.1', '[::ffff:127.0.0.1]')}/x`,
    ]) {
      const error = await scope.webhooks.create({ tenantId, url, events: ['tenant_membership.added'] }).catch((caught: unknown) => caught);
      expect(isUnsafeUrlError(error)).toBe(true);
    }
    const error = await tenantry
      .forRequest({ userId: 'olga' })
      .webhooks.list({ tenantId })
      .catch((caught: unknown) => caught);
    expect(isForbiddenError(error)).toBe(true);
    expect(hook.received).toHaveLength(0);
  });

  it('signs with both secrets during a rotation grace period', async () => {
    const hook = await receiver([{ status: 200 }]);
    const { tenantry } = tenantryFor(hook.origin);
    const tenantId = await tenantWith(tenantry, 'alice');
    const scope = tenantry.forRequest({ userId: 'alice' });
    const created = await scope.webhooks.create({ tenantId, url: hook.url, events: ['tenant_membership.added'] });
    const rotated = await scope.webhooks.rotateSecret({ tenantId, endpointId: created.id });
    expect(rotated.secret).not.toBe(created.secret);
    await tenantry.as(bootstrap).members.add({ tenantId, userId: 'bob', role: 'operator' });
    await tenantry.webhooks.deliverDue();
    const [{ headers, body }] = hook.received as [Received];
    expect(String(headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(() => verifyWebhook({ secret: created.secret, headers, body })).not.toThrow();
    expect(() => verifyWebhook({ secret: rotated.secret, headers, body })).not.toThrow();
  });

  it('a worker started with startDeliveryWorker delivers and stops gracefully', async () => {
    const hook = await receiver([{ status: 200 }]);
    const { tenantry } = tenantryFor(hook.origin);
    const tenantId = await tenantWith(tenantry, 'alice');
    await tenantry.forRequest({ userId: 'alice' }).webhooks.create({ tenantId, url: hook.url, events: ['tenant_membership.added'] });
    const worker = tenantry.webhooks.startDeliveryWorker({ concurrency: 2, pollMs: 10 });
    for (const userId of ['u1', 'u2', 'u3']) await tenantry.as(bootstrap).members.add({ tenantId, userId, role: 'operator' });
    await expect.poll(() => hook.received.length, { timeout: 5_000 }).toBe(3);
    await worker.stop();
  });
});
