import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  isForbiddenError,
  isNotFoundError,
  isTooManyAttemptsError,
  isUnsafeUrlError,
  pinnedTransport,
  verifyWebhook,
  type ResolvedAddress,
  type WebhookRequest,
  type WebhookTransport,
  type WebhooksOptions,
} from 'tenantry';
import { bootstrap, setup, tenantWith } from '../../support/catalog.js';

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly hang?: boolean;
}

const servers: Server[] = [];

/** A receiver on 127.0.0.1 answering `answer(path)`. No test touches another address. */
async function receiver(answer: (path: string) => Answer = () => ({ status: 200 })) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body });
      const reply = answer(path);
      if (reply.hang === true) return;
      res.writeHead(reply.status, reply.headers).end(reply.body ?? 'ok');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { port, origin: `http://127.0.0.1:${port}`, received };
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

/** The real pinned transport, recording where each request was pinned to. */
function recording(): { transport: WebhookTransport; sent: WebhookRequest[] } {
  const sent: WebhookRequest[] = [];
  const real = pinnedTransport();
  return {
    sent,
    transport: (request) => {
      sent.push(request);
      return real(request);
    },
  };
}

/** A resolver answering from `answers` per host name; a host answered differently later plays DNS rebinding. */
function resolverOf(answers: Map<string, readonly ResolvedAddress[]>) {
  return (host: string) => Promise.resolve(answers.get(host) ?? []);
}

function world(webhooks: Partial<WebhooksOptions<'tenant.manage'>> & Pick<WebhooksOptions<'tenant.manage'>, 'transport'>) {
  return setup({
    webhooks: {
      manage: 'tenant.manage',
      keyring: { current: 'k1', keys: { k1: randomBytes(32).toString('base64') } },
      delivery: { timeoutMs: 500, maxResponseBytes: 64 },
      ...webhooks,
    },
  });
}

describe('webhooks.test (SEC-005)', () => {
  it('sends a signed webhook.test through the pinned transport and reports status, duration and truncated body, never the address', async () => {
    const hook = await receiver(() => ({ status: 202, body: 'x'.repeat(500) }));
    const { transport, sent } = recording();
    // A host name resolved by the test resolver to the loopback receiver; only its origin is allowlisted.
    const origin = `http://receiver.example.test:${hook.port}`;
    const { tenantry } = world({
      transport,
      urlPolicy: { allowlist: [origin] },
      resolver: resolverOf(new Map([['receiver.example.test', [{ address: '127.0.0.1', family: 4 }]]])),
    });
    const tenantId = await tenantWith(tenantry, 'alice');
    const scope = tenantry.forRequest({ userId: 'alice' });
    const endpoint = await scope.webhooks.create({ tenantId, url: `${origin}/hooks`, events: ['tenant_membership.added'] });
    const result = await scope.webhooks.test({ tenantId, endpointId: endpoint.id });
    expect(result).toMatchObject({ ok: true, status: 202, body: 'x'.repeat(64), errorClass: null });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(result)).not.toContain('127.0.0.1');
    // Pinned to the vetted address, with the host name kept for Host.
    expect(sent.map((request) => [request.address, request.url.host])).toEqual([['127.0.0.1', `receiver.example.test:${hook.port}`]]);
    const [{ headers, body }] = hook.received as [Received];
    const verified = verifyWebhook({ secret: endpoint.secret, headers, body });
    expect(verified.id).toBe(result.eventId);
    expect(JSON.parse(body)).toMatchObject({ type: 'webhook.test', version: 1, tenantId, data: { endpointId: endpoint.id } });
    // A ping is no delivery: nothing in the outbox or the log.
    expect(await scope.webhooks.deliveries({ tenantId })).toEqual([]);
    const audit = await tenantry.as(bootstrap).audit.list({ tenantId });
    const entry = audit.items.find((item) => item.action === 'webhook_endpoint.test');
    expect(entry?.metadata).toEqual({ endpointId: endpoint.id, outcome: 'ok', status: 202, errorClass: null });
    expect(JSON.stringify(audit.items)).not.toContain('127.0.0.1');
  });

  it('re-resolves at ping time: a host that now resolves inside is refused with UnsafeUrlError before any connection, and audited', async () => {
    const { transport, sent } = recording();
    const answers = new Map<string, readonly ResolvedAddress[]>([['hooks.example.test', [{ address: '192.0.2.10', family: 4 }]]]);
    const { tenantry } = world({ transport, resolver: resolverOf(answers) });
    const tenantId = await tenantWith(tenantry, 'alice');
    const scope = tenantry.forRequest({ userId: 'alice' });
    const endpoint = await scope.webhooks.create({ tenantId, url: 'https://hooks.example.test/hooks', events: ['tenant_membership.added'] });
    for (const inside of ['10.0.0.5', '127.0.0.1', '169.254.169.254', '::ffff:127.0.0.1', 'fd00::1']) {
      answers.set('hooks.example.test', [
        { address: '192.0.2.10', family: 4 },
        { address: inside, family: inside.includes(':') ? 6 : 4 },
      ]);
      const error = await scope.webhooks.test({ tenantId, endpointId: endpoint.id }).catch((caught: unknown) => caught);
      expect(isUnsafeUrlError(error)).toBe(true);
      expect(String((error as Error).message)).not.toContain(inside);
    }
    expect(sent).toEqual([]);
    const audit = await tenantry.as(bootstrap).audit.list({ tenantId });
    const refused = audit.items.filter((item) => item.action === 'webhook_endpoint.test');
    expect(refused).toHaveLength(5);
    expect(refused[0]?.metadata).toEqual({ endpointId: endpoint.id, outcome: 'refused', reason: 'address_not_allowed' });
  });

  it('needs the managing capability, 404s for another tenant endpoint, and is rate limited per endpoint', async () => {
    const hook = await receiver();
    const { transport, sent } = recording();
    const { tenantry } = world({ transport, urlPolicy: { allowlist: [hook.origin] }, test: { limit: 2, windowMs: 60_000 } });
    const tenantId = await tenantWith(tenantry, 'alice', { olga: 'operator' });
    const other = await tenantWith(tenantry, 'bruno');
    const scope = tenantry.forRequest({ userId: 'alice' });
    const endpoint = await scope.webhooks.create({ tenantId, url: `${hook.origin}/a`, events: ['tenant_membership.added'] });
    const second = await scope.webhooks.create({ tenantId, url: `${hook.origin}/b`, events: ['tenant_membership.added'] });
    const forbidden = await tenantry
      .forRequest({ userId: 'olga' })
      .webhooks.test({ tenantId, endpointId: endpoint.id })
      .catch((caught: unknown) => caught);
    expect(isForbiddenError(forbidden)).toBe(true);
    const elsewhere = await tenantry
      .forRequest({ userId: 'bruno' })
      .webhooks.test({ tenantId: other, endpointId: endpoint.id })
      .catch((caught: unknown) => caught);
    expect(isNotFoundError(elsewhere)).toBe(true);
    expect(sent).toEqual([]);
    await scope.webhooks.test({ tenantId, endpointId: endpoint.id });
    await scope.webhooks.test({ tenantId, endpointId: endpoint.id });
    const limited = await scope.webhooks.test({ tenantId, endpointId: endpoint.id }).catch((caught: unknown) => caught);
    expect(isTooManyAttemptsError(limited)).toBe(true);
    // The limit is per endpoint.
    expect((await scope.webhooks.test({ tenantId, endpointId: second.id })).ok).toBe(true);
    expect(hook.received.map((r) => r.path)).toEqual(['/a', '/a', '/b']);
  });

  it('reports a receiver that hangs as a timeout, with no status', async () => {
    const hook = await receiver(() => ({ status: 200, hang: true }));
    const { tenantry } = world({ transport: pinnedTransport(), urlPolicy: { allowlist: [hook.origin] } });
    const tenantId = await tenantWith(tenantry, 'alice');
    const scope = tenantry.forRequest({ userId: 'alice' });
    const endpoint = await scope.webhooks.create({ tenantId, url: `${hook.origin}/slow`, events: ['tenant_membership.added'] });
    expect(await scope.webhooks.test({ tenantId, endpointId: endpoint.id })).toMatchObject({ ok: false, status: null, body: null, errorClass: 'timeout' });
  });
});

describe('redirects', () => {
  async function redirecting() {
    const target = await receiver(() => ({ status: 200 }));
    const source = await receiver((path) => {
      if (path === '/to-allowed') return { status: 307, headers: { location: `${target.origin}/landed` } };
      if (path === '/to-inside') return { status: 308, headers: { location: 'http://internal.example.test/admin' } };
      if (path === '/to-metadata') return { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data' } };
      return { status: 301, headers: { location: '/loop' } };
    });
    return { source, target };
  }

  function redirectWorld(source: { origin: string }, target: { origin: string }, follow: number | undefined) {
    const { transport, sent } = recording();
    const resolver = resolverOf(new Map([['internal.example.test', [{ address: '10.1.2.3', family: 4 }]]]));
    const made = world({
      transport,
      resolver,
      // http is allowed so that the unsafe targets are refused for their address, not their scheme.
      urlPolicy: { allowHttp: true, allowlist: [source.origin, target.origin] },
      ...(follow === undefined ? {} : { redirects: { follow } }),
    });
    return { ...made, sent };
  }

  it('are not followed by default: the 3xx is the answer', async () => {
    const { source, target } = await redirecting();
    const { tenantry } = redirectWorld(source, target, undefined);
    const tenantId = await tenantWith(tenantry, 'alice');
    const scope = tenantry.forRequest({ userId: 'alice' });
    const endpoint = await scope.webhooks.create({ tenantId, url: `${source.origin}/to-allowed`, events: ['tenant_membership.added'] });
    expect(await scope.webhooks.test({ tenantId, endpointId: endpoint.id })).toMatchObject({ ok: false, status: 307 });
    await tenantry.as(bootstrap).members.add({ tenantId, userId: 'bob', role: 'operator' });
    await tenantry.webhooks.deliverDue();
    expect((await scope.webhooks.deliveries({ tenantId }))[0]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(target.received).toEqual([]);
  });

  it('with follow, each hop to an allowed target is re-resolved, pinned and gets the same signed body', async () => {
    const { source, target } = await redirecting();
    const { tenantry, sent } = redirectWorld(source, target, 2);
    const tenantId = await tenantWith(tenantry, 'alice');
    const scope = tenantry.forRequest({ userId: 'alice' });
    const endpoint = await scope.webhooks.create({ tenantId, url: `${source.origin}/to-allowed`, events: ['tenant_membership.added'] });
    expect(await scope.webhooks.test({ tenantId, endpointId: endpoint.id })).toMatchObject({ ok: true, status: 200 });
    await tenantry.as(bootstrap).members.add({ tenantId, userId: 'bob', role: 'operator' });
    await tenantry.webhooks.deliverDue();
    expect((await scope.webhooks.deliveries({ tenantId }))[0]).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(target.received.map((r) => r.path)).toEqual(['/landed', '/landed']);
    for (const { headers, body } of target.received) expect(() => verifyWebhook({ secret: endpoint.secret, headers, body })).not.toThrow();
    expect(sent.map((request) => request.url.pathname)).toEqual(['/to-allowed', '/landed', '/to-allowed', '/landed']);
  });

  it('with follow, a hop to an unsafe target is refused before connecting (ping: UnsafeUrlError; delivery: retried, nothing sent there)', async () => {
    const { source, target } = await redirecting();
    const { tenantry, sent } = redirectWorld(source, target, 2);
    const tenantId = await tenantWith(tenantry, 'alice');
    const scope = tenantry.forRequest({ userId: 'alice' });
    for (const path of ['/to-inside', '/to-metadata']) {
      const endpoint = await scope.webhooks.create({ tenantId, url: `${source.origin}${path}`, events: ['tenant_membership.added'] });
      const error = await scope.webhooks.test({ tenantId, endpointId: endpoint.id }).catch((caught: unknown) => caught);
      expect(isUnsafeUrlError(error)).toBe(true);
      expect(String((error as Error).message)).not.toContain('10.1.2.3');
    }
    await tenantry.as(bootstrap).members.add({ tenantId, userId: 'bob', role: 'operator' });
    expect(await tenantry.webhooks.deliverDue()).toBe(2);
    expect((await scope.webhooks.deliveries({ tenantId })).map((d) => d.status)).toEqual(['pending', 'pending']);
    // Only the loopback source was ever connected to.
    expect(new Set(sent.map((request) => request.address))).toEqual(new Set(['127.0.0.1']));
    expect(sent.every((request) => request.url.origin === source.origin)).toBe(true);
  });

  it('past the allowed hops the 3xx is returned as it is', async () => {
    const { source, target } = await redirecting();
    const { tenantry, sent } = redirectWorld(source, target, 2);
    const tenantId = await tenantWith(tenantry, 'alice');
    const scope = tenantry.forRequest({ userId: 'alice' });
    const endpoint = await scope.webhooks.create({ tenantId, url: `${source.origin}/loop`, events: ['tenant_membership.added'] });
    expect(await scope.webhooks.test({ tenantId, endpointId: endpoint.id })).toMatchObject({ ok: false, status: 301 });
    expect(sent).toHaveLength(3);
  });
});
