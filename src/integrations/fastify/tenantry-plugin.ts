import type { FastifyInstance, FastifyPluginCallback, FastifyRequest } from 'fastify';
import { ConfigurationError } from '../../core/errors/index.js';
import type { ProblemHandlerOptions } from '../http/error-response.js';
import { problemHandler } from './problem-handler.js';

/** Options of {@link tenantryPlugin}. */
export interface TenantryPluginOptions {
  /**
   * Installs {@link problemHandler} as the error handler of the context the
   * plugin is registered in: `true` with default options, an object to pass
   * options, `false` to keep your own error handler. Default is `true`.
   */
  readonly problemHandler?: boolean | ProblemHandlerOptions<FastifyRequest>;
}

function register(fastify: FastifyInstance, options: TenantryPluginOptions, done: (error?: Error) => void): void {
  const handlerOption: unknown = options.problemHandler ?? true;
  if (typeof handlerOption !== 'boolean' && (typeof handlerOption !== 'object' || handlerOption === null)) {
    done(new ConfigurationError('Invalid tenantryPlugin options: problemHandler: expected a boolean or problem handler options.'));
    return;
  }
  // Decorating up front keeps every request object the same shape (Fastify's
  // advice for speed); a second registration in the same context is harmless.
  if (!fastify.hasRequestDecorator('tenantry')) fastify.decorateRequest('tenantry', null);
  if (!fastify.hasRequestDecorator('tenantryEntitlements')) fastify.decorateRequest('tenantryEntitlements', null);
  if (handlerOption !== false) {
    fastify.setErrorHandler(problemHandler(handlerOption === true ? {} : (handlerOption as ProblemHandlerOptions<FastifyRequest>)));
  }
  done();
}

/**
 * The Fastify plugin: decorates requests with `tenantry` (`null` until the
 * `tenantContext()` hook sets it) and `tenantryEntitlements` (`null` until a
 * `requireEntitlement()` guard sets it) and, by default, installs the
 * problem+json error handler.
 *
 * It skips Fastify's encapsulation (like plugins wrapped in
 * `fastify-plugin`), so its decoration and error handler apply to the
 * context that registers it and that context's children. Register it once at
 * the root for the whole application, or inside an encapsulated plugin (for
 * example one registered with `{ prefix: '/tenants/:tenantId' }`) to confine
 * the error handler to those routes. It adds no hooks: tenant context,
 * capability and entitlement guards and rate limits are opted into per
 * context or per route.
 *
 * @example
 * ```ts
 * await app.register(tenantryPlugin);
 * await app.register(async (tenantRoutes) => {
 *   tenantRoutes.addHook('preHandler', tenantContext(tenantry, { actor: (request) => request.user?.id }));
 *   tenantRoutes.get('/billing', { preHandler: requireCapability(tenantry, 'billing.read') }, () => ({ plan: 'pro' }));
 * }, { prefix: '/tenants/:tenantId' });
 * ```
 */
export const tenantryPlugin: FastifyPluginCallback<TenantryPluginOptions> = Object.assign(register, {
  // The documented way to opt out of encapsulation without depending on fastify-plugin.
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'tenantry',
  // Read by Fastify to refuse an incompatible major version at registration.
  [Symbol.for('plugin-meta')]: { name: 'tenantry', fastify: '5.x' },
});
