import type { FastifyInstance } from 'fastify';
import { guardMarkOf } from '../http/guard-mark.js';
import { auditOf, joinPath, resolveAuditOptions, type AuditedRoute, type RouteAudit, type RouteAuditOptions } from '../http/route-audit.js';
import { contextHooks, loggedRoutes } from './route-log.js';

/** The request hooks a guard can run in, in Fastify's order; context hooks run before a route's own in each. */
const GUARD_HOOKS = ['onRequest', 'preParsing', 'preValidation', 'preHandler'] as const;

/**
 * Lists every route of a Fastify app under the tenant prefix with the
 * tenantry guards that run for it (`tenantContext`, `requireCapability`,
 * `requireEntitlement`, `rateLimit`, recognised by a brand on the hooks
 * they return, whether added with `addHook()` to the route's context or
 * given in the route's options), and flags the unguarded ones. Made for a
 * test in the host:
 *
 * @example
 * ```ts fragment
 * await app.ready();
 * expect(auditRoutes(app, { tenantPrefix: '/tenants/:tenantId' }).unguarded).toEqual([]);
 * ```
 *
 * Needs `tenantryPlugin` registered on `app` (or an ancestor) before the
 * routes, which records them as they are declared; otherwise
 * `ConfigurationError`. Run it after `ready()` so every plugin has
 * declared its routes. A guard wrapped in a function of your own is not
 * recognised (the route is flagged: false alarms, never a false all-clear).
 * The HEAD route Fastify adds for each GET route is folded into the GET.
 */
export function auditRoutes(app: FastifyInstance, options?: RouteAuditOptions): RouteAudit {
  const resolved = resolveAuditOptions(options);
  const routes: AuditedRoute[] = [];
  const seen = new Set<string>();
  for (const { options: route, instance } of loggedRoutes(app)) {
    const guards = GUARD_HOOKS.flatMap((hook) => {
      const own: unknown = route[hook];
      const routeHooks: readonly unknown[] = Array.isArray(own) ? own : own === undefined ? [] : [own];
      return [...contextHooks(instance, hook), ...routeHooks].flatMap((fn) => guardMarkOf(fn) ?? []);
    });
    const path = joinPath('/', route.url);
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      const key = `${method.toUpperCase()} ${path}`;
      // A prefixed '/' route is declared twice (with and without the trailing slash); one entry is enough.
      if (seen.has(key)) continue;
      seen.add(key);
      routes.push({ method: method.toUpperCase(), path, guards });
    }
  }
  // Fastify adds a HEAD route for every GET route, with the same hooks: fold it into the GET unless it differs.
  const sameAsGet = (route: AuditedRoute): boolean =>
    route.method === 'HEAD' &&
    routes.some((other) => other.method === 'GET' && other.path === route.path && JSON.stringify(other.guards) === JSON.stringify(route.guards));
  return auditOf(
    routes.filter((route) => !sameAsGet(route)),
    resolved,
  );
}
