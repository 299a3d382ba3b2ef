import type { CapabilityRegistry } from '../../core/capabilities/define-capabilities.js';
import { ConfigurationError, ForbiddenError } from '../../core/errors/index.js';
import { errorResponse } from './error-response.js';
import { notFoundResponse } from './not-found-response.js';
import type { ProblemResponse } from './problem-response.js';
import type { TenantryRequestContext } from './request-context.js';

/** The part of a tenantry instance a capability guard uses. */
export interface CapabilitySource<C extends string> {
  readonly capabilities: CapabilityRegistry<C>;
}

/**
 * Checks the guarded capability when the guard is created, so that a string
 * that escaped the type checker fails at start-up with
 * `UnknownCapabilityError` rather than with a 500 on every request.
 */
export function declaredCapability<C extends string>(tenantry: CapabilitySource<C>, capability: C): C {
  return tenantry.capabilities.assert(capability);
}

/**
 * The framework-free body of the capability guard. Resolves with `undefined`
 * when the actor may proceed, or the problem to answer: 403 `forbidden` for
 * a member lacking the capability, the canonical 404 if the scope no longer
 * sees a membership (after a `refresh()` within the request).
 *
 * Throws `ConfigurationError` when the tenant context did not run first:
 * that is a wiring mistake, rendered as a 500.
 */
export async function enforceCapability(
  context: TenantryRequestContext | null | undefined,
  capability: string,
  instance: string,
): Promise<ProblemResponse | undefined> {
  if (context === undefined || context === null) {
    throw new ConfigurationError('requireCapability() needs tenantContext() to run before it on the same route.');
  }
  const decision = await context.scope.check(context.tenantId, capability);
  if (decision.allowed) return undefined;
  return decision.status === 404 ? notFoundResponse() : errorResponse(new ForbiddenError(capability), instance);
}
