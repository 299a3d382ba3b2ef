import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coalesce, decode, encodeBatch, encodeProbe } from '../../../src/adapters/buses/wire-format.js';
import type { InvalidationMessage } from '../../../src/core/invalidation/invalidation-bus.js';

const id = (max: number) => fc.string({ minLength: 1, maxLength: max, unit: 'binary' });
const message: fc.Arbitrary<InvalidationMessage> = fc.oneof(
  fc.record({ topic: fc.constant('grants' as const), tenantId: id(64) }),
  fc.record({ topic: fc.constant('membership' as const), tenantId: id(64) }),
  fc.record({ topic: fc.constant('membership' as const), tenantId: id(64), userId: id(255) }),
);
const bytes = (text: string) => new TextEncoder().encode(text).length;

describe('bus wire format', () => {
  it('every batch decodes to its messages, in order, in payloads within the limit', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 200 }), fc.integer({ min: 1500, max: 8000 }), (messages, limit) => {
        const payloads = encodeBatch('origin-1', messages, limit);
        for (const payload of payloads) expect(bytes(payload)).toBeLessThanOrEqual(limit);
        const decoded = payloads.flatMap((payload) => {
          const result = decode(payload);
          if (result?.kind !== 'messages' || result.origin !== 'origin-1') throw new Error(`not a batch: ${payload}`);
          return result.messages;
        });
        expect(decoded).toEqual(messages);
      }),
    );
  });

  it('a burst on one tenant becomes one tenant-wide entry plus the other topics, without repeats', () => {
    const burst: InvalidationMessage[] = [
      { topic: 'membership', tenantId: 't1', userId: 'u1' },
      { topic: 'membership', tenantId: 't1', userId: 'u1' },
      { topic: 'grants', tenantId: 't1' },
      { topic: 'membership', tenantId: 't1' },
      { topic: 'membership', tenantId: 't1', userId: 'u2' },
      { topic: 'grants', tenantId: 't1' },
      { topic: 'membership', tenantId: 't2', userId: 'u1' },
    ];
    expect(coalesce(burst)).toEqual([
      { topic: 'grants', tenantId: 't1' },
      { topic: 'membership', tenantId: 't1' },
      { topic: 'membership', tenantId: 't2', userId: 'u1' },
    ]);
  });

  it('coalescing never loses an invalidation: every message is covered by one kept', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 50 }), (messages) => {
        const kept = coalesce(messages);
        for (const m of messages) {
          const covered = kept.some(
            (k) => k.topic === m.topic && k.tenantId === m.tenantId && (k.userId === m.userId || (k.topic === 'membership' && k.userId === undefined)),
          );
          expect(covered).toBe(true);
        }
      }),
    );
  });

  it('probes round-trip; foreign or malformed payloads are not read', () => {
    expect(decode(encodeProbe('o', 'n'))).toEqual({ kind: 'probe', origin: 'o', nonce: 'n' });
    for (const foreign of [
      '',
      'hello',
      '[]',
      'null',
      '{"v":2,"o":"o","m":[]}',
      '{"v":1,"m":[]}',
      '{"v":1,"o":"o","m":[["x","t"]]}',
      '{"v":1,"o":"o","m":[["m",1]]}',
    ])
      expect(decode(foreign)).toBeUndefined();
  });
});
