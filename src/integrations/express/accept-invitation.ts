import type { Request, RequestHandler, Response } from 'express';
import type { Tenantry } from '../../index.js';
import { acceptInvitationFlow, acceptInvitationOptions, type AcceptInvitationOptions } from '../http/accept-invitation-flow.js';
import { expressRequestReader } from './express-request-reader.js';

/**
 * An Express handler for `POST /invitations/accept`: the signed-in user
 * accepts the invitation whose token is in the JSON body (`{ "token": "tnv1_..." }`;
 * mount `express.json()` first). Answers 200 `{ tenantId, invitationId, role }`
 * with `Cache-Control: no-store`. Every refused token is the same 404
 * `invalid_token` problem (a replayed or guessed token learns nothing);
 * 409 `already_exists` for an existing member; 429 `too_many_attempts` with
 * `Retry-After` past the attempt limits (per token, and per client address);
 * 401 without a user. Errors go to `next()`, for `problemHandler()`.
 *
 * @example
 * ```ts fragment
 * app.post('/invitations/accept', acceptInvitation(tenantry, { userId: (req) => req.user?.id }));
 * ```
 */
export function acceptInvitation<C extends string, R extends string, F extends string, L extends F, P extends string>(
  tenantry: Tenantry<C, R, F, L, P>,
  options: AcceptInvitationOptions<Request>,
): RequestHandler {
  const instance = acceptInvitationOptions(tenantry, options, 'acceptInvitation()');
  return async function acceptInvitationHandler(req: Request, res: Response): Promise<void> {
    // Set first, so a refusal rendered by problemHandler() is not cached either.
    res.setHeader('cache-control', 'no-store');
    const body = await acceptInvitationFlow(instance, options, req, req.body as unknown, expressRequestReader);
    res.status(200).json(body);
  };
}
