import type { FastifyInstance, FastifyPluginCallback, FastifyRequest } from 'fastify';
import { ConfigurationError } from '../../core/errors/index.js';
import type { ProblemHandlerOptions } from '../http/problem-renderer.js';
import { notFoundHandler } from './not-found-handler.js';
import { problemHandler } from './problem-handler.js';
import { recordRoutes } from './route-log.js';

/** Options of {@link tenantryPlugin}. */
export interface TenantryPluginOptions {
  /**
   * Installs {@link problemHandler} as the error handler of the context the
   * plugin is registered in: `true` with default options, an object to pass
   * options (`typeBase`, `extend`, `onServerError`), `false` to keep your own
   * error handler, which then renders the guards' refusals too. Default is
   * `true`.
   */
  readonly problemHandler?: boolean | ProblemHandlerOptions<FastifyRequest>;
  /**
   * Installs {@link notFoundHandler} as the not-found handler of the context
   * the plugin is registered in, so unmatched routes get the canonical 404
   * (rendered by the problem handler: with `problemHandler: false`, by yours).
   * Fastify allows one not-found handler per prefix, and a second one is a
   * start-up error (`ConfigurationError`), so this is opt-in: `true` to
   * install it, `false` to keep Fastify's or your own. Default is `false`.
   */
  readonly notFoundHandler?: boolean;
}

function register(fastify: FastifyInstance, options: TenantryPluginOptions, done: (error?: Error) => void): void {
  const handlerOption: unknown = options.problemHandler ?? true;
  if (typeof handlerOption !== 'boolean' && (typeof handlerOption !== 'object' || handlerOption === null)) {
    done(new ConfigurationError('Invalid tenantryPlugin options: problemHandler: expected a boolean or problem handler options.'));
    return;
  }
  const notFoundOption: unknown = options.notFoundHandler ?? false;
  if (typeof notFoundOption !== 'boolean') {
    done(new ConfigurationError('Invalid tenantryPlugin options: notFoundHandler: expected a boolean.'));
    return;
  }
  // Decorating up front keeps every request object the same shape (Fastify's
  // advice for speed); a second registration in the same context is harmless.
  if (!fastify.hasRequestDecorator('tenantry')) fastify.decorateRequest('tenantry', null);
  if (!fastify.hasRequestDecorator('tenantryEntitlements')) fastify.decorateRequest('tenantryEntitlements', null);
  // For auditRoutes(): the routes declared from now on, with the context they were declared in.
  recordRoutes(fastify);
  if (handlerOption !== false) {
    try {
      fastify.setErrorHandler(problemHandler(handlerOption === true ? {} : (handlerOption as ProblemHandlerOptions<FastifyRequest>)));
    } catch (error) {
      // Invalid problem handler options: a ConfigurationError naming the option, from registration.
      done(error as Error);
      return;
    }
  }
  if (notFoundOption) {
    try {
      fastify.setNotFoundHandler(notFoundHandler());
    } catch (error) {
      // Fastify refuses a second not-found handler for the same prefix with a plain Error.
      const prefix = fastify.prefix === '' ? '/' : fastify.prefix;
      done(new ConfigurationError(`tenantryPlugin: notFoundHandler: a not-found handler is already set for prefix '${prefix}'.`, { cause: error }));
      return;
    }
  }
  done();
}

/**
 * The Fastify plugin: decorates requests with `tenantry` (`null` until the
 * `tenantContext()` hook sets it) and `tenantryEntitlements` (`null` until a
 * `requireEntitlement()` guard sets it), by default installs the
 * problem+json error handler and, with `{ notFoundHandler: true }`, the
 * canonical 404 for unmatched routes.
 *
 * It skips Fastify's encapsulation (like plugins wrapped in
 * `fastify-plugin`), so its decoration and handlers apply to the context
 * that registers it and that context's children. Register it once at the
 * root for the whole application, or inside an encapsulated plugin (for
 * example one registered with `{ prefix: '/tenants/:tenantId' }`) to confine
 * the handlers to those routes (a not-found handler needs a prefix of its
 * own: an encapsulated context without one shares its parent's). It adds no
 * request hooks (only an `onRoute` hook that records the routes declared
 * after it, for `auditRoutes()`): tenant context, capability and entitlement guards and rate limits
 * are opted into per context or per route. The guards throw their refusals
 * to the error handler, so the problem handler renders every problem of the
 * context, with its `typeBase` and `extend`.
 *
 * @example
 * ```ts fragment
 * await app.register(tenantryPlugin, { notFoundHandler: true });
 * await app.register(async (tenantRoutes) => {
 *   tenantRoutes.addHook('preHandler', tenantContext(tenantry, { userId: { header: 'x-user-id' } }));
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
