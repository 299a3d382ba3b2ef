import express, { type Express, type Request } from 'express';
import { createEntitlements, createTenantry, systemActor, userActor, type RoleOf } from 'tenantry';
import { entitlementOf, problemHandler, rateLimit, requireCapability, requireEntitlement, tenantContext, tenantOf } from 'tenantry/express';
import { capabilities, roles } from '../catalog.js';
import { packages } from '../plans.js';
import { createExampleStore } from '../shared/default-store.js';

/** The running example: the app (not yet listening), the seeded tenant, and how to release the store. */
export interface ExpressExample {
  readonly app: Express;
  /** The tenant seeded for alice (owner), bob (operator) and carol (readonly). */
  readonly tenantId: string;
  /** Releases the store. Close the HTTP server first. */
  readonly close: () => Promise<void>;
}

/** The `/ai` route's amount: the body's `tokens`, unchecked, so that tenantry answers a bad one with a 400. */
function tokensRequested(body: unknown): number {
  const tokens = (body as { tokens?: unknown } | undefined)?.tokens;
  return typeof tokens === 'number' ? tokens : Number.NaN;
}

/**
 * Builds the Express example: tenant routes behind `tenantContext()`,
 * capability-guarded routes, an AI route that is rate-limited and metered
 * against the tenant's plan, and problem+json errors. Importable so tests
 * can start it; `server.ts` listens.
 */
export async function buildApp(): Promise<ExpressExample> {
  const { store, close } = await createExampleStore();
  const tenantry = createTenantry({ capabilities, roles, store, manageMembersCapability: 'membership.manage' });
  const entitlements = createEntitlements({ packages, store });

  // Seeding is trusted server code: it acts as the explicit system actor, never as a user.
  const seed = systemActor('seed');
  const { tenant } = await tenantry.tenants.create({ ownerId: 'alice', actor: seed });
  await tenantry.members.add({ actor: seed, tenantId: tenant.id, userId: 'bob', role: 'operator' });
  await tenantry.members.add({ actor: seed, tenantId: tenant.id, userId: 'carol', role: 'readonly' });
  // mallory exists but belongs to another tenant: to her, this one answers 404.
  await tenantry.tenants.create({ ownerId: 'mallory', actor: seed });
  // The free plan: 1000 AI tokens a month, among others (see ../plans.ts).
  await entitlements.provisioning.assignPackage({ actor: seed, tenantId: tenant.id, package: 'free' });

  // Rate counters live in the same database, so the limit holds across every instance.
  const rateLimitStore = store;
  // Per member (tenant and user), because the limiters run after tenantContext().
  const aiRateLimit = rateLimit({ store: rateLimitStore, name: 'ai', limit: 5, windowMs: 60_000 });
  const usageRateLimit = rateLimit({ store: rateLimitStore, name: 'usage', limit: 30, windowMs: 60_000 });

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
  // Last: renders every error (tenantry's and the body parser's) as application/problem+json.
  app.use(problemHandler());

  return { app, tenantId: tenant.id, close };
}
