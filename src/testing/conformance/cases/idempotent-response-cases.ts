import assert from 'node:assert/strict';
import type { IdempotentResponseRecord } from '../../../store/idempotent-response-operations.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { EntitlementFixtures } from '../entitlement-fixtures.js';

const T0 = new Date('2024-01-15T10:00:00.000Z');
const T1 = new Date('2024-01-16T10:00:00.000Z');

/** Every byte value, NUL and bytes that are not UTF-8 included: the body is bytes, never text. */
const BINARY = Uint8Array.from({ length: 512 }, (_, index) => (index * 7) % 256);

const RESPONSE: IdempotentResponseRecord = {
  status: 201,
  headers: [
    ['content-type', 'application/octet-stream'],
    ['etag', '"v1"'],
    ['cache-control', 'no-store'],
    ['cache-control', 'private'],
  ],
  body: BINARY,
};

/** A tenant with one consumption recorded under `key` (fingerprint `fp`), expiring at T1. */
async function recorded(store: StoreConformanceContextStore, label: string, key = 'request-1') {
  const f = new EntitlementFixtures(store);
  const tenantId = await f.seedEntitled(label);
  const consumed = await store.consume({
    tenantId,
    amount: 1,
    counters: [f.target('f', 100)],
    now: T0,
    idempotency: { key, fingerprint: 'fp', expiresAt: T1 },
  });
  assert.equal(consumed.outcome, 'consumed');
  return { f, tenantId, key };
}

type StoreConformanceContextStore = Parameters<StoreConformanceCase['run']>[0]['store'];

const plain = (response: IdempotentResponseRecord) => ({
  status: response.status,
  headers: response.headers.map(([name, value]) => [name, value]),
  body: response.body === null ? null : [...response.body],
});

/** saveIdempotentResponse / readIdempotentResponse: the response-replay helper's responses on idempotency records. */
export const idempotentResponseCases = [
  {
    name: 'a response saved on an idempotency record reads back byte for byte, headers in order; pending before, first save wins',
    async run({ store }) {
      const { tenantId, key } = await recorded(store, 'a');
      assert.deepEqual(await store.readIdempotentResponse({ tenantId, key, fingerprint: 'fp', now: T0 }), { state: 'pending' });
      assert.equal(await store.saveIdempotentResponse({ tenantId, key, fingerprint: 'fp', response: RESPONSE, now: T0 }), 'saved');
      const read = await store.readIdempotentResponse({ tenantId, key, fingerprint: 'fp', now: T0 });
      assert.deepEqual(read.state === 'stored' ? plain(read.response) : read, plain(RESPONSE));
      // Never overwritten: a second save (another run of the handler after all) changes nothing.
      const other = { status: 500, headers: [], body: new Uint8Array([1]) };
      assert.equal(await store.saveIdempotentResponse({ tenantId, key, fingerprint: 'fp', response: other, now: T0 }), 'already_saved');
      const again = await store.readIdempotentResponse({ tenantId, key, fingerprint: 'fp', now: T0 });
      assert.deepEqual(again.state === 'stored' ? plain(again.response) : again, plain(RESPONSE));
    },
  },
  {
    name: 'an idempotent response is saved onto, and read from, only the live record of its key and fingerprint',
    async run({ store }) {
      const { f, tenantId, key } = await recorded(store, 'a');
      const other = await f.seedEntitled('b');
      assert.equal(await store.saveIdempotentResponse({ tenantId, key, fingerprint: 'fp2', response: RESPONSE, now: T0 }), 'not_found');
      assert.equal(await store.saveIdempotentResponse({ tenantId, key: 'request-2', fingerprint: 'fp', response: RESPONSE, now: T0 }), 'not_found');
      assert.equal(await store.saveIdempotentResponse({ tenantId: other, key, fingerprint: 'fp', response: RESPONSE, now: T0 }), 'not_found');
      assert.equal(await store.saveIdempotentResponse({ tenantId, key, fingerprint: 'fp', response: RESPONSE, now: T1 }), 'not_found');
      assert.deepEqual(await store.readIdempotentResponse({ tenantId, key, fingerprint: 'fp', now: T0 }), { state: 'pending' });
      assert.deepEqual(await store.readIdempotentResponse({ tenantId: other, key, fingerprint: 'fp', now: T0 }), { state: 'none' });
      assert.deepEqual(await store.readIdempotentResponse({ tenantId, key, fingerprint: 'fp2', now: T0 }), { state: 'none' });
      assert.deepEqual(await store.readIdempotentResponse({ tenantId, key: 'request-2', fingerprint: 'fp', now: T0 }), { state: 'none' });
    },
  },
  {
    name: 'an idempotent response over the cap is kept as a null body, and a 1 MiB body round-trips',
    async run({ store }) {
      const { tenantId, key } = await recorded(store, 'a');
      const tooLarge = { status: 200, headers: [['content-type', 'text/plain'] as const], body: null };
      assert.equal(await store.saveIdempotentResponse({ tenantId, key, fingerprint: 'fp', response: tooLarge, now: T0 }), 'saved');
      const read = await store.readIdempotentResponse({ tenantId, key, fingerprint: 'fp', now: T0 });
      assert.deepEqual(read.state === 'stored' ? plain(read.response) : read, { status: 200, headers: [['content-type', 'text/plain']], body: null });
      const large = await recorded(store, 'b');
      const body = Uint8Array.from({ length: 1024 * 1024 }, (_, index) => (index * 31 + 7) % 256);
      const response = { status: 200, headers: [], body };
      assert.equal(await store.saveIdempotentResponse({ tenantId: large.tenantId, key: large.key, fingerprint: 'fp', response, now: T0 }), 'saved');
      const readLarge = await store.readIdempotentResponse({ tenantId: large.tenantId, key: large.key, fingerprint: 'fp', now: T0 });
      assert.ok(readLarge.state === 'stored' && readLarge.response.body !== null);
      assert.ok(Buffer.from(readLarge.response.body).equals(Buffer.from(body)));
    },
  },
  {
    name: 'an idempotent response expires with its record, goes when the key is taken over, and is pruned with it',
    async run({ store }) {
      const { f, tenantId, key } = await recorded(store, 'a');
      assert.equal(await store.saveIdempotentResponse({ tenantId, key, fingerprint: 'fp', response: RESPONSE, now: T0 }), 'saved');
      assert.deepEqual(await store.readIdempotentResponse({ tenantId, key, fingerprint: 'fp', now: T1 }), { state: 'none' });
      // After expiry the key is free: a new consumption takes it over, without the old response.
      const later = new Date(T1.getTime() + 1000);
      const takeover = await store.consume({
        tenantId,
        amount: 1,
        counters: [f.target('f', 100)],
        now: later,
        idempotency: { key, fingerprint: 'fp-new', expiresAt: new Date(later.getTime() + 60_000) },
      });
      assert.equal(takeover.outcome, 'consumed');
      assert.deepEqual(await store.readIdempotentResponse({ tenantId, key, fingerprint: 'fp-new', now: later }), { state: 'pending' });
      // The first request's retry (old fingerprint) never sees the new request's record as its own.
      assert.deepEqual(await store.readIdempotentResponse({ tenantId, key, fingerprint: 'fp', now: later }), { state: 'none' });
      // Prune at a time after the new expiry deletes the record and its response.
      const second = await recorded(store, 'b');
      assert.equal(await store.saveIdempotentResponse({ tenantId: second.tenantId, key: second.key, fingerprint: 'fp', response: RESPONSE, now: T0 }), 'saved');
      for (;;) if ((await store.prune({ now: new Date('2024-02-01T00:00:00.000Z'), batchSize: 1000 })).idempotencyKeys === 0) break;
      assert.deepEqual(await store.readIdempotentResponse({ tenantId: second.tenantId, key: second.key, fingerprint: 'fp', now: T0 }), { state: 'none' });
    },
  },
  {
    name: 'deleting a tenant deletes its stored idempotent responses',
    async run({ store }) {
      const { tenantId, key } = await recorded(store, 'a');
      assert.equal(await store.saveIdempotentResponse({ tenantId, key, fingerprint: 'fp', response: RESPONSE, now: T0 }), 'saved');
      assert.equal(await store.deleteTenant(tenantId), true);
      assert.deepEqual(await store.readIdempotentResponse({ tenantId, key, fingerprint: 'fp', now: T0 }), { state: 'none' });
    },
  },
  {
    name: 'of 16 concurrent saves of one idempotent response exactly one is saved',
    async run({ store }) {
      const { tenantId, key } = await recorded(store, 'a');
      const responses = Array.from({ length: 16 }, (_, index) => ({ status: 200 + index, headers: [], body: new Uint8Array([index]) }));
      const results = await Promise.all(responses.map((response) => store.saveIdempotentResponse({ tenantId, key, fingerprint: 'fp', response, now: T0 })));
      assert.equal(results.filter((result) => result === 'saved').length, 1);
      assert.equal(results.filter((result) => result === 'already_saved').length, 15);
      const winner = results.indexOf('saved');
      const read = await store.readIdempotentResponse({ tenantId, key, fingerprint: 'fp', now: T0 });
      assert.deepEqual(read.state === 'stored' ? plain(read.response) : read, plain(responses[winner] ?? RESPONSE));
    },
  },
] as const satisfies readonly StoreConformanceCase[];
