import express, { type Express, type Request } from 'express';
import { userActor, type RoleOf } from 'tenantry';
import { entitlementOf, notFoundHandler, problemHandler, rateLimit, requireCapability, requireEntitlement, tenantContext, tenantOf } from 'tenantry/express';
import { roles } from '../catalog.js';
import { createExampleWorld, tokensRequested } from '../shared/example-world.js';

/** The running example: the app (not yet listening), the seeded tenant, and how to release the store. */
export interface ExpressExample {
  readonly app: Express;
  /** The tenant seeded for alice (owner), bob (operator) and carol (readonly). */
  readonly tenantId: string;
  /** Releases the store. Close the HTTP server first. */
  readonly close: () => Promise<void>;
}

/**
 * Builds the Express example: tenant routes behind `tenantContext()`,
 * capability-guarded routes, an AI route that is rate-limited and metered
 * against the tenant's plan, problem+json errors and the canonical 404 for
 * unmatched routes. Importable so tests can start it; `server.ts` listens.
 */
export async function buildApp(): Promise<ExpressExample> {
  const { store, close, tenantry, entitlements, tenantId } = await createExampleWorld();

  // Rate counters live in the same database, so the limit holds across every instance.
  // Per member (tenant and user), because the limiters run after tenantContext().
  const aiRateLimit = rateLimit({ store, name: 'ai', limit: 5, windowMs: 60_000 });
  const usageRateLimit = rateLimit({ store, name: 'usage', limit: 30, windowMs: 60_000 });

  // Demo only: the actor comes from a header. A real app reads its verified session or token here.
  const actor = (req: Request) => req.get('x-user-id');

  const app = express();
  app.use(express.json());

  // mergeParams: the router's middleware and routes see :tenantId from the mount path.
  const tenantRoutes = express.Router({ mergeParams: true });
  tenantRoutes.use(tenantContext(tenantry, { actor, wwwAuthenticate: 'Bearer realm="tenantry-example"' }));

  tenantRoutes.get('/', async (req, res) => {
    const { scope, tenantId } = tenantOf(tenantry, req);
    // UI hints only; every route below still enforces its capability.
    res.json({
      tenantId,
      actions: {
        writeProject: await scope.actionState(tenantId, 'project.write'),
        readBilling: await scope.actionState(tenantId, 'billing.read'),
      },
    });
  });

  tenantRoutes.get('/projects', requireCapability(tenantry, 'project.read'), (req, res) => {
    res.json({ tenantId: tenantOf(tenantry, req).tenantId, projects: [{ id: 'p1', name: 'Launch' }] });
  });

  tenantRoutes.get('/billing', requireCapability(tenantry, 'billing.read'), (req, res) => {
    res.json({ tenantId: tenantOf(tenantry, req).tenantId, plan: 'pro', seats: 10 });
  });

  tenantRoutes.get('/members', async (req, res) => {
    const { scope, tenantId } = tenantOf(tenantry, req);
    const page = await tenantry.members.list({ actor: userActor(scope.userId), tenantId });
    res.json({ members: page.items.map(({ userId, role }) => ({ userId, role })) });
  });

  tenantRoutes.post('/members', requireCapability(tenantry, 'membership.manage'), async (req, res) => {
    const { scope, tenantId } = tenantOf(tenantry, req);
    const { userId, role } = (req.body ?? {}) as { userId?: string; role?: string };
    // Unchecked on purpose: tenantry validates, and a bad body becomes a 400 problem.
    const member = await tenantry.members.add({ actor: userActor(scope.userId), tenantId, userId: userId as string, role: role as RoleOf<typeof roles> });
    res.status(201).json({ userId: member.userId, role: member.role });
  });

  // The order matters: a flood is refused (429) before anything is consumed, and so is a member
  // without the capability (403). Send an Idempotency-Key to make retries count once.
  tenantRoutes.post(
    '/ai',
    aiRateLimit,
    requireCapability(tenantry, 'project.write'),
    requireEntitlement(entitlements, 'ai.tokens', (req) => tokensRequested(req.body)),
    (req, res) => {
      const { requested, used, remaining, replayed } = entitlementOf(entitlements, req, 'ai.tokens');
      // A replay consumed nothing; a real app answers it with the first response it stored.
      res.json({ tokens: requested, used, remaining, replayed });
    },
  );

  tenantRoutes.get('/usage', usageRateLimit, async (req, res) => {
    const usage = await entitlements.usage.usage(tenantOf(tenantry, req).tenantId);
    res.json({ usage: usage.map(({ feature, used, limit }) => ({ feature, used, limit })) });
  });

  app.use('/tenants/:tenantId', tenantRoutes);
  // After every route: an unmatched path gets the canonical 404, the same bytes as a non-member's.
  app.use(notFoundHandler());
  // Last: renders every error (tenantry's and the body parser's) as application/problem+json.
  app.use(problemHandler());

  return { app, tenantId, close };
}
