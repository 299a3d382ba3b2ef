import type { Actor } from '../core/actors/actor.js';
import type { RoleService } from '../services/roles/role-service.js';
import type {
  CreateTenantRoleInput,
  DeleteTenantRoleInput,
  ListTenantRolesInput,
  TenantRole,
  TenantRoleDeletion,
  UpdateTenantRoleInput,
} from '../services/roles/tenant-role-inputs.js';

/** What the roles API needs from its scope. */
interface RolesScope {
  readonly actor: Actor;
  refresh(tenantId?: string): void;
}

/**
 * `scope.roles`: the roles a tenant defines for itself, next to the declared
 * ones. Writes need the `manageRoles` capability (default: the owner role)
 * and follow the escalation rule: a non-owner may define, change or delete
 * only roles whose capabilities are all their own. Every write is audited
 * (`tenant_role.create` / `.update` / `.delete`, refusals as
 * `tenant_role.denied`) and drops the tenant's cached access on every
 * instance (the same invalidation as a membership change).
 *
 * @example
 * ```ts
 * const role = await scope.roles.create({ tenantId, name: 'billing-admin', capabilities: ['tenant.read', 'billing.manage'] });
 * await scope.members.add({ tenantId, userId: 'user_2', role: role.name });
 * ```
 */
export class RolesApi<C extends string, R extends string> {
  readonly #scope: RolesScope;
  readonly #service: RoleService<C>;

  /** @internal */
  constructor(scope: RolesScope, service: RoleService<C>) {
    this.#scope = scope;
    this.#service = service;
  }

  /**
   * Defines a role. Errors: `NotFoundError` (not a member; unknown, archived
   * or malformed tenant), `ForbiddenError` / `OwnerRequiredError` without the
   * managing capability, `DelegationDeniedError` (`role_exceeds_actor`) for
   * a capability the actor lacks, `UnknownCapabilityError`,
   * `AlreadyExistsError` (entity `tenant role`) for a taken or declared
   * name, `ValidationError`.
   */
  create(input: CreateTenantRoleInput<C>): Promise<TenantRole<C>> {
    return this.#refreshing(input, this.#service.create(this.#scope.actor, input));
  }

  /**
   * Replaces a role's capabilities (and description, when given). The role
   * before and after must be within the actor's capabilities. Members
   * holding it see the change on their next request (other instances: once
   * the bus delivered the invalidation). `NotFoundError` for an unknown
   * role; `ValidationError` for a declared one.
   */
  update(input: UpdateTenantRoleInput<C>): Promise<TenantRole<C>> {
    return this.#refreshing(input, this.#service.update(this.#scope.actor, input));
  }

  /**
   * Deletes a role. `RoleInUseError` while members hold it, unless
   * `reassignTo` names the role they get instead (within the actor's
   * capabilities, not the owner role for a non-owner); the move and the
   * deletion are one transaction.
   */
  delete(input: DeleteTenantRoleInput<R>): Promise<TenantRoleDeletion<C>> {
    return this.#refreshing(input, this.#service.delete(this.#scope.actor, input));
  }

  /** The tenant's own roles, by name; any member may list. */
  list(input: ListTenantRolesInput): Promise<readonly TenantRole<C>[]> {
    return this.#service.list(this.#scope.actor, input);
  }

  async #refreshing<T>(input: { readonly tenantId: string }, write: Promise<T>): Promise<T> {
    const result = await write;
    this.#scope.refresh(input.tenantId);
    return result;
  }
}
