import { describe, expect, it } from 'vitest';
import { buildApp as buildExpressExample } from '../../../examples/express-app/app.js';
import { buildApp as buildFastifyExample } from '../../../examples/fastify-app/app.js';
import { listenExpress } from './express-app.js';
import { injectInto } from './fastify-app.js';
import type { HttpHarness } from './http-cases.js';

async function smoke(http: HttpHarness, tenantId: string): Promise<void> {
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
    expect((await http.send({ path: `/tenants/${tenantId}`, user: 'mallory' })).status).toBe(404);
  } finally {
    await http.close();
  }
}

describe('examples', () => {
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
