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
  # 404: mallory is not a member; a malformed id and an unmatched route get the very same bytes
  curl -i -H 'x-user-id: mallory' ${base}/billing
  curl -i -H 'x-user-id: alice' ${origin}/tenants/not-a-uuid/billing
  curl -i ${origin}/no-such-route
  # 401: no actor
  curl -i ${base}/projects
  # action states for a UI (carol is read-only)
  curl -i -H 'x-user-id: carol' ${base}
  # 400 validation_failed, then 409 already_exists
  curl -i -H 'x-user-id: alice' -H 'content-type: application/json' -d '{"userId":"dave","role":"superuser"}' ${base}/members
  curl -i -H 'x-user-id: alice' -H 'content-type: application/json' -d '{"userId":"bob","role":"readonly"}' ${base}/members
  # 200: spend 100 of the free plan's 1000 AI tokens; the same Idempotency-Key again is a replay that counts once
  curl -i -H 'x-user-id: alice' -H 'content-type: application/json' -H 'Idempotency-Key: demo-1' -d '{"tokens":100}' ${base}/ai
  # 409 idempotency_conflict: the same key for another amount
  curl -i -H 'x-user-id: alice' -H 'content-type: application/json' -H 'Idempotency-Key: demo-1' -d '{"tokens":200}' ${base}/ai
  # 403 limit_exceeded: more than the plan has left (nothing is consumed)
  curl -i -H 'x-user-id: alice' -H 'content-type: application/json' -d '{"tokens":5000}' ${base}/ai
  # 429 rate_limited from the 6th AI request within a minute (see Retry-After and the RateLimit-* headers)
  for i in 1 2 3 4 5 6; do curl -s -o /dev/null -w '%{http_code} ' -H 'x-user-id: bob' -H 'content-type: application/json' -d '{"tokens":1}' ${base}/ai; done; echo
  # usage against the plan
  curl -i -H 'x-user-id: alice' ${base}/usage
`);

process.once('SIGINT', () => void app.close());
