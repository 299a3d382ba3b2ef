import type { InvalidationBus, InvalidationBusStatus, InvalidationBusStatusListener, InvalidationMessage } from '../../core/invalidation/invalidation-bus.js';
import { coalesce, decode, encodeBatch, encodeProbe } from './wire-format.js';

/** What a transport calls back with while a subscription is open. */
export interface TransportHandlers {
  /** One payload received on the channel (this instance's own included). */
  onPayload(payload: string): void;
  /** The subscription broke; called at most once per connection. */
  onLost(error: unknown): void;
}

/** An open subscription of a transport. */
export interface TransportConnection {
  /** Lets go of the dedicated connection; never rejects for an already broken one. */
  close(): Promise<void>;
}

/** The engine-specific half of a bus: one dedicated subscriber connection, and sending. */
export interface BusTransport {
  /** Opens the dedicated connection and subscribes; resolves once subscribed. */
  open(handlers: TransportHandlers): Promise<TransportConnection>;
  /** Sends one payload to every subscriber of the channel. */
  send(payload: string): Promise<void>;
}

/** Timing of a network bus. Every field has a default. */
export interface NetworkBusTiming {
  /** How often the bus probes its own subscription, in milliseconds. Default 5000. */
  readonly heartbeatMs?: number;
  /** How long a probe (or opening the connection) may take before the connection counts as lost. Default 2000. */
  readonly probeTimeoutMs?: number;
  /** First reconnection delay, doubled per failed attempt (with jitter). Default 100. */
  readonly reconnectMinMs?: number;
  /** Longest reconnection delay. Default 5000. */
  readonly reconnectMaxMs?: number;
}

/** A bus over a network engine: the port, its status, and an explicit stop. */
export interface NetworkInvalidationBus extends InvalidationBus {
  /** `up` once the bus has seen its own probe through its subscription; `down` otherwise. */
  readonly status: InvalidationBusStatus;
  /** Resolves once the batch carrying `message` was sent; rejects when sending it failed. */
  publish(message: InvalidationMessage): Promise<void>;
  /** Stops the subscription (and reconnection) even if listeners remain; they are told `down`. */
  close(): Promise<void>;
}

/** Raised (to status listeners, hence `onError`) when the bus's own probe did not come back in time. */
export class BusProbeTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`The invalidation bus ${what} within ${ms} ms; treating the connection as lost.`);
    this.name = 'BusProbeTimeoutError';
  }
}

interface Subscriber {
  readonly listener: (message: InvalidationMessage) => void;
  readonly onStatus: InvalidationBusStatusListener | undefined;
}

const noop = (): void => undefined;

/**
 * The engine-independent bus: subscription lifecycle, reconnection with
 * exponential backoff, a probe that proves the subscription delivers (sent
 * after every (re)subscription and every `heartbeatMs`, so a silently dead
 * connection is found too), echo suppression by a random origin, and
 * batching: messages published while a send is in flight (or in the same
 * tick) go out together, coalesced and split to fit `maxPayloadBytes`.
 *
 * The connection opens with the first subscriber and closes with the last.
 */
export function networkBus(transport: BusTransport, options: NetworkBusTiming & { readonly maxPayloadBytes: number }): NetworkInvalidationBus {
  const heartbeatMs = options.heartbeatMs ?? 5000;
  const probeTimeoutMs = options.probeTimeoutMs ?? 2000;
  const reconnectMinMs = options.reconnectMinMs ?? 100;
  const reconnectMaxMs = options.reconnectMaxMs ?? 5000;
  const origin = globalThis.crypto.randomUUID();
  const subscribers = new Set<Subscriber>();

  let status: InvalidationBusStatus = 'down';
  let running = false;
  // Bumped whenever the current connection is given up: callbacks of older connections are ignored.
  let epoch = 0;
  let attempt = 0;
  let connection: TransportConnection | undefined;
  let probe: { readonly nonce: string; readonly timer: ReturnType<typeof setTimeout> } | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const setStatus = (next: InvalidationBusStatus, error?: unknown) => {
    const changed = next !== status;
    status = next;
    if (!changed && error === undefined) return;
    for (const subscriber of subscribers) {
      try {
        subscriber.onStatus?.(next, error);
      } catch {
        // A status listener must not stop the others from hearing it.
      }
    }
  };

  const release = () => {
    if (probe !== undefined) clearTimeout(probe.timer);
    probe = undefined;
    if (heartbeat !== undefined) clearInterval(heartbeat);
    heartbeat = undefined;
    if (retry !== undefined) clearTimeout(retry);
    retry = undefined;
    const closing = connection;
    connection = undefined;
    return closing === undefined ? Promise.resolve() : closing.close().catch(noop);
  };

  const lost = (error: unknown) => {
    epoch += 1;
    void release();
    setStatus('down', error);
    if (!running) return;
    const delay = Math.min(reconnectMaxMs, reconnectMinMs * 2 ** attempt) * (0.5 + Math.random() / 2);
    attempt = Math.min(attempt + 1, 30);
    retry = setTimeout(() => {
      retry = undefined;
      connect(epoch);
    }, delay);
    retry.unref();
  };

  const sendProbe = (current: number) => {
    if (probe !== undefined || current !== epoch) return;
    const nonce = globalThis.crypto.randomUUID();
    const timer = setTimeout(() => {
      if (current === epoch) lost(new BusProbeTimeoutError('did not receive its own probe', probeTimeoutMs));
    }, probeTimeoutMs);
    timer.unref();
    probe = { nonce, timer };
    transport.send(encodeProbe(origin, nonce)).catch((error: unknown) => {
      if (current === epoch) lost(error);
    });
  };

  const receive = (current: number, payload: string) => {
    if (current !== epoch) return;
    const decoded = decode(payload);
    if (decoded === undefined || (decoded.origin === origin && decoded.kind === 'messages')) return;
    if (decoded.kind === 'probe') {
      if (decoded.origin !== origin || probe?.nonce !== decoded.nonce) return;
      clearTimeout(probe.timer);
      probe = undefined;
      attempt = 0;
      setStatus('up');
      return;
    }
    for (const message of decoded.messages) {
      for (const subscriber of subscribers) {
        try {
          subscriber.listener(message);
        } catch {
          // One listener's failure must not keep the message from the others.
        }
      }
    }
  };

  const connect = (current: number) => {
    const opening = transport.open({
      onPayload: (payload) => {
        receive(current, payload);
      },
      onLost: (error) => {
        if (current === epoch) lost(error);
      },
    });
    const timer = setTimeout(() => {
      if (current === epoch) lost(new BusProbeTimeoutError('could not subscribe', probeTimeoutMs));
    }, probeTimeoutMs);
    timer.unref();
    opening.then(
      (opened) => {
        clearTimeout(timer);
        if (current !== epoch) {
          void opened.close().catch(noop);
          return;
        }
        connection = opened;
        sendProbe(current);
        heartbeat = setInterval(() => {
          sendProbe(current);
        }, heartbeatMs);
        heartbeat.unref();
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (current === epoch) lost(error);
      },
    );
  };

  const start = () => {
    running = true;
    epoch += 1;
    attempt = 0;
    connect(epoch);
  };

  const stop = (): Promise<void> => {
    running = false;
    epoch += 1;
    const closed = release();
    setStatus('down');
    return closed;
  };

  // Batching: one send in flight at a time; what arrives meanwhile waits for the next.
  let queue: { readonly message: InvalidationMessage; readonly settle: (error?: unknown) => void }[] = [];
  let flushing = false;
  const flush = async () => {
    flushing = true;
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      let failure: unknown;
      try {
        for (const payload of encodeBatch(origin, coalesce(batch.map((item) => item.message)), options.maxPayloadBytes)) await transport.send(payload);
      } catch (error) {
        failure = error ?? new Error('The invalidation bus failed to send.');
      }
      for (const item of batch) item.settle(failure);
    }
    flushing = false;
  };

  return {
    get status() {
      return status;
    },
    publish(message: InvalidationMessage): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        queue.push({
          message,
          settle: (error) => {
            if (error === undefined) resolve();
            else reject(error instanceof Error ? error : new Error('The invalidation bus failed to send.', { cause: error }));
          },
        });
        // A microtask later, so that a synchronous burst leaves as one batch.
        if (!flushing && queue.length === 1) queueMicrotask(() => void flush());
      });
    },
    subscribe(listener, onStatus) {
      const subscriber: Subscriber = { listener, onStatus };
      subscribers.add(subscriber);
      onStatus?.(status);
      if (!running) start();
      let subscribed = true;
      return () => {
        if (!subscribed) return Promise.resolve();
        subscribed = false;
        subscribers.delete(subscriber);
        return subscribers.size === 0 ? stop() : Promise.resolve();
      };
    },
    close: stop,
  };
}
