import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, isStorageUnavailableError, NotFoundError } from '../../../src/core/errors/index.js';
import { memoryStore } from '../../../src/memory.js';
import { defineStore, isStore } from '../../../src/store/define-store.js';
import type { ConsumeRequest, ConsumeResult, CounterTarget, ReleaseRequest } from '../../../src/store/entitlement-records.js';
import type { StorageFailure, StoreAdapter, TransactionOptions } from '../../../src/store/store-adapter.js';
import { STORE_OPERATIONS, type StoreOperations } from '../../../src/store/store-operations.js';

const at = new Date('2024-03-01T00:00:00.000Z');

/** An adapter whose every operation resolves `undefined`, with `overrides` on top; its transactions run on its own operations. */
function fakeAdapter(overrides: Partial<StoreAdapter> = {}): StoreAdapter {
  const operations = Object.fromEntries(STORE_OPERATIONS.map((name) => [name, () => Promise.resolve(undefined)])) as unknown as StoreOperations;
  const adapter: StoreAdapter = {
    ...operations,
    name: 'fake',
    transaction: (work) => work(adapter),
    ...overrides,
  };
  return adapter;
}

const target = (featureKey: string, namespace = '', windowStart = at, limit: number | 'unlimited' = 10): CounterTarget => ({
  featureKey,
  namespace,
  windowStart,
  limit,
});
const consumeRequest = (counters: readonly CounterTarget[]): ConsumeRequest => ({ tenantId: 't', amount: 1, counters, now: at });

describe('defineStore', () => {
  it('wraps every operation of STORE_OPERATIONS, keeps the name and marks the store', () => {
    const store = defineStore(fakeAdapter());
    for (const name of STORE_OPERATIONS) expect(typeof store[name], name).toBe('function');
    expect(store.name).toBe('fake');
    expect(isStore(store)).toBe(true);
    expect(isStore({ ...store })).toBe(true);
    expect(isStore(fakeAdapter())).toBe(false);
    expect(isStore(memoryStore())).toBe(true);
    expect(isStore(null)).toBe(false);
  });

  it('refuses an adapter without an operation, a name or transaction, naming what is missing', () => {
    const partial: Partial<StoreAdapter> = { ...fakeAdapter() };
    delete partial.consume;
    delete partial.hitRateLimit;
    expect(() => defineStore(partial as StoreAdapter)).toThrow(ConfigurationError);
    expect(() => defineStore(partial as StoreAdapter)).toThrow(/"consume", "hitRateLimit"/);
    expect(() => defineStore({ ...fakeAdapter(), name: '' })).toThrow(/name/);
    expect(() => defineStore({ ...fakeAdapter(), transaction: undefined as never })).toThrow(/"transaction"/);
    expect(() => defineStore(undefined as never)).toThrow(ConfigurationError);
  });

  it('classifies once: tenantry errors pass, classified failures become StorageUnavailableError, anything else surfaces as itself', async () => {
    const outage = Object.assign(new Error('reset'), { code: 'ECONNRESET' });
    const bug = new TypeError('bug');
    const notFound = new NotFoundError();
    const cause = new Error('sanitized');
    const classifyError = (error: unknown): StorageFailure | undefined => (error === outage ? { reason: 'connection_lost', cause } : undefined);
    const failingWith = (error: Error) =>
      defineStore(
        fakeAdapter({
          findTenant: () => Promise.reject(error),
          // A synchronous throw is a rejection too.
          findMembership: () => {
            throw error;
          },
          classifyError,
        }),
      );
    const unavailable = await failingWith(outage)
      .findTenant('t')
      .catch((error: unknown) => error);
    expect(isStorageUnavailableError(unavailable) && unavailable.reason).toBe('connection_lost');
    expect((unavailable as Error).cause).toBe(cause);
    expect((unavailable as Error).message).toBe('The fake backend is unavailable (connection_lost).');
    await expect(failingWith(outage).findMembership('t', 'u')).rejects.toMatchObject({ code: 'storage_unavailable' });
    await expect(failingWith(bug).findTenant('t')).rejects.toBe(bug);
    await expect(failingWith(bug).findMembership('t', 'u')).rejects.toBe(bug);
    await expect(failingWith(notFound).findTenant('t')).rejects.toBe(notFound);
    // Without a classifier nothing is a backend failure.
    await expect(defineStore(fakeAdapter({ findTenant: () => Promise.reject(outage) })).findTenant('t')).rejects.toBe(outage);
  });

  it("passes work's own errors through untouched, and classifies the adapter's own failures to begin or commit", async () => {
    const outage = new Error('outage');
    const classifyError = (error: unknown): StorageFailure | undefined => (error === outage ? { reason: 'unreachable' } : undefined);
    const store = defineStore(fakeAdapter({ classifyError }));
    // The host's error is never reclassified, even one the classifier would recognise.
    await expect(store.transaction(() => Promise.reject(outage))).rejects.toBe(outage);
    const failingBegin = defineStore(fakeAdapter({ classifyError, transaction: () => Promise.reject(outage) }));
    await expect(failingBegin.transaction(() => Promise.resolve())).rejects.toMatchObject({ code: 'storage_unavailable', reason: 'unreachable' });
    // An operation's outage inside work is classified once, by the operation.
    const failingOp = defineStore(fakeAdapter({ classifyError, findTenant: () => Promise.reject(outage) }));
    await expect(failingOp.transaction((tx) => tx.findTenant('t'))).rejects.toMatchObject({ code: 'storage_unavailable' });
  });

  it('hands the adapter the transaction options, an empty object when none are given', async () => {
    const seen: TransactionOptions[] = [];
    const operations = fakeAdapter();
    const store = defineStore(fakeAdapter({ transaction: (work, options) => (seen.push(options), work(operations)) }));
    await store.transaction(() => Promise.resolve());
    await store.transaction(() => Promise.resolve(), { tenantId: 't' });
    expect(seen).toEqual([{}, { tenantId: 't' }]);
    await expect(store.transaction(() => Promise.resolve(), { tenantId: 7 as never })).rejects.toThrow(ConfigurationError);
    await expect(store.transaction(undefined as never)).rejects.toThrow(ConfigurationError);
  });

  it("runs a transaction's operations one at a time in call order, and finishes them before the adapter ends it", async () => {
    const log: string[] = [];
    const slow = (label: string, ms: number) => async () => {
      log.push(`start ${label}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      log.push(`end ${label}`);
    };
    const inner = {
      ...fakeAdapter(),
      findTenant: slow('findTenant', 20),
      listFeatures: slow('listFeatures', 1),
      readGrants: slow('readGrants', 5),
    } as unknown as StoreOperations;
    const store = defineStore(
      fakeAdapter({
        transaction: async (work) => {
          const result = await work(inner);
          log.push('commit');
          return result;
        },
      }),
    );
    await store.transaction(async (tx) => {
      void tx.findTenant('t');
      void tx.listFeatures();
      await tx.readGrants('t');
      // Started without await: still finishes before the commit.
      void tx.findTenant('t');
    });
    expect(log).toEqual([
      'start findTenant',
      'end findTenant',
      'start listFeatures',
      'end listFeatures',
      'start readGrants',
      'end readGrants',
      'start findTenant',
      'end findTenant',
      'commit',
    ]);
  });

  it('refuses every call on a settled transaction handle with ConfigurationError', async () => {
    const store = defineStore(fakeAdapter());
    let leaked: StoreOperations | undefined;
    await store.transaction((tx) => {
      leaked = tx;
      return Promise.resolve();
    });
    for (const name of STORE_OPERATIONS) {
      await expect((leaked?.[name] as () => Promise<unknown>)(), name).rejects.toThrow('This transaction has already ended; use the store, not tx.');
    }
  });
});

describe('defineStore: counters in lock order', () => {
  /** A store whose adapter records the counters it receives and answers `consumed` with each counter's index in what it received. */
  function recording() {
    const received: (readonly CounterTarget[])[] = [];
    const answer = (counters: readonly CounterTarget[]) => counters.map((_, i) => ({ before: i, after: i + 1 }));
    const store = defineStore(
      fakeAdapter({
        consume: (request) => {
          received.push(request.counters);
          return Promise.resolve({ outcome: 'consumed', counters: answer(request.counters) });
        },
        release: (request: ReleaseRequest) => {
          received.push(request.counters);
          return Promise.resolve({ outcome: 'insufficient', index: 0, used: 0 });
        },
      }),
    );
    return { store, received };
  }

  it('passes a request already in lock order as it is', async () => {
    const { store, received } = recording();
    const request = consumeRequest([target('a'), target('a', 'n'), target('b', '', new Date(0)), target('b')]);
    await store.consume(request);
    expect(received[0]).toBe(request.counters);
  });

  it('orders by feature key, namespace and window start in code units, and maps the answer back', async () => {
    const { store, received } = recording();
    // 'Z' < 'a' < 'é' < '😀' in UTF-16 code units.
    const counters = [target('😀'), target('a', 'ns'), target('é'), target('a', '', new Date(at.getTime() + 1)), target('Z'), target('a')];
    const result = await store.consume(consumeRequest(counters));
    expect(received[0]?.map((c) => `${c.featureKey}/${c.namespace}/${String(c.windowStart.getTime() - at.getTime())}`)).toEqual([
      'Z//0',
      'a//0',
      'a//1',
      'a/ns/0',
      'é//0',
      '😀//0',
    ]);
    // Counter i of the caller's request was the adapter's counter at the position shown.
    expect(result).toEqual({ outcome: 'consumed', counters: [5, 3, 4, 2, 0, 1].map((k) => ({ before: k, after: k + 1 })) });
    expect(await store.release({ tenantId: 't', amount: 1, counters })).toEqual({ outcome: 'insufficient', index: 4, used: 0 });
  });

  it('refuses a counter named twice with ConfigurationError, before the adapter sees the request', async () => {
    const { store, received } = recording();
    await expect(store.consume(consumeRequest([target('a'), target('b'), target('a', '', new Date(at.getTime()), 'unlimited')]))).rejects.toThrow(
      ConfigurationError,
    );
    await expect(store.consume(consumeRequest([target('a'), target('a')]))).rejects.toThrow(/counters 0 and 1 are the same counter/);
    await expect(store.release({ tenantId: 't', amount: 1, counters: [target('b'), target('a'), target('b')] })).rejects.toThrow(/counters 0 and 2/);
    expect(received).toEqual([]);
  });

  it('property: whatever the caller order, the adapter sees lock order and every answer comes back at its caller index', async () => {
    const counterArb = fc.record({
      featureKey: fc.constantFrom('a', 'b', 'B', 'é', '😀'),
      namespace: fc.constantFrom('', 'x', 'X'),
      windowStart: fc.constantFrom(new Date(0), at),
      limit: fc.oneof(fc.nat({ max: 50 }), fc.constant('unlimited' as const)),
    });
    const key = (c: CounterTarget) => JSON.stringify([c.featureKey, c.namespace, c.windowStart.getTime()]);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(counterArb, { selector: key, minLength: 1, maxLength: 8 }), fc.nat(), fc.nat(), async (counters, exceededAt, replay) => {
        let seen: readonly CounterTarget[] = [];
        // Each change and limit names its counter, so a wrong mapping shows.
        const byKey = (c: CounterTarget) => counters.findIndex((x) => key(x) === key(c));
        const store = defineStore(
          fakeAdapter({
            consume: (request): Promise<ConsumeResult> => {
              seen = request.counters;
              const changes = request.counters.map((c) => ({ before: byKey(c), after: byKey(c) }));
              if (replay % 3 === 0) return Promise.resolve({ outcome: 'replayed', counters: changes, limits: request.counters.map((c) => c.limit) });
              if (replay % 3 === 1) return Promise.resolve({ outcome: 'consumed', counters: changes });
              const index = exceededAt % request.counters.length;
              return Promise.resolve({ outcome: 'exceeded', index, used: byKey(request.counters[index]!) });
            },
          }),
        );
        const result = await store.consume(consumeRequest(counters));
        const sorted = [...seen].map(key);
        expect(sorted).toEqual(
          [...counters]
            .sort((x, y) =>
              x.featureKey < y.featureKey
                ? -1
                : x.featureKey > y.featureKey
                  ? 1
                  : x.namespace < y.namespace
                    ? -1
                    : x.namespace > y.namespace
                      ? 1
                      : x.windowStart.getTime() - y.windowStart.getTime(),
            )
            .map(key),
        );
        if (result.outcome === 'exceeded') expect(result.used).toBe(result.index);
        else if (result.outcome === 'consumed' || result.outcome === 'replayed') {
          expect(result.counters.map((c) => c.before)).toEqual(counters.map((_, i) => i));
          if (result.outcome === 'replayed') expect(result.limits).toEqual(counters.map((c) => c.limit));
        }
      }),
      { seed: 20240301 },
    );
  });
});
