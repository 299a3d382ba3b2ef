import type { RequestScope } from '../../services/authz/request-scope.js';
import { notFoundResponse } from './not-found-response.js';
import { catalogDetails } from './problem-details.js';
import { renderProblem, type ProblemResponse } from './problem-response.js';
import type { TenantryRequestContext } from './request-context.js';
import type { ResolvedTenantContextOptions } from './tenant-context-options.js';

/**
 * The part of a tenantry instance the tenant context uses. Structural, so the
 * HTTP layer does not depend on how the instance is assembled.
 */
export interface ScopeFactory<C extends string> {
  forRequest(actor: { readonly userId: string }): RequestScope<C>;
}

/** How the flow reads a framework's request. */
export interface RequestReader<Request> {
  /** A route parameter, as the framework decoded it. */
  param(request: Request, name: string): unknown;
  /** A header by lower-case name, as Node parsed it. */
  header(request: Request, name: string): unknown;
  /** The request path without query string, for `instance`. */
  path(request: Request): string;
  /** The client address as the framework reports it (proxy trust applied), for the rate limiter's default key. */
  ip(request: Request): string | undefined;
}

/** Either the context to attach to the request, or the problem to answer instead. */
export type TenantContextOutcome<C extends string> =
  | { readonly ok: true; readonly context: TenantryRequestContext<C> }
  | { readonly ok: false; readonly response: ProblemResponse };

/**
 * The framework-free body of the tenant-context middleware:
 *
 * 1. resolve the actor; none is a 401 `unauthenticated` problem;
 * 2. create the request scope (a malformed user id throws `ValidationError`);
 * 3. resolve the tenant id; a missing one is the canonical 404;
 * 4. ask the scope whether the actor is a member. `isMember` needs no
 *    capability, shares the scope's memo (a later capability check on the
 *    same tenant costs no second lookup) and emits the `onDenied` event for a
 *    non-member; a malformed id is rejected by the scope before storage and,
 *    like a non-member, answered with the canonical 404.
 *
 * Storage failures reject (the problem handler renders them as 503).
 */
export async function establishTenantContext<C extends string, Request>(
  tenantry: ScopeFactory<C>,
  options: ResolvedTenantContextOptions<Request>,
  request: Request,
  reader: RequestReader<Request>,
): Promise<TenantContextOutcome<C>> {
  const userId = await options.actor(request);
  if (userId === undefined || userId === null) {
    return { ok: false, response: unauthenticatedResponse(reader.path(request), options.wwwAuthenticate) };
  }
  const scope = tenantry.forRequest({ userId });
  const tenantId = readTenantId(options, request, reader);
  if (tenantId === undefined || !(await scope.isMember(tenantId))) {
    return { ok: false, response: notFoundResponse() };
  }
  return { ok: true, context: Object.freeze({ scope, tenantId }) };
}

function readTenantId<Request>(
  options: ResolvedTenantContextOptions<Request>,
  request: Request,
  reader: RequestReader<Request>,
): string | undefined {
  const source = options.tenantId;
  const raw: unknown =
    typeof source === 'function' ? source(request) : 'param' in source ? reader.param(request, source.param) : reader.header(request, source.header);
  // Arrays (a repeated header) and anything else that is not one string cannot be a tenant id.
  return typeof raw === 'string' ? raw : undefined;
}

function unauthenticatedResponse(instance: string, challenge: string | undefined): ProblemResponse {
  const details = catalogDetails('unauthenticated', instance);
  return renderProblem(details, challenge === undefined ? {} : { 'www-authenticate': challenge });
}
