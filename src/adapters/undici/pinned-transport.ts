import type { LookupAddress, LookupOptions } from 'node:dns';
import { Agent, request } from 'undici';
import type { WebhookRequest, WebhookResponse, WebhookTransport } from '../../core/webhooks/transport.js';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `net.connect` lookup that answers every query with the one vetted
 * address, whatever name is asked: DNS is never consulted again, so a
 * rebinding answer cannot reach the socket. Node asks with `all: true` when
 * it races address families, hence both answer shapes.
 */
function pinnedLookup(address: string, family: 4 | 6) {
  return function lookupPinned(_host: string, options: LookupOptions, callback: LookupCallback): void {
    if (options.all === true) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

/** One response header's first value. */
function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads at most `limit` bytes of `body`, then stops reading (the rest is destroyed with the connection). */
async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const room = limit - size;
    chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    size += Math.min(chunk.length, room);
    if (size >= limit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The default {@link WebhookTransport}: one undici `Agent` per request whose
 * `connect.lookup` only returns the pinned address; `maxRedirections: 0`,
 * so a 3xx answer comes back as it is (with its `Location`): following it
 * is the caller's choice, after checking the new URL (see `redirects`). The TLS server
 * name and `Host` stay the URL's host, so certificates are checked against
 * the name the tenant entered.
 */
export function pinnedTransport(): WebhookTransport {
  return async function sendPinned(req: WebhookRequest): Promise<WebhookResponse> {
    const agent = new Agent({
      connect: { lookup: pinnedLookup(req.address, req.family), timeout: req.timeoutMs },
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
      pipelining: 0,
    });
    const signal = AbortSignal.timeout(req.timeoutMs);
    try {
      const response = await request(req.url, {
        method: 'POST',
        headers: req.headers,
        body: req.body,
        dispatcher: agent,
        maxRedirections: 0,
        signal,
      });
      const body = await readCapped(response.body, req.maxResponseBytes);
      return { status: response.statusCode, retryAfter: header(response.headers, 'retry-after'), location: header(response.headers, 'location'), body };
    } finally {
      // destroy, not close: a half-read body must not keep the socket (or the worker) waiting.
      await agent.destroy();
    }
  };
}
