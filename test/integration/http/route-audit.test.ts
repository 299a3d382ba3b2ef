import express from 'express';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { isConfigurationError } from 'tenantry';
import * as expressGuards from 'tenantry/express';
import * as fastifyGuards from 'tenantry/fastify';
import { setup } from '../../support/catalog.js';

const { tenantry } = setup();
const userId = { header: 'x-user-id' } as const;

describe('auditRoutes() for Express', () => {
  const { auditRoutes, rateLimit, requireCapability, tenantContext } = expressGuards;

  function app() {
    const application = express();
    application.use(express.json());
    const tenantRoutes = express.Router({ mergeParams: true });
    // Declared before the tenant context of its router: the context does not run for it.
    tenantRoutes.get('/early', (_req, res) => res.end());
    tenantRoutes.use(tenantContext(tenantry, { userId }));
    tenantRoutes.get('/', (_req, res) => res.end());
    tenantRoutes.post(
      '/billing',
      rateLimit(tenantry, { name: 'billing', limit: 5, windowMs: 1_000 }),
      requireCapability(tenantry, 'billing.manage'),
      (_req, res) => res.end(),
    );
    tenantRoutes
      .route('/projects')
      .all(requireCapability(tenantry, 'project.read'))
      .get((_req, res) => res.end())
      .delete(requireCapability(tenantry, 'project.delete'), (_req, res) => res.end());
    const nested = express.Router({ mergeParams: true });
    nested.get('/:projectId', (_req, res) => res.end());
    tenantRoutes.use('/archive', nested);
    application.use('/tenants/:tenantId', tenantRoutes);

    // A second router on the same prefix without a context: every route in it is unguarded.
    const forgotten = express.Router({ mergeParams: true });
    forgotten.get('/export', (_req, res) => res.end());
    // A guard wrapped in a host function is not recognised: a false alarm, never a false all-clear.
    const capability = requireCapability(tenantry, 'audit.read');
    forgotten.get(
      '/audit',
      (req, res, next) => capability(req, res, next),
      (_req, res) => res.end(),
    );
    forgotten.all('/rate-only', rateLimit(tenantry, { name: 'x', limit: 5, windowMs: 1_000 }), (_req, res) => res.end());
    application.use('/tenants/:tenantId', forgotten);
    application.get('/health', (_req, res) => res.end());
    return application;
  }

  it('lists every route under the prefix with its guards, in order, and flags the unguarded ones', () => {
    const audit = auditRoutes(app(), { tenantPrefix: '/tenants/:tenantId' });
    expect(audit.routes.map(({ method, path, guards }) => [method, path, guards.map((guard) => guard.detail ?? guard.kind)])).toEqual([
      ['GET', '/tenants/:tenantId/early', []],
      ['GET', '/tenants/:tenantId', ['tenant-context']],
      ['POST', '/tenants/:tenantId/billing', ['tenant-context', 'billing', 'billing.manage']],
      // `.all()` makes the route answer every method: it is listed as ALL too.
      ['ALL', '/tenants/:tenantId/projects', ['tenant-context', 'project.read']],
      ['GET', '/tenants/:tenantId/projects', ['tenant-context', 'project.read']],
      ['DELETE', '/tenants/:tenantId/projects', ['tenant-context', 'project.read', 'project.delete']],
      ['GET', '/tenants/:tenantId/archive/:projectId', ['tenant-context']],
      ['GET', '/tenants/:tenantId/export', []],
      ['GET', '/tenants/:tenantId/audit', []],
      ['ALL', '/tenants/:tenantId/rate-only', ['x']],
    ]);
    expect(audit.unguarded).toEqual([
      'GET /tenants/:tenantId/early',
      'GET /tenants/:tenantId/export',
      'GET /tenants/:tenantId/audit',
      'ALL /tenants/:tenantId/rate-only',
    ]);
    expect(audit.routes[2]?.guards.map((guard) => guard.kind)).toEqual(['tenant-context', 'rate-limit', 'capability']);
  });

  it('with require, demands the listed kinds on every route; with prefix "/", audits the whole app', () => {
    const audit = auditRoutes(app(), { require: ['tenant-context', 'capability'] });
    expect(audit.unguarded).toContain('GET /tenants/:tenantId');
    expect(audit.unguarded).toContain('GET /tenants/:tenantId/archive/:projectId');
    expect(audit.unguarded).not.toContain('POST /tenants/:tenantId/billing');
    expect(auditRoutes(app(), { tenantPrefix: '/' }).unguarded).toContain('GET /health');
    expect(auditRoutes(app(), { tenantPrefix: '/tenants/:tenantId/billing' }).routes).toHaveLength(1);
  });

  it('audits a Router on its own, and refuses what is not an Express app or wrong options with ConfigurationError', () => {
    const router = express.Router();
    router.get('/tenants/:tenantId/x', tenantContext(tenantry, { userId }), (_req, res) => res.end());
    expect(auditRoutes(router).unguarded).toEqual([]);
    expect(auditRoutes(router).routes).toHaveLength(1);
    for (const call of [
      () => auditRoutes({}),
      () => auditRoutes(app(), { tenantPrefix: 'tenants' }),
      () => auditRoutes(app(), { require: ['nope' as never] }),
    ]) {
      expect(call).toThrow(expect.objectContaining({ code: 'configuration_invalid' }) as Error);
      try {
        call();
      } catch (error) {
        expect(isConfigurationError(error)).toBe(true);
      }
    }
  });

  it('a marked guard still behaves as before (the brand is invisible)', () => {
    const guard = requireCapability(tenantry, 'billing.read');
    expect(guard.name).toBe('requireCapabilityMiddleware');
    expect(Object.keys(guard)).toEqual([]);
  });
});

describe('auditRoutes() for Fastify', () => {
  const { auditRoutes, rateLimit, requireCapability, tenantContext, tenantryPlugin } = fastifyGuards;

  async function app() {
    const application = Fastify();
    await application.register(tenantryPlugin);
    await application.register(
      (tenantRoutes, _options, done) => {
        tenantRoutes.addHook('preHandler', tenantContext(tenantry, { userId }));
        tenantRoutes.get('/', () => ({}));
        tenantRoutes.post(
          '/billing',
          { preHandler: [rateLimit(tenantry, { name: 'billing', limit: 5, windowMs: 1_000 }), requireCapability(tenantry, 'billing.manage')] },
          () => ({}),
        );
        tenantRoutes.delete('/projects', { preHandler: requireCapability(tenantry, 'project.delete') }, () => ({}));
        done();
      },
      { prefix: '/tenants/:tenantId' },
    );
    await application.register(
      (forgotten, _options, done) => {
        forgotten.get('/export', () => ({}));
        // Route-level context in onRequest counts too.
        forgotten.get('/early', { onRequest: tenantContext(tenantry, { userId }) }, () => ({}));
        done();
      },
      { prefix: '/tenants/:tenantId' },
    );
    application.get('/health', () => ({}));
    await application.ready();
    return application;
  }

  it('lists every route under the prefix with context hooks and route hooks, folding the automatic HEAD routes', async () => {
    const application = await app();
    const audit = auditRoutes(application);
    expect(audit.routes.map(({ method, path, guards }) => [method, path, guards.map((guard) => guard.detail ?? guard.kind)])).toEqual([
      ['GET', '/tenants/:tenantId', ['tenant-context']],
      ['POST', '/tenants/:tenantId/billing', ['tenant-context', 'billing', 'billing.manage']],
      ['DELETE', '/tenants/:tenantId/projects', ['tenant-context', 'project.delete']],
      ['GET', '/tenants/:tenantId/export', []],
      ['GET', '/tenants/:tenantId/early', ['tenant-context']],
    ]);
    expect(audit.unguarded).toEqual(['GET /tenants/:tenantId/export']);
    expect(auditRoutes(application, { require: ['capability'] }).unguarded).toEqual([
      'GET /tenants/:tenantId',
      'GET /tenants/:tenantId/export',
      'GET /tenants/:tenantId/early',
    ]);
    expect(auditRoutes(application, { tenantPrefix: '/' }).unguarded).toContain('GET /health');
    await application.close();
  });

  it('needs tenantryPlugin before the routes (ConfigurationError otherwise)', async () => {
    const application = Fastify();
    application.get('/tenants/:tenantId', () => ({}));
    await application.ready();
    expect(() => auditRoutes(application)).toThrow(expect.objectContaining({ code: 'configuration_invalid' }) as Error);
    await application.close();
  });
});
