import type { FastifyInstance, RouteOptions } from 'fastify';
import { ConfigurationError } from '../../core/errors/index.js';

/** Where `tenantryPlugin` keeps the routes declared after it, for `auditRoutes()`. */
const ROUTE_LOG = Symbol.for('tenantry.routeLog');

/** One declared route: its options as declared and the (encapsulated) instance it was declared in, whose hooks run for it. */
export interface LoggedRoute {
  readonly options: RouteOptions;
  readonly instance: FastifyInstance;
}

/**
 * Starts recording the routes declared in `fastify` and its descendants
 * from now on (Fastify tells `onRoute` hooks of every route declared after
 * them). Once per instance: a second registration keeps the first log.
 */
export function recordRoutes(fastify: FastifyInstance): void {
  if (Object.hasOwn(fastify, ROUTE_LOG)) return;
  const log: LoggedRoute[] = [];
  Object.defineProperty(fastify, ROUTE_LOG, { value: log, enumerable: false });
  fastify.addHook('onRoute', function logRoute(this: FastifyInstance, options) {
    log.push({ options, instance: this });
  });
}

/** The routes recorded for `app` (or an ancestor), or `ConfigurationError` when `tenantryPlugin` was not registered there. */
export function loggedRoutes(app: FastifyInstance): readonly LoggedRoute[] {
  const log = (app as unknown as Record<symbol, unknown>)[ROUTE_LOG];
  if (!Array.isArray(log)) {
    throw new ConfigurationError('auditRoutes() needs tenantryPlugin registered on this instance (or an ancestor) before the routes it should audit.');
  }
  return log as LoggedRoute[];
}

/**
 * The hooks added with `addHook()` to the context a route was declared in.
 * Fastify keeps them under a private symbol (`fastify.hooks`); it is looked
 * up by its description. Should that ever change, the audit sees no
 * context hooks and flags routes as unguarded: a false alarm, never a
 * false all-clear.
 */
export function contextHooks(instance: FastifyInstance, hook: string): readonly unknown[] {
  for (let target: object | null = instance; target !== null; target = Object.getPrototypeOf(target) as object | null) {
    const key = Object.getOwnPropertySymbols(target).find((symbol) => symbol.description === 'fastify.hooks');
    if (key === undefined) continue;
    const hooks = (target as Record<symbol, unknown>)[key];
    const list = typeof hooks === 'object' && hooks !== null ? (hooks as Record<string, unknown>)[hook] : undefined;
    return Array.isArray(list) ? list : [];
  }
  return [];
}
