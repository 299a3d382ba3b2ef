import { ConfigurationError } from '../../core/errors/index.js';
import { GUARD_KINDS, type GuardKind, type GuardMark } from './guard-mark.js';

/** Options of `auditRoutes()`. */
export interface RouteAuditOptions {
  /**
   * Only routes whose path starts with this prefix are audited. Default
   * `/tenants/:tenantId`; `/` audits every route.
   */
  readonly tenantPrefix?: string;
  /**
   * Guard kinds every audited route must carry to count as guarded. Default:
   * none in particular, but at least one of `tenant-context`, `capability`
   * or `entitlement` (each refuses a non-member; a rate limit alone does not).
   * `['tenant-context', 'capability']` demands a capability guard on every
   * route too.
   */
  readonly require?: readonly GuardKind[];
}

/** One audited route. */
export interface AuditedRoute {
  /** Upper-case HTTP method (`ALL` for Express `app.all()`). */
  readonly method: string;
  /** The full path as declared (parameters as `:name`). */
  readonly path: string;
  /** The tenantry guards that run for it, in order (context-level ones first). */
  readonly guards: readonly GuardMark[];
}

/** What `auditRoutes()` found. */
export interface RouteAudit {
  /** Every route under the prefix, in declaration order. */
  readonly routes: readonly AuditedRoute[];
  /** `METHOD path` of every audited route that is not guarded (see {@link RouteAuditOptions.require}); empty when clean. */
  readonly unguarded: readonly string[];
}

/** Guards that refuse a non-member: any one of them makes a route guarded by default. */
const MEMBERSHIP_GUARDS: ReadonlySet<GuardKind> = new Set(['tenant-context', 'capability', 'entitlement']);

/** Validated options. */
export interface ResolvedAuditOptions {
  readonly tenantPrefix: string;
  readonly require: readonly GuardKind[];
}

/** Validates the options (a `ConfigurationError` names the wrong one: an audit runs in tests and at start-up). */
export function resolveAuditOptions(options: RouteAuditOptions = {}): ResolvedAuditOptions {
  const tenantPrefix = options.tenantPrefix ?? '/tenants/:tenantId';
  if (typeof tenantPrefix !== 'string' || !tenantPrefix.startsWith('/')) {
    throw new ConfigurationError('Invalid auditRoutes() options: tenantPrefix: expected a path starting with "/".');
  }
  const require: unknown = options.require ?? [];
  if (!Array.isArray(require) || !require.every((kind: unknown) => (GUARD_KINDS as readonly unknown[]).includes(kind))) {
    throw new ConfigurationError(`Invalid auditRoutes() options: require: expected guard kinds among ${GUARD_KINDS.join(', ')}.`);
  }
  return { tenantPrefix: trimSlash(tenantPrefix), require: require as GuardKind[] };
}

/** Joins two path segments the way routers do: one slash between, none at the end (except the root). */
export function joinPath(prefix: string, path: string): string {
  return trimSlash(`${prefix}/${path}`.replace(/\/{2,}/g, '/'));
}

function trimSlash(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/** True when `path` is `prefix` or below it (segment-wise, so `/tenants` does not cover `/tenantsX`). */
export function isUnder(path: string, prefix: string): boolean {
  return prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);
}

/** Builds the audit from the collected routes. */
export function auditOf(routes: readonly AuditedRoute[], options: ResolvedAuditOptions): RouteAudit {
  const audited = routes
    .filter((route) => isUnder(route.path, options.tenantPrefix))
    .map((route) => Object.freeze({ ...route, guards: Object.freeze([...route.guards]) }));
  const guarded = (route: AuditedRoute): boolean => {
    const kinds = new Set(route.guards.map((guard) => guard.kind));
    if (options.require.length > 0) return options.require.every((kind) => kinds.has(kind));
    return [...kinds].some((kind) => MEMBERSHIP_GUARDS.has(kind));
  };
  return Object.freeze({
    routes: Object.freeze(audited),
    unguarded: Object.freeze(audited.filter((route) => !guarded(route)).map((route) => `${route.method} ${route.path}`)),
  });
}
