import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from 'tenantry';
import * as tenantryExpress from 'tenantry/express';
import * as tenantryFastify from 'tenantry/fastify';
import { DATABASE_NAMES, describeDatabases, type TestDatabase } from '../../support/databases.js';
import { entitlementWorld } from '../../support/entitlements.js';

/** One answer, the body as bytes. */
interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A POST on a connection of its own (no agent, no keep-alive): N requests are N connections. */
function post(origin: string, path: string, user: string, body: string, key: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${origin}${path}`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'x-user-id': user, 'idempotency-key': key } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Status, the replayable headers and the body bytes: what a replay must reproduce exactly. */
const replayable = (answer: Answer) => ({
  status: answer.status,
  contentType: answer.headers['content-type'],
  run: answer.headers['x-run'],
  body: answer.body.toString('base64'),
});

/** A route's handler: counts its runs, answers 201 with a body that differs per run (bytes beyond ASCII included). */
function handlerState() {
  const runs: string[] = [];
  let gate: Promise<void> = Promise.resolve();
  let started: () => void = () => undefined;
  return {
    runs,
    /** Resolves when the next handler run starts. */
    nextStart() {
      return new Promise<void>((resolve) => {
        started = resolve;
      });
    },
    /** Holds every handler until `release()` is called. */
    hold() {
      let release!: () => void;
      gate = new Promise((resolve) => {
        release = resolve;
      });
      return release;
    },
    async run(body: unknown): Promise<{ readonly run: string; readonly payload: string }> {
      const run = randomUUID();
      runs.push(run);
      started();
      await gate;
      return { run, payload: JSON.stringify({ run, echo: body, note: 'réponse ✓' }) };
    },
  };
}

type HandlerState = ReturnType<typeof handlerState>;

interface App {
  readonly origin: string;
  readonly close: () => Promise<void>;
}

const TOKENS = 5;
const replayOptions = (waitMs: number) => ({ waitMs, headers: ['content-type', 'x-run'] });
/** The routes: the helper, the guard's default (refuse), and the helper with a cap smaller than the handler's body. */
type Route = 'replayed' | 'refused' | 'capped';
const ROUTES: readonly Route[] = ['replayed', 'refused', 'capped'];
const guardOptions = (route: Route, waitMs: number) => ({
  featureKey: 'ai.tokens' as const,
  amount: TOKENS,
  onReplay: route === 'refused' ? ('refuse' as const) : ('respond' as const),
  ...(route === 'replayed' ? { responses: replayOptions(waitMs) } : route === 'capped' ? { responses: { ...replayOptions(waitMs), maxBodyBytes: 16 } } : {}),
});

async function expressApp(world: Awaited<ReturnType<typeof entitlementWorld>>, state: HandlerState, waitMs: number): Promise<App> {
  const { tenantContext, requireEntitlement, problemHandler } = tenantryExpress;
  const app = express();
  app.use(express.json());
  const userId = (req: express.Request) => req.header('x-user-id');
  for (const route of ROUTES) {
    app.post(
      `/tenants/:tenantId/${route}`,
      tenantContext(world.tenantry, { userId }),
      requireEntitlement(world.tenantry, guardOptions(route, waitMs)),
      async (req, res) => {
        const { run, payload } = await state.run(req.body);
        res.status(201).set('x-run', run).set('x-secret', 'not stored').type('application/json; charset=utf-8').send(payload);
      },
    );
  }
  app.use(problemHandler({ onServerError: () => undefined }));
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => {
      resolve(listening);
    });
  });
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}

async function fastifyApp(world: Awaited<ReturnType<typeof entitlementWorld>>, state: HandlerState, waitMs: number): Promise<App> {
  const { tenantContext, requireEntitlement, tenantryPlugin } = tenantryFastify;
  const app: FastifyInstance = Fastify();
  await app.register(tenantryPlugin, { problemHandler: { onServerError: () => undefined } });
  const userId = (request: { headers: IncomingHttpHeaders }) => request.headers['x-user-id'] as string | undefined;
  for (const route of ROUTES) {
    app.post(
      `/tenants/:tenantId/${route}`,
      { preHandler: [tenantContext(world.tenantry, { userId }), requireEntitlement(world.tenantry, guardOptions(route, waitMs))] },
      async (request, reply) => {
        const { run, payload } = await state.run(request.body);
        return reply.code(201).header('x-run', run).header('x-secret', 'not stored').type('application/json; charset=utf-8').send(payload);
      },
    );
  }
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  return { origin, close: () => app.close() };
}

const FRAMEWORKS = { express: expressApp, fastify: fastifyApp } as const;

function describeReplay(database: TestDatabase, framework: keyof typeof FRAMEWORKS): void {
  describe(`${framework}: response replay`, () => {
    let world: Awaited<ReturnType<typeof entitlementWorld>>;
    let state: HandlerState;
    let app: App;
    let inProgressApp: App;
    let inProgressState: HandlerState;
    /** Called whenever a replay reads a response that is still pending: the barrier of the waiting test. */
    let onPending: () => void = () => undefined;

    beforeAll(async () => {
      const store = database.store();
      const spied: typeof store = {
        ...store,
        async readIdempotentResponse(lookup) {
          const state = await store.readIdempotentResponse(lookup);
          if (state.state === 'pending') onPending();
          return state;
        },
      };
      world = await entitlementWorld({ store: spied, plan: 'pro' });
      await world.owner.members.add({ tenantId: world.tenantId, userId: 'bob', role: 'readonly' });
      state = handlerState();
      app = await FRAMEWORKS[framework](world, state, 10_000);
      inProgressState = handlerState();
      inProgressApp = await FRAMEWORKS[framework](world, inProgressState, 0);
    });
    afterAll(async () => {
      await app.close();
      await inProgressApp.close();
    });

    const used = async () => (await world.owner.usage.report({ tenantId: world.tenantId })).features.find((f) => f.featureKey === 'ai.tokens')?.used ?? 0;
    const send = (target: App, path: Route, body: string, key: string, user = 'owner') =>
      post(target.origin, `/tenants/${world.tenantId}/${path}`, user, body, key);

    it('20 POSTs with one key: the handler runs once, the other 19 get its response byte for byte, marked replayed; charged once', async () => {
      const key = randomUUID();
      const before = await used();
      const runsBefore = state.runs.length;
      const answers = await Promise.all(Array.from({ length: 20 }, () => send(app, 'replayed', '{"prompt":"same"}', key)));
      expect(state.runs.length - runsBefore).toBe(1);
      const first = answers.filter((answer) => answer.headers['idempotent-replayed'] === undefined);
      const replays = answers.filter((answer) => answer.headers['idempotent-replayed'] === 'true');
      expect([first.length, replays.length]).toEqual([1, 19]);
      const original = first[0];
      expect(original?.status).toBe(201);
      expect(original?.headers['x-run']).toBe(state.runs.at(-1));
      for (const replay of replays) {
        expect(replayable(replay)).toEqual(replayable(original as Answer));
        // Only the allowlist is stored.
        expect(replay.headers['x-secret']).toBeUndefined();
        expect(replay.headers['content-length']).toBe(String(original?.body.byteLength));
      }
      // A later retry, long after the first finished, gets the same bytes.
      expect(replayable(await send(app, 'replayed', '{"prompt":"same"}', key))).toEqual(replayable(original as Answer));
      expect(await used()).toBe(before + TOKENS);
    });

    it('without the helper, 20 POSTs with one key run the handler once and the other 19 get 409 idempotent_replay', async () => {
      const key = randomUUID();
      const before = await used();
      const runsBefore = state.runs.length;
      const answers = await Promise.all(Array.from({ length: 20 }, () => send(app, 'refused', '{"prompt":"same"}', key)));
      expect(state.runs.length - runsBefore).toBe(1);
      expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
      const refused = answers.filter((answer) => answer.status === 409);
      expect(refused).toHaveLength(19);
      for (const answer of refused) expect(JSON.parse(answer.body.toString('utf8'))).toMatchObject({ code: 'idempotent_replay' });
      expect(await used()).toBe(before + TOKENS);
    });

    it('a response over the cap reaches the first client whole, is not stored, and its retries get 409 idempotent_replay', async () => {
      const key = randomUUID();
      const runsBefore = state.runs.length;
      const first = await send(app, 'capped', '{"prompt":"long"}', key);
      expect(first.status).toBe(201);
      expect(JSON.parse(first.body.toString('utf8'))).toMatchObject({ note: 'réponse ✓' });
      const retry = await send(app, 'capped', '{"prompt":"long"}', key);
      expect(retry.status).toBe(409);
      expect(JSON.parse(retry.body.toString('utf8'))).toMatchObject({ code: 'idempotent_replay' });
      expect(state.runs.length - runsBefore).toBe(1);
    });

    it('one member cannot replay another member’s key: the same key runs and counts for each, and each replays only its own', async () => {
      const key = randomUUID();
      const before = await used();
      const owner = await send(app, 'replayed', '{"prompt":"mine"}', key);
      const bob = await send(app, 'replayed', '{"prompt":"mine"}', key, 'bob');
      expect([owner.status, bob.status]).toEqual([201, 201]);
      expect(bob.headers['idempotent-replayed']).toBeUndefined();
      expect(bob.headers['x-run']).not.toBe(owner.headers['x-run']);
      expect(replayable(await send(app, 'replayed', '{"prompt":"mine"}', key, 'bob'))).toEqual(replayable(bob));
      expect(replayable(await send(app, 'replayed', '{"prompt":"mine"}', key))).toEqual(replayable(owner));
      expect(await used()).toBe(before + 2 * TOKENS);
    });

    it('a retry while the first request runs waits for its response, or gets 409 idempotency_in_progress when it may not wait', async () => {
      const key = randomUUID();
      const release = inProgressState.hold();
      const started = inProgressState.nextStart();
      const first = send(inProgressApp, 'replayed', '{"prompt":"slow"}', key);
      // The handler started: its consumption committed before it ran.
      await started;
      const early = await send(inProgressApp, 'replayed', '{"prompt":"slow"}', key);
      expect(early.status).toBe(409);
      expect(JSON.parse(early.body.toString('utf8'))).toMatchObject({ code: 'idempotency_in_progress' });
      // The same route on an instance that waits (same store, same key scope): it answers once the first has stored its response.
      const pending = new Promise<void>((resolve) => {
        onPending = resolve;
      });
      const waiting = send(app, 'replayed', '{"prompt":"slow"}', key);
      await pending;
      release();
      const original = await first;
      const replay = await waiting;
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replayable(replay)).toEqual(replayable(original));
      expect(inProgressState.runs).toHaveLength(1);
    });

    it('16 connections sending one key with two different bodies: exactly one handler runs, the rest replay it or conflict; every round', async () => {
      for (let round = 0; round < 5; round += 1) {
        const key = randomUUID();
        const before = await used();
        const runsBefore = state.runs.length;
        const bodies = Array.from({ length: 16 }, (_, index) => (index % 2 === 0 ? '{"prompt":"a"}' : '{"prompt":"b"}'));
        const answers = await Promise.all(bodies.map((body) => send(app, 'replayed', body, key)));
        // Invariant of the round: one run, one charge.
        expect(state.runs.length - runsBefore).toBe(1);
        expect(await used()).toBe(before + TOKENS);
        const originals = answers.filter((answer) => answer.status === 201 && answer.headers['idempotent-replayed'] === undefined);
        expect(originals).toHaveLength(1);
        const winner = originals[0] as Answer;
        const winningBody = bodies[answers.indexOf(winner)];
        for (const [index, answer] of answers.entries()) {
          if (answer === winner) continue;
          if (bodies[index] === winningBody) {
            expect(answer.headers['idempotent-replayed']).toBe('true');
            expect(replayable(answer)).toEqual(replayable(winner));
          } else {
            expect(answer.status).toBe(409);
            expect(JSON.parse(answer.body.toString('utf8'))).toMatchObject({ code: 'idempotency_conflict' });
          }
        }
      }
    });
  });
}

await describeDatabases(DATABASE_NAMES, (database) => {
  describeReplay(database, 'express');
  describeReplay(database, 'fastify');
});

describe('response replay: options', () => {
  it('rejects invalid options at start-up with ConfigurationError naming the option', async () => {
    const { tenantry } = await entitlementWorld();
    const base = { featureKey: 'ai.tokens', amount: 1 } as const;
    for (const requireEntitlement of [tenantryExpress.requireEntitlement, tenantryFastify.requireEntitlement]) {
      expect(() => requireEntitlement(tenantry, { ...base, responses: { waitMs: 0 } })).toThrow(/responses/);
      expect(() => requireEntitlement(tenantry, { ...base, onReplay: 'respond', responses: { maxBodyBytes: 2 * 1024 * 1024 } })).toThrow(/maxBodyBytes/);
      expect(() => requireEntitlement(tenantry, { ...base, onReplay: 'respond', responses: { headers: ['Content-Length'] } })).toThrow(/headers/);
      expect(() => requireEntitlement(tenantry, { ...base, onReplay: 'respond', responses: { waitMs: -1 } })).toThrow(ConfigurationError);
      expect(() => requireEntitlement(tenantry, { ...base, onReplay: 'respond', responses: {} })).not.toThrow();
    }
  });
});
