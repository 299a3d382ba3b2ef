import type { InvalidationMessage } from '../../core/invalidation/invalidation-bus.js';

/**
 * The bytes on the channel. One payload is JSON: a batch of invalidations
 * `{"v":1,"o":origin,"m":[["m",tenantId,userId?],["g",tenantId]]}` or a
 * probe `{"v":1,"o":origin,"p":nonce}`. `o` (the publishing bus's random
 * origin) gives echo suppression; `p` lets a bus prove its own subscription
 * delivers. Compact on purpose: PostgreSQL caps a NOTIFY payload below 8000
 * bytes.
 */
export const WIRE_VERSION = 1;

/** A decoded payload. */
export type Decoded =
  | { readonly kind: 'messages'; readonly origin: string; readonly messages: readonly InvalidationMessage[] }
  | { readonly kind: 'probe'; readonly origin: string; readonly nonce: string };

type Entry = readonly ['m', string] | readonly ['m', string, string] | readonly ['g', string];

function entryOf(message: InvalidationMessage): Entry {
  if (message.topic === 'grants') return ['g', message.tenantId];
  return message.userId === undefined ? ['m', message.tenantId] : ['m', message.tenantId, message.userId];
}

/** The probe payload of `origin`. */
export function encodeProbe(origin: string, nonce: string): string {
  return JSON.stringify({ v: WIRE_VERSION, o: origin, p: nonce });
}

/**
 * Drops what another message of the batch already covers (duplicates, and a
 * user's membership when the whole tenant's is in the batch): under a burst
 * the batch shrinks instead of growing with repeats.
 */
export function coalesce(messages: readonly InvalidationMessage[]): InvalidationMessage[] {
  const wholeTenant = new Set(messages.filter((m) => m.topic === 'membership' && m.userId === undefined).map((m) => m.tenantId));
  const seen = new Set<string>();
  const kept: InvalidationMessage[] = [];
  for (const message of messages) {
    if (message.topic === 'membership' && message.userId !== undefined && wholeTenant.has(message.tenantId)) continue;
    const key = `${message.topic}\u0000${message.tenantId}\u0000${message.userId ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(message);
  }
  return kept;
}

/**
 * The batch as few payloads as fit `maxBytes` each (UTF-8). Ids are bounded
 * (64 and 255 characters), so one entry always fits a payload of 1 KiB or more.
 */
export function encodeBatch(origin: string, messages: readonly InvalidationMessage[], maxBytes: number): string[] {
  const head = `{"v":${WIRE_VERSION},"o":${JSON.stringify(origin)},"m":[`;
  const payloads: string[] = [];
  let body: string[] = [];
  let size = byteLength(head) + 2;
  for (const message of messages) {
    const entry = JSON.stringify(entryOf(message));
    const entrySize = byteLength(entry) + 1;
    if (body.length > 0 && size + entrySize > maxBytes) {
      payloads.push(`${head}${body.join(',')}]}`);
      body = [];
      size = byteLength(head) + 2;
    }
    body.push(entry);
    size += entrySize;
  }
  if (body.length > 0) payloads.push(`${head}${body.join(',')}]}`);
  return payloads;
}

/** The payload decoded, or `undefined` for anything this version does not read (a foreign publisher on the channel). */
export function decode(payload: string): Decoded | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { v, o, p, m } = parsed as Record<string, unknown>;
  if (v !== WIRE_VERSION || typeof o !== 'string') return undefined;
  if (typeof p === 'string') return { kind: 'probe', origin: o, nonce: p };
  if (!Array.isArray(m)) return undefined;
  const messages: InvalidationMessage[] = [];
  for (const entry of m as unknown[]) {
    const message = messageOf(entry);
    if (message === undefined) return undefined;
    messages.push(message);
  }
  return { kind: 'messages', origin: o, messages };
}

function messageOf(entry: unknown): InvalidationMessage | undefined {
  if (!Array.isArray(entry)) return undefined;
  const [topic, tenantId, userId] = entry as unknown[];
  if (typeof tenantId !== 'string') return undefined;
  if (topic === 'g' && entry.length === 2) return { topic: 'grants', tenantId };
  if (topic !== 'm') return undefined;
  if (entry.length === 2) return { topic: 'membership', tenantId };
  return entry.length === 3 && typeof userId === 'string' ? { topic: 'membership', tenantId, userId } : undefined;
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}
