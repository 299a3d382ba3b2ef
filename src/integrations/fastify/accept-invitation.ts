import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Tenantry } from '../../index.js';
import {
  acceptInvitationFlow,
  acceptInvitationOptions,
  type AcceptInvitationOptions,
  type AcceptInvitationResponseBody,
} from '../http/accept-invitation-flow.js';
import { fastifyRequestReader } from './fastify-request-reader.js';

/**
 * A Fastify route handler for `POST /invitations/accept`: the signed-in user
 * accepts the invitation whose token is in the JSON body
 * (`{ "token": "tnv1_..." }`). Answers 200 `{ tenantId, invitationId, role }`
 * with `Cache-Control: no-store`. Every refused token is the same 404
 * `invalid_token` problem; 409 `already_exists` for an existing member; 429
 * `too_many_attempts` with `Retry-After` past the attempt limits; 401
 * without a user. Errors are thrown, for the plugin's problem handler.
 *
 * @example
 * ```ts fragment
 * app.post('/invitations/accept', acceptInvitation(tenantry, { userId: (request) => request.user?.id }));
 * ```
 */
export function acceptInvitation<C extends string, R extends string, F extends string, L extends F, P extends string>(
  tenantry: Tenantry<C, R, F, L, P>,
  options: AcceptInvitationOptions<FastifyRequest>,
): (request: FastifyRequest, reply: FastifyReply) => Promise<AcceptInvitationResponseBody> {
  const instance = acceptInvitationOptions(tenantry, options, 'acceptInvitation()');
  return async function acceptInvitationHandler(request: FastifyRequest, reply: FastifyReply): Promise<AcceptInvitationResponseBody> {
    // Set first, so a refusal rendered by the problem handler is not cached either.
    void reply.header('cache-control', 'no-store');
    const body = await acceptInvitationFlow(instance, options, request, request.body, fastifyRequestReader);
    return reply.code(200).send(body) as unknown as AcceptInvitationResponseBody;
  };
}
