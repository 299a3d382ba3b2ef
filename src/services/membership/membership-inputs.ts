import type { TemplateName } from '../../core/templates/define-templates.js';
import { z } from 'zod';
import { userIdSchema } from '../../core/ids/identifiers.js';
import { tenantSchemas, type TenantDescription } from '../shared/tenant-inputs.js';

/** Input of `scope.tenants.create`: who owns it, its id, and how it is described (name, slug, metadata). */
export interface CreateTenantInput extends TenantDescription {
  /**
   * The user who becomes the first owner. Default for a user actor: the
   * actor (a user can only create tenants they own). Required for a system actor.
   */
  readonly ownerId?: string;
  /** Use this id instead of a generated UUID (it must follow the instance's tenant-id rule). */
  readonly id?: string;
  /**
   * A template from the instance's `templates` option: its package,
   * namespace limits and members are applied in the same transaction as
   * the creation. Typed by `TemplateRegistry`; an undeclared name is a
   * `ValidationError`, and an instance without templates a `ConfigurationError`.
   */
  readonly template?: TemplateName;
}

/** Input of `scope.members.add`. */
export interface AddMemberInput<R extends string = string> {
  readonly tenantId: string;
  /** An existing user of the host. */
  readonly userId: string;
  readonly role: R;
}

/** Input of `scope.members.changeRole`. */
export interface ChangeRoleInput<R extends string = string> {
  readonly tenantId: string;
  readonly userId: string;
  /** The new role. */
  readonly role: R;
}

/** Input of `scope.members.remove`. */
export interface RemoveMemberInput {
  readonly tenantId: string;
  readonly userId: string;
}

/** Input of `scope.members.leave`: the acting user leaves the tenant. */
export interface LeaveTenantInput {
  readonly tenantId: string;
}

/** Input of `scope.members.transferOwnership`. */
export interface TransferOwnershipInput<R extends string = string> {
  readonly tenantId: string;
  /** The member who becomes owner; must already be a member. */
  readonly toUserId: string;
  /** The owner giving up ownership. Default: the acting user. Required for a system actor. */
  readonly fromUserId?: string;
  /** The role the previous owner keeps. Default is the instance's `previousOwnerRole` option. */
  readonly previousOwnerRole?: R;
}

const role = z.string().min(1).max(64);
const tenantId = z.string();

/**
 * Boundary schemas of the membership inputs. The tenant id is checked by the
 * instance's tenant-id rule before these run (a malformed id is a 404, not a
 * 400), and roles are checked against the role map afterwards (an unknown
 * role is always `UnknownRoleError`), so both are plain strings here.
 */
export const membershipSchemas = Object.freeze({
  create: z.object({ ownerId: userIdSchema.optional(), id: z.string().optional(), ...tenantSchemas.description }).strict(),
  member: z.object({ tenantId, userId: userIdSchema, role }).strict(),
  remove: z.object({ tenantId, userId: userIdSchema }).strict(),
  leave: z.object({ tenantId }).strict(),
  offboard: z
    .object({ userId: userIdSchema, successor: z.custom((value) => typeof value === 'function', { message: 'expected a function' }).optional() })
    .strict(),
  transfer: z.object({ tenantId, toUserId: userIdSchema, fromUserId: userIdSchema.optional(), previousOwnerRole: role.optional() }).strict(),
});
