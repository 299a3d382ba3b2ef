import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { IdempotentResponseRecord } from '../../store.js';
import type { ResolvedResponseReplayOptions } from './response-replay-options.js';

type Chunk = string | Uint8Array;

function toBytes(chunk: Chunk, encoding: unknown): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk);
}

/** The allowlisted headers of `headers`, lower-case names, one entry per value. */
function allowlisted(headers: OutgoingHttpHeaders, allow: ReadonlySet<string>): [string, string][] {
  const kept: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!allow.has(lower) || value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) kept.push([lower, String(one)]);
  }
  return kept;
}

/** Headers passed to `writeHead` as an object or as Node's flat `[name, value, ...]` array. */
function headersArgument(value: unknown): OutgoingHttpHeaders {
  if (Array.isArray(value)) {
    const headers: OutgoingHttpHeaders = {};
    for (let index = 0; index + 1 < value.length; index += 2) headers[String(value[index]).toLowerCase()] = value[index + 1] as string;
    return headers;
  }
  return typeof value === 'object' && value !== null ? (value as OutgoingHttpHeaders) : {};
}

/**
 * Records what a handler writes to `raw` (status, allowlisted headers,
 * body up to `options.maxBodyBytes`) and calls `onComplete` once with it,
 * when the handler ends the response. Works for Express and Fastify alike:
 * both write through Node's `ServerResponse` (`writeHead`, `write`, `end`;
 * an implicit header goes through `writeHead` too), and the wrappers pass
 * every call on unchanged, so the first client gets exactly what it would
 * have without the helper. A body over the cap is recorded as `null`.
 */
export function captureResponse(raw: ServerResponse, options: ResolvedResponseReplayOptions, onComplete: (response: IdempotentResponseRecord) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  let status = 200;
  let headers: [string, string][] = [];
  let headWritten = false;
  let completed = false;
  const append = (chunk: unknown, encoding: unknown) => {
    if (tooLarge || (typeof chunk !== 'string' && !(chunk instanceof Uint8Array))) return;
    const bytes = toBytes(chunk, encoding);
    size += bytes.byteLength;
    if (size > options.maxBodyBytes) {
      tooLarge = true;
      chunks.length = 0;
    } else chunks.push(bytes);
  };
  // The originals, called with the response as `this`, as Node calls them.
  type Original = (this: ServerResponse, ...args: unknown[]) => unknown;
  const writeHead = raw.writeHead.bind(raw) as unknown as Original;
  const write = raw.write.bind(raw) as unknown as Original;
  const end = raw.end.bind(raw) as unknown as Original;
  raw.writeHead = function capturedWriteHead(this: ServerResponse, statusCode: number, ...rest: unknown[]) {
    if (!headWritten) {
      headWritten = true;
      status = statusCode;
      const given = headersArgument(typeof rest[0] === 'string' ? rest[1] : rest[0]);
      headers = allowlisted({ ...this.getHeaders(), ...given }, options.headers);
    }
    return writeHead.call(this, statusCode, ...rest);
  } as ServerResponse['writeHead'];
  raw.write = function capturedWrite(this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    append(chunk, rest[0]);
    return write.call(this, chunk, ...rest);
  } as ServerResponse['write'];
  raw.end = function capturedEnd(this: ServerResponse, ...args: unknown[]) {
    if (typeof args[0] !== 'function') append(args[0], args[1]);
    const result = end.apply(this, args);
    if (!completed) {
      completed = true;
      if (!headWritten) {
        status = this.statusCode;
        headers = allowlisted(this.getHeaders(), options.headers);
      }
      onComplete(Object.freeze({ status, headers, body: tooLarge ? null : new Uint8Array(Buffer.concat(chunks)) }));
    }
    return result;
  } as ServerResponse['end'];
}
