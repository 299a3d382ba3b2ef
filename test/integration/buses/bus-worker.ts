/**
 * One app instance in its own process, for the multi-process bus tests and
 * the propagation benchmark: a tenantry over a shared PostgreSQL database
 * with the membership cache on (TTL long enough that only the bus can make
 * a change visible) and the bus named in the `init` command. Driven over
 * IPC by its parent; every answer carries a wall-clock timestamp so the
 * parent can compare events across processes.
 */
import { Kysely, PostgresDialect } from 'kysely';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createClient } from 'redis';
import { createTenantry, systemActor, type InvalidationBus } from 'tenantry';
import { postgresInvalidationBus, redisInvalidationBus, type NetworkInvalidationBus } from 'tenantry/buses';
import { kyselyStore } from 'tenantry/kysely';
import { capabilities, roles } from '../../../examples/catalog.js';

export type BusKind = 'postgres' | 'ioredis' | 'node-redis';

export type WorkerCommand =
  | { readonly cmd: 'init'; readonly bus: BusKind; readonly databaseUrl: string; readonly redisUrl: string; readonly channel: string; readonly name: string }
  | { readonly cmd: 'status' }
  | { readonly cmd: 'createTenant'; readonly ownerId: string }
  | { readonly cmd: 'add'; readonly tenantId: string; readonly userId: string; readonly role: string }
  | { readonly cmd: 'changeRole'; readonly tenantId: string; readonly userId: string; readonly role: string }
  | { readonly cmd: 'remove'; readonly tenantId: string; readonly userId: string }
  | { readonly cmd: 'role'; readonly tenantId: string; readonly userId: string }
  | { readonly cmd: 'watch'; readonly tenantId: string; readonly userId: string; readonly until: string | null; readonly timeoutMs: number }
  | { readonly cmd: 'events' }
  | { readonly cmd: 'close' };

export interface WorkerReply {
  readonly id: number;
  readonly at: number;
  readonly ok: boolean;
  readonly value?: unknown;
  readonly error?: string;
}

/** Wall clock with sub-millisecond resolution, comparable across processes on one machine. */
export const wallClock = (): number => performance.timeOrigin + performance.now();

let tenantry: ReturnType<typeof createTenantry<string, string>> | undefined;
let bus: NetworkInvalidationBus | undefined;
let shutdown: (() => Promise<void>) | undefined;
const events: { readonly source: string; readonly at: number; readonly message: string }[] = [];
const system = systemActor('bus-worker');

function app() {
  if (tenantry === undefined) throw new Error('init first');
  return tenantry;
}

async function init(command: Extract<WorkerCommand, { cmd: 'init' }>): Promise<void> {
  const pool = new pg.Pool({ connectionString: command.databaseUrl, application_name: command.name, max: 4 });
  pool.on('error', () => undefined);
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  const timing = { heartbeatMs: 1000, probeTimeoutMs: 1000, reconnectMinMs: 20, reconnectMaxMs: 500 };
  const closers: (() => Promise<unknown>)[] = [];
  if (command.bus === 'postgres') {
    bus = postgresInvalidationBus({ pool, channel: command.channel, ...timing });
  } else if (command.bus === 'ioredis') {
    const client = new Redis(command.redisUrl, { connectionName: command.name, maxRetriesPerRequest: 2 });
    client.on('error', () => undefined);
    bus = redisInvalidationBus({ client, channel: command.channel, ...timing });
    closers.push(() => client.quit());
  } else {
    const client = createClient({ url: command.redisUrl, name: command.name });
    client.on('error', () => undefined);
    await client.connect();
    bus = redisInvalidationBus({ client, channel: command.channel, ...timing });
    closers.push(() => client.close());
  }
  const used: InvalidationBus = bus;
  tenantry = createTenantry<string, string>({
    store: kyselyStore(db),
    capabilities,
    roles,
    cache: { memberships: { max: 10_000, ttlMs: 600_000 }, bus: used },
    onError: (error, context) => {
      events.push({ source: context.source, at: wallClock(), message: error instanceof Error ? error.message : String(error) });
    },
  });
  shutdown = async () => {
    await app().close();
    for (const close of closers) await close();
    await db.destroy();
  };
}

async function watch(command: Extract<WorkerCommand, { cmd: 'watch' }>): Promise<number> {
  const deadline = wallClock() + command.timeoutMs;
  for (;;) {
    const role = (await app().forRequest({ userId: command.userId }).roleIn(command.tenantId)) ?? null;
    const at = wallClock();
    if (role === command.until) return at;
    if (at > deadline) throw new Error(`still ${String(role)} after ${command.timeoutMs} ms`);
    // A cache hit costs microseconds; yield so the bus's socket is read.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function handle(command: WorkerCommand): Promise<unknown> {
  switch (command.cmd) {
    case 'init':
      return init(command);
    case 'status':
      return bus?.status;
    case 'createTenant':
      return (await app().as(system).tenants.create({ ownerId: command.ownerId })).tenant.id;
    case 'add':
      await app().as(system).members.add({ tenantId: command.tenantId, userId: command.userId, role: command.role });
      return undefined;
    case 'changeRole':
      await app().as(system).members.changeRole({ tenantId: command.tenantId, userId: command.userId, role: command.role });
      return undefined;
    case 'remove':
      await app().as(system).members.remove({ tenantId: command.tenantId, userId: command.userId });
      return undefined;
    case 'role':
      return (await app().forRequest({ userId: command.userId }).roleIn(command.tenantId)) ?? null;
    case 'watch':
      return watch(command);
    case 'events':
      return events;
    case 'close':
      await shutdown?.();
      setImmediate(() => process.exit(0));
      return undefined;
  }
}

process.on('message', (raw: { id: number; command: WorkerCommand }) => {
  handle(raw.command).then(
    (value) => process.send?.({ id: raw.id, at: wallClock(), ok: true, value } satisfies WorkerReply),
    (error: unknown) =>
      process.send?.({ id: raw.id, at: wallClock(), ok: false, error: error instanceof Error ? error.message : String(error) } satisfies WorkerReply),
  );
});
