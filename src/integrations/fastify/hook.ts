import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The shape of every tenantry hook: usable as `onRequest`, `preHandler` and
 * the other request hooks, and in a route's hook arrays. It resolves to go
 * on and rejects to hand a refusal to the error handler, which is how an
 * async Fastify hook stops a request.
 */
export type TenantryHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
