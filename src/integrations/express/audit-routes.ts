import { ConfigurationError } from '../../core/errors/index.js';
import { guardMarkOf, type GuardMark } from '../http/guard-mark.js';
import { auditOf, isUnder, joinPath, resolveAuditOptions, type AuditedRoute, type RouteAudit, type RouteAuditOptions } from '../http/route-audit.js';

/**
 * The parts of Express 5's router (the `router` package, 2.x) the audit
 * reads, typed structurally: no runtime dependency on Express, and a
 * router of another shape fails the audit loudly instead of passing it.
 */
interface RouterLayer {
  readonly handle: unknown;
  readonly rawPath?: unknown;
  readonly method?: string;
  readonly route?: { readonly path: unknown; readonly methods: Record<string, boolean>; readonly stack: readonly RouterLayer[] };
}

interface RouterLike {
  readonly stack: readonly RouterLayer[];
}

function isRouter(value: unknown): value is RouterLike {
  return typeof value === 'function' && Array.isArray((value as { stack?: unknown }).stack);
}

/** The declared paths of a layer: a string, each string of an array, a RegExp as its source text. */
function pathsOf(raw: unknown): string[] {
  if (raw === undefined) return ['/'];
  if (Array.isArray(raw)) return raw.flatMap((entry: unknown) => pathsOf(entry));
  if (typeof raw === 'string') return [raw];
  return [raw instanceof RegExp ? raw.source : '<unknown>'];
}

interface ActiveGuard {
  readonly path: string;
  readonly mark: GuardMark;
}

function walk(stack: readonly RouterLayer[], prefix: string, inherited: readonly ActiveGuard[], out: AuditedRoute[]): void {
  const active = [...inherited];
  for (const layer of stack) {
    const { route } = layer;
    if (route !== undefined) {
      const methods = Object.keys(route.methods).filter((method) => route.methods[method] === true);
      for (const routePath of pathsOf(route.path)) {
        const path = joinPath(prefix, routePath);
        const before = active.filter((guard) => isUnder(path, guard.path)).map((guard) => guard.mark);
        for (const method of methods) {
          // `.all()` handlers (no method) run for every method of the route.
          const own = route.stack.filter((inner) => inner.method === undefined || inner.method === method).flatMap((inner) => guardMarkOf(inner.handle) ?? []);
          out.push({ method: method === '_all' ? 'ALL' : method.toUpperCase(), path, guards: [...before, ...own] });
        }
      }
      continue;
    }
    for (const layerPath of pathsOf(layer.rawPath)) {
      const path = joinPath(prefix, layerPath);
      if (isRouter(layer.handle)) {
        walk(layer.handle.stack, path, active, out);
        continue;
      }
      const mark = guardMarkOf(layer.handle);
      if (mark !== undefined) active.push({ path, mark });
    }
  }
}

/**
 * Lists every route of an Express 5 app under the tenant prefix with the
 * tenantry guards that run for it (`tenantContext`, `requireCapability`,
 * `requireEntitlement`, `rateLimit`, recognised by a brand on the functions
 * they return, whether mounted with `use()` on the app or a router, or on
 * the route itself), and flags the unguarded ones. Made for a test in the
 * host:
 *
 * @example
 * ```ts fragment
 * expect(auditRoutes(app, { tenantPrefix: '/tenants/:tenantId' }).unguarded).toEqual([]);
 * ```
 *
 * A middleware counts for a route when it is declared before the route, in
 * the same router or a parent, at a path that covers the route's. A
 * guard wrapped in a function of your own is not recognised (the route is
 * flagged: the audit errs on the side of false alarms). Reads Express 5's
 * router stack (`app.router.stack`, `layer.rawPath`); throws
 * `ConfigurationError` for an app without one.
 */
export function auditRoutes(app: unknown, options?: RouteAuditOptions): RouteAudit {
  const resolved = resolveAuditOptions(options);
  // An application exposes its router as `app.router`; a Router is audited as it is.
  const router: unknown = isRouter(app)
    ? app
    : typeof app === 'function' || (typeof app === 'object' && app !== null)
      ? (app as { router?: unknown }).router
      : undefined;
  if (!isRouter(router)) {
    throw new ConfigurationError('auditRoutes() needs an Express 5 application (or router): no router stack found.');
  }
  const routes: AuditedRoute[] = [];
  walk(router.stack, '/', [], routes);
  return auditOf(routes, resolved);
}
