import { describe, expect, it, vi } from 'vitest';
import { BusProbeTimeoutError, networkBus } from '../../../src/adapters/buses/network-bus.js';
import type { InvalidationBusStatus, InvalidationMessage } from '../../../src/core/invalidation/invalidation-bus.js';
import { MemoryBroker } from '../../support/memory-transport.js';

const fast = { heartbeatMs: 20, probeTimeoutMs: 30, reconnectMinMs: 1, reconnectMaxMs: 5, maxPayloadBytes: 7900 };

function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  return vi.waitFor(
    () => {
      if (!check()) throw new Error('not yet');
    },
    { timeout: timeoutMs, interval: 2 },
  );
}

function recorder() {
  const messages: InvalidationMessage[] = [];
  const statuses: { status: InvalidationBusStatus; error: unknown }[] = [];
  return {
    messages,
    statuses,
    listener: (message: InvalidationMessage) => messages.push(message),
    onStatus: (status: InvalidationBusStatus, error?: unknown) => statuses.push({ status, error }),
  };
}

describe('network bus', () => {
  it('is down until its own probe comes back through the subscription, and says so from subscribe on', async () => {
    const broker = new MemoryBroker();
    const bus = networkBus(broker.transport(1), fast);
    const seen = recorder();
    expect(bus.status).toBe('down');
    const unsubscribe = bus.subscribe(seen.listener, seen.onStatus);
    expect(seen.statuses).toEqual([{ status: 'down', error: undefined }]);
    await until(() => bus.status === 'up');
    expect(seen.statuses.at(-1)).toEqual({ status: 'up', error: undefined });
    await unsubscribe();
  });

  it('delivers to other buses and suppresses its own echo', async () => {
    const broker = new MemoryBroker();
    const a = networkBus(broker.transport(1), fast);
    const b = networkBus(broker.transport(2), fast);
    const atA = recorder();
    const atB = recorder();
    const stops = [a.subscribe(atA.listener), b.subscribe(atB.listener)];
    await until(() => a.status === 'up' && b.status === 'up');
    await a.publish({ topic: 'membership', tenantId: 't1', userId: 'u1' });
    await b.publish({ topic: 'grants', tenantId: 't2' });
    expect(atB.messages).toEqual([{ topic: 'membership', tenantId: 't1', userId: 'u1' }]);
    expect(atA.messages).toEqual([{ topic: 'grants', tenantId: 't2' }]);
    await Promise.all(stops.map((stop) => stop()));
  });

  it('sends a synchronous burst as one coalesced batch', async () => {
    const broker = new MemoryBroker();
    const a = networkBus(broker.transport(1), { ...fast, heartbeatMs: 60_000 });
    const b = networkBus(broker.transport(2), { ...fast, heartbeatMs: 60_000 });
    const atB = recorder();
    const stops = [a.subscribe(() => undefined), b.subscribe(atB.listener)];
    await until(() => a.status === 'up' && b.status === 'up');
    const before = broker.sent.length;
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 100; i += 1) sends.push(a.publish({ topic: 'membership', tenantId: 't1', userId: `u${i % 10}` }));
    await Promise.all(sends);
    expect(broker.sent.length - before).toBe(1);
    expect(atB.messages).toHaveLength(10);
    await Promise.all(stops.map((stop) => stop()));
  });

  it('a killed connection is reported down with its error, then replaced and proven again', async () => {
    const broker = new MemoryBroker();
    const bus = networkBus(broker.transport(1), fast);
    const seen = recorder();
    const stop = bus.subscribe(seen.listener, seen.onStatus);
    await until(() => bus.status === 'up');
    broker.cut(1);
    expect(bus.status).toBe('down');
    expect(seen.statuses.at(-1)?.status).toBe('down');
    expect(String(seen.statuses.at(-1)?.error)).toContain('killed');
    await until(() => bus.status === 'up');
    expect(broker.connections(1)).toBe(1);
    await stop();
  });

  it('a silent partition is found by the heartbeat probe', async () => {
    const broker = new MemoryBroker();
    const bus = networkBus(broker.transport(1), fast);
    const seen = recorder();
    const stop = bus.subscribe(seen.listener, seen.onStatus);
    await until(() => bus.status === 'up');
    broker.partition(1);
    await until(() => seen.statuses.some((entry) => entry.error instanceof BusProbeTimeoutError));
    await until(() => bus.status === 'up');
    await stop();
  });

  it('keeps retrying with backoff while the server refuses, reporting each failure', async () => {
    const broker = new MemoryBroker();
    broker.refuse.add(1);
    const bus = networkBus(broker.transport(1), fast);
    const seen = recorder();
    const stop = bus.subscribe(seen.listener, seen.onStatus);
    await until(() => seen.statuses.filter((entry) => entry.error !== undefined).length >= 3);
    expect(bus.status).toBe('down');
    broker.refuse.delete(1);
    await until(() => bus.status === 'up');
    await stop();
  });

  it('closes its connection with the last subscriber, and close() tells remaining listeners down', async () => {
    const broker = new MemoryBroker();
    const bus = networkBus(broker.transport(1), fast);
    const first = bus.subscribe(() => undefined);
    const seen = recorder();
    const second = bus.subscribe(seen.listener, seen.onStatus);
    await until(() => bus.status === 'up');
    await first();
    expect(broker.connections(1)).toBe(1);
    await second();
    expect(broker.connections(1)).toBe(0);

    const third = bus.subscribe(seen.listener, seen.onStatus);
    await until(() => bus.status === 'up');
    await bus.close();
    expect(broker.connections(1)).toBe(0);
    expect(seen.statuses.at(-1)).toEqual({ status: 'down', error: undefined });
    await third();
  });

  it('a failed send rejects the publish of every message in the batch', async () => {
    const bus = networkBus(
      {
        open: () => Promise.resolve({ close: () => Promise.resolve() }),
        send: () => Promise.reject(new Error('server gone')),
      },
      fast,
    );
    await expect(Promise.all([bus.publish({ topic: 'grants', tenantId: 't' }), bus.publish({ topic: 'grants', tenantId: 'u' })])).rejects.toThrow(
      'server gone',
    );
  });
});
