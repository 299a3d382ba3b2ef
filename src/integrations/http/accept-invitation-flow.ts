import { z } from 'zod';
import { InvalidTokenError } from '../../core/errors/index.js';
import { parseConfig } from '../../core/validation/parse-input.js';
import { HttpProblemError } from './http-problem-error.js';
import { isFunction } from './option-schemas.js';
import type { RequestReader } from './request-reader.js';
import type { UserIdSource } from './tenant-context-options.js';
import { resolveUserId } from './tenant-context-flow.js';
import { assertTenantry, type AnyTenantry } from './tenantry-instance.js';

/** Options of the Express and Fastify `acceptInvitation()` handlers. */
export interface AcceptInvitationOptions<Request> {
  /** The signed-in user who accepts (a resolver of your session, or a trusted gateway's header); none is a 401. */
  readonly userId: UserIdSource<Request>;
  /**
   * The user's email as your identity layer has verified it, for invitations
   * created with `requireEmailMatch`. Never read it from the request body.
   * Default: none (such invitations are then refused).
   */
  readonly email?: (request: Request) => string | null | undefined | Promise<string | null | undefined>;
}

/** What the handlers answer on success (`200`, `Cache-Control: no-store`). */
export interface AcceptInvitationResponseBody {
  readonly tenantId: string;
  readonly invitationId: string;
  readonly role: string;
}

const optionsSchema = z
  .object({
    userId: z.union([z.custom(isFunction), z.object({ header: z.string().min(1) }).strict()]),
    email: z.custom(isFunction).optional(),
  })
  .strict();

/** Validates the options once, when the handler is created. */
export function acceptInvitationOptions<Request>(tenantry: unknown, options: AcceptInvitationOptions<Request>, what: string): AnyTenantry {
  assertTenantry(tenantry, what);
  parseConfig(optionsSchema, options, `${what} options`);
  return tenantry;
}

/**
 * Accepts the invitation whose token is the `token` member of the JSON body
 * (never a URL path: paths end up in logs and `Referer` headers). A body
 * without a string token is refused like any other bad token (404
 * `invalid_token`, before storage). The client address is the per-caller
 * key of the attempt limit.
 */
export async function acceptInvitationFlow<Request>(
  tenantry: AnyTenantry,
  options: AcceptInvitationOptions<Request>,
  request: Request,
  body: unknown,
  reader: RequestReader<Request>,
): Promise<AcceptInvitationResponseBody> {
  const userId = await resolveUserId(options.userId, request, reader);
  if (userId === undefined || userId === null) throw new HttpProblemError('unauthenticated');
  const token = typeof body === 'object' && body !== null ? (body as { readonly token?: unknown }).token : undefined;
  if (typeof token !== 'string') throw new InvalidTokenError();
  const email = (await options.email?.(request)) ?? undefined;
  const ip = reader.ip(request);
  const accepted = await tenantry.forRequest({ userId }).invitations.accept({
    token,
    ...(email === undefined ? {} : { email }),
    ...(ip === undefined ? {} : { callerKey: `ip:${ip}` }),
  });
  return Object.freeze({ tenantId: accepted.member.tenantId, invitationId: accepted.invitation.id, role: accepted.member.role });
}
