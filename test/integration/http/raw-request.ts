import { connect } from 'node:net';
import type { HttpResult } from './http-cases.js';

/**
 * A request written byte for byte on a socket, for targets `fetch` and
 * `inject()` would normalize away: the absolute form
 * (`GET http://evil.example/x HTTP/1.1`), `//host/x`, `/\host/x`.
 */
export interface RawRequest {
  readonly method?: 'GET' | 'POST';
  /** The request target, exactly as it goes on the request line. */
  readonly target: string;
  /** Sent as `x-user-id`; omitted means unauthenticated. */
  readonly user?: string;
  /** Sent as the body with `content-type: application/json`, verbatim. */
  readonly json?: string;
}

/** Sends one HTTP/1.1 request over a fresh TCP connection (`Connection: close`) and reads the whole response. */
export function sendRaw(origin: string, request: RawRequest): Promise<HttpResult> {
  const { hostname, port } = new URL(origin);
  const lines = [`${request.method ?? 'GET'} ${request.target} HTTP/1.1`, `host: ${hostname}:${port}`, 'connection: close'];
  if (request.user !== undefined) lines.push(`x-user-id: ${request.user}`);
  if (request.json !== undefined) lines.push('content-type: application/json', `content-length: ${Buffer.byteLength(request.json)}`);
  const head = `${lines.join('\r\n')}\r\n\r\n`;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname, () => {
      socket.end(head + (request.json ?? ''));
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

/** Parses one response with a `content-length` body; the server closed the connection after it. */
function parseResponse(bytes: Buffer): HttpResult {
  const headEnd = bytes.indexOf('\r\n\r\n');
  if (headEnd === -1) throw new Error(`Incomplete response: ${JSON.stringify(bytes.toString('latin1'))}`);
  const [statusLine = '', ...headerLines] = bytes.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1];
  if (status === undefined) throw new Error(`Not an HTTP/1.1 status line: ${statusLine}`);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  if (headers['transfer-encoding'] !== undefined) throw new Error('A chunked response: these tests only read responses with content-length.');
  const body = bytes.subarray(headEnd + 4, headEnd + 4 + Number(headers['content-length'] ?? 0)).toString('utf8');
  return { status: Number(status), headers, body };
}
