import { buildApp } from './app.js';

/**
 * Starts the Fastify example on 127.0.0.1 (port from PORT, default 3001)
 * and prints curl commands to try it. Stop it with Ctrl-C.
 */
const port = Number(process.env.PORT ?? 3001);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  throw new Error(`PORT must be an integer from 0 to 65535, got "${String(process.env.PORT)}".`);
}

const { app, tenantId } = await buildApp();
const origin = await app.listen({ port, host: '127.0.0.1' });
const base = `${origin}/tenants/${tenantId}`;
console.log(`tenantry Fastify example listening on ${origin}

Try it (the x-user-id header stands in for a real session):

  # 200: owners read billing
  curl -i -H 'x-user-id: alice' ${base}/billing
  # 403 problem+json: operators lack billing.read
  curl -i -H 'x-user-id: bob' ${base}/billing
  # 404: mallory is not a member; a malformed id gets the very same bytes
  curl -i -H 'x-user-id: mallory' ${base}/billing
  curl -i -H 'x-user-id: alice' ${origin}/tenants/not-a-uuid/billing
  # 401: no actor
  curl -i ${base}/projects
  # action states for a UI (carol is read-only)
  curl -i -H 'x-user-id: carol' ${base}
  # 400 validation_failed, then 409 already_exists
  curl -i -H 'x-user-id: alice' -H 'content-type: application/json' -d '{"userId":"dave","role":"superuser"}' ${base}/members
  curl -i -H 'x-user-id: alice' -H 'content-type: application/json' -d '{"userId":"bob","role":"readonly"}' ${base}/members
`);

process.once('SIGINT', () => void app.close());
