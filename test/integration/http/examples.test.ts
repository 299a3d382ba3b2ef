import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp as buildExpressExample } from '../../../examples/express-app/app.js';
import { buildApp as buildFastifyExample } from '../../../examples/fastify-app/app.js';
import { listenExpress } from './express-app.js';
import { injectInto } from './fastify-app.js';
import { auditRoutes as auditExpressRoutes } from 'tenantry/express';
import { auditRoutes as auditFastifyRoutes } from 'tenantry/fastify';
import { fingerprint, type HttpClient } from './http-cases.js';

// The examples run on the embedded SQLite default; give this file its own database file.
const directory = mkdtempSync(join(tmpdir(), 'tenantry-examples-'));
beforeAll(() => {
  process.env['TENANTRY_SQLITE_FILE'] = join(directory, 'examples.sqlite');
});
afterAll(() => {
  delete process.env['TENANTRY_SQLITE_FILE'];
  rmSync(directory, { recursive: true, force: true });
});

/** The metered AI route: rate-limit headers, an idempotent replay that counts once, and the usage it leaves. */
async function smokeAi(http: HttpClient, tenantId: string): Promise<void> {
  const spend = () =>
    http.send({ method: 'POST', path: `/tenants/${tenantId}/ai`, user: 'alice', json: { tokens: 100 }, headers: { 'Idempotency-Key': 'smoke-1' } });
  const first = await spend();
  expect(first.status).toBe(200);
  expect(first.headers['ratelimit-policy']).toBe('5;w=60');
  expect(JSON.parse(first.body)).toEqual({ tokens: 100, used: 100, remaining: 900, replayed: false });
  // The retry counts nothing and does not run the handler again.
  expect(JSON.parse((await spend()).body)).toMatchObject({ status: 409, code: 'idempotent_replay' });
  const tooMuch = await http.send({ method: 'POST', path: `/tenants/${tenantId}/ai`, user: 'alice', json: { tokens: 5_000 } });
  expect(tooMuch.status).toBe(403);
  expect(JSON.parse(tooMuch.body)).toMatchObject({ code: 'limit_exceeded', featureKey: 'ai.tokens', limit: 1_000, used: 100 });
  expect((await http.send({ method: 'POST', path: `/tenants/${tenantId}/ai`, user: 'carol', json: { tokens: 1 } })).status).toBe(403);
  const usage = JSON.parse((await http.send({ path: `/tenants/${tenantId}/usage`, user: 'carol' })).body) as { usage: { featureKey: string; used: number }[] };
  expect(usage.usage.find((entry) => entry.featureKey === 'ai.tokens')).toEqual({ featureKey: 'ai.tokens', used: 100, limit: 1_000 });
}

/** An owner invites by email; the invitee accepts once; a replayed or guessed token gets the same 404. */
async function smokeInvitations(http: HttpClient, tenantId: string): Promise<void> {
  const invited = await http.send({
    method: 'POST',
    path: `/tenants/${tenantId}/invitations`,
    user: 'alice',
    json: { email: 'dave@example.com', role: 'operator' },
  });
  expect(invited.status).toBe(201);
  const { token } = JSON.parse(invited.body) as { token: string };
  expect(
    (await http.send({ method: 'POST', path: `/tenants/${tenantId}/invitations`, user: 'carol', json: { email: 'x@example.com', role: 'readonly' } })).status,
  ).toBe(403);
  const accepted = await http.send({ method: 'POST', path: '/invitations/accept', user: 'dave', json: { token } });
  expect(accepted.status).toBe(200);
  expect(accepted.headers['cache-control']).toBe('no-store');
  expect(JSON.parse(accepted.body)).toMatchObject({ tenantId, role: 'operator' });
  expect((await http.send({ path: `/tenants/${tenantId}/projects`, user: 'dave' })).status).toBe(200);
  const replayed = await http.send({ method: 'POST', path: '/invitations/accept', user: 'mallory', json: { token } });
  const guessed = await http.send({
    method: 'POST',
    path: '/invitations/accept',
    user: 'mallory',
    json: { token: `tnv1_${'A'.repeat(22)}.${'A'.repeat(43)}` },
  });
  const malformed = await http.send({ method: 'POST', path: '/invitations/accept', user: 'mallory', json: { token: 'nope' } });
  // The real selector with a wrong verifier: the audit log knows the invitation, the caller must not.
  const wrongVerifier = await http.send({
    method: 'POST',
    path: '/invitations/accept',
    user: 'mallory',
    json: { token: `${token.slice(0, token.indexOf('.') + 1)}${'A'.repeat(43)}` },
  });
  for (const refused of [replayed, guessed, malformed, wrongVerifier]) {
    expect(refused.status).toBe(404);
    expect(refused.headers['cache-control']).toBe('no-store');
    expect(refused.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'invalid_token' });
  }
  expect(fingerprint(replayed)).toEqual(fingerprint(guessed));
  expect(fingerprint(guessed)).toEqual(fingerprint(malformed));
  expect(fingerprint(wrongVerifier)).toEqual(fingerprint(guessed));
  expect(replayed.body).not.toContain(token);
  expect((await http.send({ method: 'POST', path: '/invitations/accept', json: { token } })).status).toBe(401);
}

async function smoke(http: HttpClient, tenantId: string): Promise<void> {
  try {
    const allowed = await http.send({ path: `/tenants/${tenantId}/billing`, user: 'alice' });
    expect(allowed.status).toBe(200);
    expect(JSON.parse(allowed.body)).toMatchObject({ tenantId, plan: 'pro' });
    const forbidden = await http.send({ path: `/tenants/${tenantId}/billing`, user: 'bob' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers['content-type']).toBe('application/problem+json');
    const members = await http.send({ path: `/tenants/${tenantId}/members`, user: 'carol' });
    expect(JSON.parse(members.body)).toEqual({
      members: [
        { userId: 'alice', role: 'owner' },
        { userId: 'bob', role: 'operator' },
        { userId: 'carol', role: 'readonly' },
      ],
    });
    const notMember = await http.send({ path: `/tenants/${tenantId}`, user: 'mallory' });
    expect(notMember.status).toBe(404);
    // The not-found handler is wired in: an unmatched route gets the very same bytes.
    expect(fingerprint(await http.send({ path: '/no-such-route' }))).toEqual(fingerprint(notMember));
    await smokeAi(http, tenantId);
    await smokeInvitations(http, tenantId);
  } finally {
    await http.close();
  }
}

/** The tenant routes every example declares; the route audit must list them all, each guarded. */
const EXAMPLE_TENANT_ROUTES = [
  'GET /tenants/:tenantId',
  'GET /tenants/:tenantId/projects',
  'GET /tenants/:tenantId/billing',
  'GET /tenants/:tenantId/members',
  'POST /tenants/:tenantId/members',
  'POST /tenants/:tenantId/invitations',
  'POST /tenants/:tenantId/ai',
  'GET /tenants/:tenantId/usage',
];

describe('examples', () => {
  it('the route audit of both examples lists every tenant route and finds none unguarded', async () => {
    const express = await buildExpressExample();
    const fastify = await buildFastifyExample();
    try {
      for (const audit of [auditExpressRoutes(express.app), auditFastifyRoutes(fastify.app)]) {
        expect(audit.routes.map((route) => `${route.method} ${route.path}`)).toEqual(EXAMPLE_TENANT_ROUTES);
        expect(audit.unguarded).toEqual([]);
        expect(audit.routes.find((route) => route.path.endsWith('/ai'))?.guards.map((guard) => guard.kind)).toEqual([
          'tenant-context',
          'rate-limit',
          'capability',
          'entitlement',
        ]);
      }
    } finally {
      await fastify.app.close();
      await express.close();
    }
  });

  it('the Express example builds, starts and answers', async () => {
    const { app, tenantId, close } = await buildExpressExample();
    await smoke(await listenExpress(app), tenantId);
    await close();
  });

  it('the Fastify example builds, starts and answers', async () => {
    const { app, tenantId } = await buildFastifyExample();
    await smoke(injectInto(app), tenantId);
  });
});
