import Fastify, { type FastifyInstance } from 'fastify';
import type { RoleOf } from 'tenantry';
import {
  acceptInvitation,
  entitlementOf,
  problemHandler,
  rateLimit,
  requireCapability,
  requireEntitlement,
  tenantContext,
  tenantOf,
  tenantryPlugin,
} from 'tenantry/fastify';
import type { roles } from '../catalog.js';
import { createExampleWorld, tokensRequested } from '../shared/example-world.js';

/** The example: the app (ready, not yet listening; closing it releases the store) and the seeded tenant. */
export interface FastifyExample {
  readonly app: FastifyInstance;
  /** The tenant seeded for alice (owner), bob (operator) and carol (readonly). */
  readonly tenantId: string;
}

/**
 * Builds the Fastify example: tenant routes in an encapsulated context
 * prefixed `/tenants/:tenantId` with the tenant-context hook, capability
 * guards per route, an AI route that is rate-limited and metered against
 * the tenant's plan, problem+json errors and the canonical 404 for
 * unmatched routes. Importable so tests can start it; `server.ts` listens.
 */
export async function buildApp(): Promise<FastifyExample> {
  const { tenantry, tenantId, close } = await createExampleWorld();

  // Rate counters live in the instance's store, so the limit holds across every instance.
  // Per member (tenant and user), because the limiters run after the tenantContext() hook.
  const aiRateLimit = rateLimit(tenantry, { name: 'ai', limit: 5, windowMs: 60_000 });
  const usageRateLimit = rateLimit(tenantry, { name: 'usage', limit: 30, windowMs: 60_000 });

  // frameworkErrors: the router's own refusals (bad URL encoding, over-long parameters) as problems too.
  const app = Fastify({ frameworkErrors: problemHandler() });
  app.addHook('onClose', () => close());
  // At the root: request decoration, the problem+json error handler (which every guard's refusal
  // goes through, and which logs 5xx errors) and, for unmatched routes, the canonical 404
  // (the same bytes as a non-member's) for the whole app.
  await app.register(tenantryPlugin, { notFoundHandler: true });

  await app.register(
    (tenantRoutes, _options, done) => {
      // Encapsulated: this hook runs for the routes of this context only.
      // Demo only: the user id comes from a header, as a trusted gateway would set it.
      // A real app resolves its verified session instead: { userId: (request) => request.user?.id }.
      tenantRoutes.addHook('preHandler', tenantContext(tenantry, { userId: { header: 'x-user-id' }, wwwAuthenticate: 'Bearer realm="tenantry-example"' }));

      tenantRoutes.get('/', async (request) => {
        const { scope, tenantId } = tenantOf(tenantry, request);
        // UI hints only; every route below still enforces its capability.
        return {
          tenantId,
          actions: {
            writeProject: await scope.actionState(tenantId, 'project.write'),
            readBilling: await scope.actionState(tenantId, 'billing.read'),
          },
        };
      });

      tenantRoutes.get('/projects', { preHandler: requireCapability(tenantry, 'project.read') }, (request) => ({
        tenantId: tenantOf(tenantry, request).tenantId,
        projects: [{ id: 'p1', name: 'Launch' }],
      }));

      tenantRoutes.get('/billing', { preHandler: requireCapability(tenantry, 'billing.read') }, (request) => ({
        tenantId: tenantOf(tenantry, request).tenantId,
        plan: 'pro',
        seats: 10,
      }));

      tenantRoutes.get('/members', async (request) => {
        const { scope, tenantId } = tenantOf(tenantry, request);
        const page = await scope.members.list({ tenantId });
        return { members: page.items.map(({ userId, role }) => ({ userId, role })) };
      });

      tenantRoutes.post<{ Body: { userId?: string; role?: string } | undefined }>(
        '/members',
        { preHandler: requireCapability(tenantry, 'membership.manage') },
        async (request, reply) => {
          const { scope, tenantId } = tenantOf(tenantry, request);
          const { userId, role } = request.body ?? {};
          // Unchecked on purpose: tenantry validates, and a bad body becomes a 400 problem.
          const member = await scope.members.add({ tenantId, userId: userId as string, role: role as RoleOf<typeof roles> });
          return reply.code(201).send({ userId: member.userId, role: member.role });
        },
      );

      tenantRoutes.post<{ Body: { email?: string; role?: string } | undefined }>(
        '/invitations',
        { preHandler: requireCapability(tenantry, 'membership.manage') },
        async (request, reply) => {
          const { scope, tenantId } = tenantOf(tenantry, request);
          const { email, role } = request.body ?? {};
          const created = await scope.invitations.create({ tenantId, email: email as string, role: role as RoleOf<typeof roles> });
          // Demo only: a real app emails the token (once) and never returns it to the inviter.
          return reply
            .header('cache-control', 'no-store')
            .code(created.outcome === 'created' ? 201 : 200)
            .send({ invitationId: created.invitation.id, outcome: created.outcome, token: created.outcome === 'created' ? created.token : undefined });
        },
      );

      // preHandlers run in order: a flood is refused (429) before anything is consumed, and so is
      // a member without the capability (403). Send an Idempotency-Key to make retries count once: a
      // retry is answered 409 idempotent_replay and the handler does not run again.
      tenantRoutes.post(
        '/ai',
        {
          preHandler: [
            aiRateLimit,
            requireCapability(tenantry, 'project.write'),
            requireEntitlement(tenantry, { featureKey: 'ai.tokens', amount: (request) => tokensRequested(request.body) }),
          ],
        },
        (request) => {
          const { requested, used, remaining, replayed } = entitlementOf(request, 'ai.tokens');
          return { tokens: requested, used, remaining, replayed };
        },
      );

      tenantRoutes.get('/usage', { preHandler: usageRateLimit }, async (request) => {
        const { scope, tenantId } = tenantOf(tenantry, request);
        const report = await scope.usage.report({ tenantId });
        return { usage: report.features.map(({ featureKey, used, limit }) => ({ featureKey, used, limit })) };
      });
      done();
    },
    { prefix: '/tenants/:tenantId' },
  );

  // Outside the tenant routes: the invitee is not a member yet. The token travels in the body, never the URL.
  app.post('/invitations/accept', acceptInvitation(tenantry, { userId: { header: 'x-user-id' } }));

  await app.ready();
  return { app, tenantId };
}
