import { z } from 'zod';
import { tenantIdSchema, userIdSchema } from '../../core/ids/identifiers.js';
import type { RoleMap } from '../../core/roles/define-roles.js';
import { actorSchema, type Actor } from '../../core/actors/actor.js';

/** Input of `tenants.create`. */
export interface CreateTenantInput {
  /** The user who becomes the first owner. */
  readonly ownerId: string;
  /** Use this id instead of a generated UUID (it must match the configured tenant-id format). */
  readonly id?: string;
  /** Who creates it; recorded as provenance and in the audit log. Default: the owner as a user actor. */
  readonly actor?: Actor;
}

/** Input of `members.add`. */
export interface AddMemberInput<R extends string> {
  /** Who adds the member: a user actor must be allowed to manage members; the system actor always may. */
  readonly actor: Actor;
  readonly tenantId: string;
  readonly userId: string;
  readonly role: R;
}

/** Input of `members.changeRole`. */
export interface ChangeRoleInput<R extends string> {
  readonly actor: Actor;
  readonly tenantId: string;
  readonly userId: string;
  readonly role: R;
}

/** Input of `members.remove`. */
export interface RemoveMemberInput {
  readonly actor: Actor;
  readonly tenantId: string;
  readonly userId: string;
}

/** Input of `members.leave`: the actor leaves the tenant. */
export interface LeaveTenantInput {
  readonly actor: { readonly type: 'user'; readonly userId: string };
  readonly tenantId: string;
}

/** Input of `members.transferOwnership`. */
export interface TransferOwnershipInput<R extends string> {
  /** The current owner (a user actor transfers their own ownership), or the system actor. */
  readonly actor: Actor;
  readonly tenantId: string;
  /** The owner giving up ownership. Default: the acting user. Required for the system actor. */
  readonly fromUserId?: string;
  /** The member who becomes owner; must already be a member. */
  readonly toUserId: string;
  /** The role the previous owner keeps. Default is the instance's `previousOwnerRole` option. */
  readonly previousOwnerRole?: R;
}

/** Keyset page request over members or audit entries. */
export interface PageInput {
  readonly actor: Actor;
  readonly tenantId: string;
  /** Page size, 1 to 1000. Default is 100. */
  readonly limit?: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
}

/** The zod schemas of every membership input, built once per instance. */
export function membershipSchemas(roles: RoleMap, tenantIdPattern: RegExp) {
  const tenantId = tenantIdSchema(tenantIdPattern);
  const role = z.string().refine((value) => roles.has(value), { message: 'Unknown role.' });
  const page = { actor: actorSchema, tenantId, limit: z.number().int().min(1).max(1000).optional() };
  return {
    create: z.object({ ownerId: userIdSchema, id: tenantId.optional(), actor: actorSchema.optional() }).strict(),
    member: z.object({ actor: actorSchema, tenantId, userId: userIdSchema, role }).strict(),
    remove: z.object({ actor: actorSchema, tenantId, userId: userIdSchema }).strict(),
    leave: z.object({ actor: z.object({ type: z.literal('user'), userId: userIdSchema }), tenantId }).strict(),
    transfer: z.object({ actor: actorSchema, tenantId, fromUserId: userIdSchema.optional(), toUserId: userIdSchema, previousOwnerRole: role.optional() }).strict(),
    memberPage: z.object({ ...page, cursor: userIdSchema.optional() }).strict(),
    auditPage: z.object({ ...page, cursor: z.uuid().optional() }).strict(),
  };
}
