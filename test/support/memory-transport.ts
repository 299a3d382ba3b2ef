import type { BusTransport, TransportHandlers } from '../../src/adapters/buses/network-bus.js';

/**
 * An in-process broker for network buses: every bus made with
 * {@link MemoryBroker.transport} shares its channel. Connections can be cut
 * (as `pg_terminate_backend` or `CLIENT KILL` would) or silently
 * partitioned (messages dropped, nobody told); sends are counted.
 */
export class MemoryBroker {
  readonly #open = new Set<{ readonly handlers: TransportHandlers; readonly owner: number; partitioned: boolean }>();
  /** Payloads sent, in order. */
  readonly sent: string[] = [];
  /** Transports whose next `open` fails. */
  readonly refuse = new Set<number>();

  /** The transport of one bus; `owner` names it for {@link cut} and {@link partition}. */
  transport(owner: number): BusTransport {
    return {
      open: (handlers) => {
        if (this.refuse.has(owner)) return Promise.reject(new Error(`broker refused ${owner}`));
        const connection = { handlers, owner, partitioned: false };
        this.#open.add(connection);
        return Promise.resolve({
          close: () => {
            this.#open.delete(connection);
            return Promise.resolve();
          },
        });
      },
      send: (payload) => {
        this.sent.push(payload);
        for (const connection of [...this.#open]) if (!connection.partitioned) connection.handlers.onPayload(payload);
        return Promise.resolve();
      },
    };
  }

  /** Breaks every open connection of `owner`, telling it (a killed backend). */
  cut(owner: number): void {
    for (const connection of [...this.#open]) {
      if (connection.owner !== owner) continue;
      this.#open.delete(connection);
      connection.handlers.onLost(new Error(`connection of ${owner} killed`));
    }
  }

  /** Stops delivering to `owner`'s open connections without telling it (a silent network partition). */
  partition(owner: number): void {
    for (const connection of this.#open) if (connection.owner === owner) connection.partitioned = true;
  }

  /** Number of open connections of `owner`. */
  connections(owner: number): number {
    return [...this.#open].filter((connection) => connection.owner === owner).length;
  }
}
