import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { createTenantry, systemActor, userActor, type RoleOf } from 'tenantry';
import { problemHandler, requireCapability, tenantContext, tenantOf, tenantryPlugin } from 'tenantry/fastify';
import { capabilities, roles } from '../catalog.js';
import { createExampleStore } from '../shared/default-store.js';

/** The example: the app (ready, not yet listening; closing it releases the store) and the seeded tenant. */
export interface FastifyExample {
  readonly app: FastifyInstance;
  /** The tenant seeded for alice (owner), bob (operator) and carol (readonly). */
  readonly tenantId: string;
}

/**
 * Builds the Fastify example: tenant routes in an encapsulated context
 * prefixed `/tenants/:tenantId` with the tenant-context hook, capability
 * guards per route, and problem+json errors. Importable so tests can start
 * it; `server.ts` listens.
 */
export async function buildApp(): Promise<FastifyExample> {
  const { store, close } = await createExampleStore();
  const tenantry = createTenantry({ capabilities, roles, store, manageMembersCapability: 'membership.manage' });

  // Seeding is trusted server code: it acts as the explicit system actor, never as a user.
  const seed = systemActor('seed');
  const { tenant } = await tenantry.tenants.create({ ownerId: 'alice', actor: seed });
  await tenantry.members.add({ actor: seed, tenantId: tenant.id, userId: 'bob', role: 'operator' });
  await tenantry.members.add({ actor: seed, tenantId: tenant.id, userId: 'carol', role: 'readonly' });
  // mallory exists but belongs to another tenant: to her, this one answers 404.
  await tenantry.tenants.create({ ownerId: 'mallory', actor: seed });

  // Demo only: the actor comes from a header. A real app reads its verified session or token here.
  const actor = (request: FastifyRequest) => {
    const value = request.headers['x-user-id'];
    return typeof value === 'string' ? value : undefined;
  };

  // frameworkErrors: the router's own refusals (bad URL encoding, over-long parameters) as problems too.
  const app = Fastify({ frameworkErrors: problemHandler() });
  app.addHook('onClose', () => close());
  // At the root: request decoration and the problem+json error handler for the whole app.
  await app.register(tenantryPlugin);

  await app.register(
    (tenantRoutes, _options, done) => {
      // Encapsulated: this hook runs for the routes of this context only.
      tenantRoutes.addHook('preHandler', tenantContext(tenantry, { actor, wwwAuthenticate: 'Bearer realm="tenantry-example"' }));

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
        const page = await tenantry.members.list({ actor: userActor(scope.userId), tenantId });
        return { members: page.items.map(({ userId, role }) => ({ userId, role })) };
      });

      tenantRoutes.post<{ Body: { userId?: string; role?: string } | undefined }>(
        '/members',
        { preHandler: requireCapability(tenantry, 'membership.manage') },
        async (request, reply) => {
          const { scope, tenantId } = tenantOf(tenantry, request);
          const { userId, role } = request.body ?? {};
          // Unchecked on purpose: tenantry validates, and a bad body becomes a 400 problem.
          const member = await tenantry.members.add({
            actor: userActor(scope.userId),
            tenantId,
            userId: userId as string,
            role: role as RoleOf<typeof roles>,
          });
          return reply.code(201).send({ userId: member.userId, role: member.role });
        },
      );
      done();
    },
    { prefix: '/tenants/:tenantId' },
  );

  await app.ready();
  return { app, tenantId: tenant.id };
}
