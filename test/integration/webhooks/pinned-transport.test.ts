import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pinnedTransport, type WebhookRequest } from 'tenantry';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const servers: Server[] = [];

/** A receiver on 127.0.0.1 (the only address any test connects to). */
async function receiver(handler: Handler): Promise<{ port: number; hosts: string[] }> {
  const hosts: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      hosts.push(req.headers.host ?? '');
      handler(req, res, body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, hosts };
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

function requestTo(url: string, overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  return {
    url: new URL(url),
    address: '127.0.0.1',
    family: 4,
    headers: { 'content-type': 'application/json', 'webhook-id': 'evt_1' },
    body: '{"ok":true}',
    timeoutMs: 2_000,
    maxResponseBytes: 1024,
    ...overrides,
  };
}

describe('pinnedTransport', () => {
  it('connects to the pinned address whatever the host name resolves to, keeping the name for Host', async () => {
    const { port, hosts } = await receiver((_req, res, body) => res.writeHead(200).end(`got ${body}`));
    // `rebind.invalid` cannot resolve anywhere: reaching the receiver proves DNS was never asked.
    const response = await pinnedTransport()(requestTo(`http://rebind.invalid:${port}/hook`));
    expect(response).toEqual({ status: 200, retryAfter: undefined, body: 'got {"ok":true}' });
    expect(hosts).toEqual([`rebind.invalid:${port}`]);
  });

  it('never follows a redirect', async () => {
    let hits = 0;
    const { port } = await receiver((_req, res) => {
      hits += 1;
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
    });
    const response = await pinnedTransport()(requestTo(`http://127.0.0.1:${port}/`));
    expect(response.status).toBe(302);
    expect(hits).toBe(1);
  });

  it('reads at most maxResponseBytes of the body and passes Retry-After on', async () => {
    const { port } = await receiver((_req, res) => res.writeHead(429, { 'retry-after': '7' }).end('x'.repeat(100_000)));
    const response = await pinnedTransport()(requestTo(`http://127.0.0.1:${port}/`, { maxResponseBytes: 10 }));
    expect(response).toEqual({ status: 429, retryAfter: '7', body: 'xxxxxxxxxx' });
  });

  it('times out a receiver that hangs', async () => {
    const { port } = await receiver(() => undefined);
    const error: unknown = await pinnedTransport()(requestTo(`http://127.0.0.1:${port}/`, { timeoutMs: 200 })).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    // The abort signal's TimeoutError, or undici's own headers timeout: either way a timeout, never a response.
    expect((error as Error).name).toMatch(/Timeout|Abort/);
  });

  it('rejects on a refused connection', async () => {
    const { port } = await receiver((_req, res) => res.end());
    await new Promise((resolve) => servers.pop()?.close(resolve));
    await expect(pinnedTransport()(requestTo(`http://127.0.0.1:${port}/`))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
