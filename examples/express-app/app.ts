import express, { type Express } from 'express';
import type { RoleOf } from 'tenantry';
import {
  acceptInvitation,
  entitlementOf,
  notFoundHandler,
  problemHandler,
  rateLimit,
  requireCapability,
  requireEntitlement,
  tenantContext,
  tenantOf,
} from 'tenantry/express';
import type { roles } from '../catalog.js';
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
  const { tenantry, tenantId, close } = await createExampleWorld();

  // Rate counters live in the instance's store, so the limit holds across every instance.
  // Per member (tenant and user), because the limiters run after tenantContext().
  const aiRateLimit = rateLimit(tenantry, { name: 'ai', limit: 5, windowMs: 60_000 });
  const usageRateLimit = rateLimit(tenantry, { name: 'usage', limit: 30, windowMs: 60_000 });

  const app = express();
  app.use(express.json());

  // mergeParams: the router's middleware and routes see :tenantId from the mount path.
  const tenantRoutes = express.Router({ mergeParams: true });
  // Demo only: the user id comes from a header, as a trusted gateway would set it.
  // A real app resolves its verified session instead: { userId: (req) => req.user?.id }.
  tenantRoutes.use(tenantContext(tenantry, { userId: { header: 'x-user-id' }, wwwAuthenticate: 'Bearer realm="tenantry-example"' }));

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
    const page = await scope.members.list({ tenantId });
    res.json({ members: page.items.map(({ userId, role }) => ({ userId, role })) });
  });

  tenantRoutes.post('/members', requireCapability(tenantry, 'membership.manage'), async (req, res) => {
    const { scope, tenantId } = tenantOf(tenantry, req);
    const { userId, role } = (req.body ?? {}) as { userId?: string; role?: string };
    // Unchecked on purpose: tenantry validates, and a bad body becomes a 400 problem.
    const member = await scope.members.add({ tenantId, userId: userId as string, role: role as RoleOf<typeof roles> });
    res.status(201).json({ userId: member.userId, role: member.role });
  });

  tenantRoutes.post('/invitations', requireCapability(tenantry, 'membership.manage'), async (req, res) => {
    const { scope, tenantId } = tenantOf(tenantry, req);
    const { email, role } = (req.body ?? {}) as { email?: string; role?: string };
    const created = await scope.invitations.create({ tenantId, email: email as string, role: role as RoleOf<typeof roles> });
    // Demo only: a real app emails the token (once) and never returns it to the inviter.
    res.setHeader('cache-control', 'no-store');
    res.status(created.outcome === 'created' ? 201 : 200).json({
      invitationId: created.invitation.id,
      outcome: created.outcome,
      token: created.outcome === 'created' ? created.token : undefined,
    });
  });

  // The order matters: a flood is refused (429) before anything is consumed, and so is a member
  // without the capability (403). Send an Idempotency-Key to make retries count once: a
  // retry is answered 409 idempotent_replay and the handler does not run again.
  tenantRoutes.post(
    '/ai',
    aiRateLimit,
    requireCapability(tenantry, 'project.write'),
    requireEntitlement(tenantry, { featureKey: 'ai.tokens', amount: (req) => tokensRequested(req.body) }),
    (req, res) => {
      const { requested, used, remaining, replayed } = entitlementOf(req, 'ai.tokens');
      res.json({ tokens: requested, used, remaining, replayed });
    },
  );

  tenantRoutes.get('/usage', usageRateLimit, async (req, res) => {
    const { scope, tenantId } = tenantOf(tenantry, req);
    const report = await scope.usage.report({ tenantId });
    res.json({ usage: report.features.map(({ featureKey, used, limit }) => ({ featureKey, used, limit })) });
  });

  app.use('/tenants/:tenantId', tenantRoutes);
  // Outside the tenant routes: the invitee is not a member yet. The token travels in the body, never the URL.
  app.post('/invitations/accept', acceptInvitation(tenantry, { userId: { header: 'x-user-id' } }));
  // After every route: an unmatched path gets the canonical 404, the same bytes as a non-member's.
  app.use(notFoundHandler());
  // Last: renders every refusal and error (tenantry's and the body parser's) as application/problem+json,
  // and logs 5xx errors (safely) with console.error.
  app.use(problemHandler());

  return { app, tenantId, close };
}
