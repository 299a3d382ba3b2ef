import express from 'express';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createTenantry, systemActor } from 'tenantry';
import * as expressApi from 'tenantry/express';
import * as fastifyApi from 'tenantry/fastify';
import { memoryStore } from 'tenantry/memory';
import { capabilities, roles } from '../../unit/invitations/invitation-catalog.js';
import { listenExpress } from './express-app.js';
import { injectInto } from './fastify-app.js';
import type { HttpClient } from './http-cases.js';

/** An instance with a tight attempt limit, one tenant and one invitation. */
async function world() {
  const tenantry = createTenantry({ capabilities, roles, store: memoryStore(), invitations: { attempts: { limit: 2, windowMs: 60_000 } } });
  const { tenant } = await tenantry.as(systemActor('t')).tenants.create({ ownerId: 'olga' });
  const created = await tenantry.forRequest({ userId: 'olga' }).invitations.create({ tenantId: tenant.id, email: 'ina@example.com', role: 'member' });
  if (created.outcome !== 'created') throw new Error('expected created');
  return { tenantry, token: created.token, tenantId: tenant.id };
}

async function limits(http: HttpClient, token: string, tenantId: string): Promise<void> {
  try {
    const wrong = `${token.slice(0, -2)}AA`;
    for (let i = 0; i < 2; i += 1)
      expect((await http.send({ method: 'POST', path: '/invitations/accept', user: 'eve', json: { token: wrong } })).status).toBe(404);
    const limited = await http.send({ method: 'POST', path: '/invitations/accept', user: 'ina', json: { token } });
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toBe('application/problem+json');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(limited.body)).toMatchObject({ code: 'too_many_attempts' });
    const noBody = await http.send({ method: 'POST', path: '/invitations/accept', user: 'ina', json: { notToken: 1 } });
    expect(noBody.status).toBe(404);
    expect(tenantId).toBeTruthy();
  } finally {
    await http.close();
  }
}

describe('acceptInvitation() over HTTP', () => {
  it('Express: 429 with Retry-After past the attempt limit, 404 for a body without a token', async () => {
    const { tenantry, token, tenantId } = await world();
    const app = express();
    app.use(express.json());
    app.post('/invitations/accept', expressApi.acceptInvitation(tenantry, { userId: { header: 'x-user-id' } }));
    app.use(expressApi.problemHandler());
    await limits(await listenExpress(app), token, tenantId);
  });

  it('Fastify: 429 with Retry-After past the attempt limit, 404 for a body without a token', async () => {
    const { tenantry, token, tenantId } = await world();
    const app = Fastify();
    await app.register(fastifyApi.tenantryPlugin);
    app.post('/invitations/accept', fastifyApi.acceptInvitation(tenantry, { userId: { header: 'x-user-id' } }));
    await app.ready();
    await limits(injectInto(app), token, tenantId);
  });

  it('refuses to start without the tenantry instance or with a wrong option', () => {
    expect(() => expressApi.acceptInvitation({} as never, { userId: () => 'u' })).toThrow(/tenantry instance/);
    expect(() => fastifyApi.acceptInvitation({} as never, { userId: () => 'u' })).toThrow(/tenantry instance/);
  });
});
