import { NotFoundError, ValidationError } from '../../core/errors/index.js';
import { userIdSchema } from '../../core/ids/identifiers.js';
import type { Scope } from '../../index.js';
import { HttpProblemError } from './http-problem-error.js';
import type { TenantContext } from './request-context.js';
import type { RequestReader } from './request-reader.js';
import type { ResolvedTenantContextOptions, UserIdSource } from './tenant-context-options.js';
import type { AnyTenantry } from './tenantry-instance.js';
import { safeIssueMessage } from '../../core/validation/issue-messages.js';

/**
 * The framework-free body of the tenant-context middleware. Resolves with the
 * context to attach to the request, or rejects with the refusal for the
 * problem handler to render:
 *
 * 1. resolve the user; none is `HttpProblemError('unauthenticated')` (401,
 *    with the configured `WWW-Authenticate`), a malformed one a
 *    `ValidationError` (400);
 * 2. create the request scope (with the session's `secondFactorAt`, for step-up);
 * 3. resolve the tenant id; a missing one is the canonical `NotFoundError`;
 * 4. ask the scope whether the user is a member. `isMember` needs no
 *    capability, shares the scope's memo (a later capability check on the
 *    same tenant costs no second lookup) and emits the `onDenied` event for a
 *    non-member; a malformed id is rejected by the scope before storage and,
 *    like a non-member, answered with the canonical 404.
 *
 * Storage failures reject as they are (rendered 503).
 */
export async function establishTenantContext<Request>(
  tenantry: AnyTenantry,
  options: ResolvedTenantContextOptions<Request>,
  request: Request,
  reader: RequestReader<Request>,
): Promise<TenantContext> {
  const userId = await resolveUserId(options.userId, request, reader);
  if (userId === undefined || userId === null) {
    throw new HttpProblemError('unauthenticated', options.wwwAuthenticate === undefined ? {} : { headers: { 'www-authenticate': options.wwwAuthenticate } });
  }
  const secondFactorAt = (await options.secondFactorAt?.(request)) ?? undefined;
  const scope: Scope = tenantry.forRequest(secondFactorAt === undefined ? { userId } : { userId, secondFactorAt });
  const tenantId = readTenantId(options, request, reader);
  if (tenantId === undefined || !(await scope.isMember(tenantId))) throw new NotFoundError();
  return Object.freeze({ scope, tenantId, userId });
}

/** The user id the source names; a header value is validated here, so its issue names the header. Shared with `acceptInvitation()`. */
export async function resolveUserId<Request>(
  source: UserIdSource<Request>,
  request: Request,
  reader: RequestReader<Request>,
): Promise<string | null | undefined> {
  if (typeof source === 'function') return source(request);
  const raw = reader.header(request, source.header);
  if (raw === undefined) return undefined;
  const parsed = userIdSchema.safeParse(raw, { error: safeIssueMessage });
  if (parsed.success) return parsed.data;
  // Our own messages (never the value): "Must not be empty.", "Must be at most 255 characters.", ...
  const issues = parsed.error.issues.map((issue) => ({ path: ['headers', source.header], message: issue.message }));
  throw new ValidationError(`Invalid ${source.header} header: ${issues.map((issue) => issue.message).join(' ')}`, issues);
}

function readTenantId<Request>(options: ResolvedTenantContextOptions<Request>, request: Request, reader: RequestReader<Request>): string | undefined {
  const source = options.tenantId;
  const raw: unknown =
    typeof source === 'function' ? source(request) : 'param' in source ? reader.param(request, source.param) : reader.header(request, source.header);
  // Arrays and anything else that is not one string cannot be a tenant id.
  return typeof raw === 'string' ? raw : undefined;
}
