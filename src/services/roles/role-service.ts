import type { Actor } from '../../core/actors/actor.js';
import {
  AlreadyExistsError,
  ForbiddenError,
  NotFoundError,
  RoleInUseError,
  UnknownCapabilityError,
  UnknownRoleError,
  ValidationError,
} from '../../core/errors/index.js';
import type { RoleMap } from '../../core/roles/define-roles.js';
import { withTenantRoles } from '../../core/roles/tenant-role-map.js';
import type { AuditAction } from '../../store/audit-records.js';
import type { Store } from '../../store/store.js';
import type { StoreOperations } from '../../store/store-operations.js';
import type { TenantRoleRecord } from '../../store/tenant-role-records.js';
import type { Auditor } from '../audit/auditor.js';
import type { MembershipDenial } from '../membership/delegation-rule.js';
import { denialError } from '../membership/management-authorizer.js';
import { committed, Refusal } from '../membership/refusal.js';
import { parseTenantInput } from '../shared/parse-tenant-input.js';
import type { TenantIdRule } from '../shared/tenant-id-rule.js';
import { roleEscalationDenial, type RoleDefinitionChange } from './role-escalation-rule.js';
import {
  tenantRoleSchemas,
  type CreateTenantRoleInput,
  type DeleteTenantRoleInput,
  type ListTenantRolesInput,
  type TenantRole,
  type TenantRoleDeletion,
  type UpdateTenantRoleInput,
} from './tenant-role-inputs.js';

/** Everything the role service needs from the instance. Internal wiring. */
export interface RoleServiceDependencies<C extends string> {
  readonly store: Store;
  /** The declared role map; tenant roles are layered over it per tenant. */
  readonly roles: RoleMap<C>;
  readonly tenantIds: TenantIdRule;
  /** The capability that lets a user actor manage the tenant's roles; `undefined` means "holds the owner role". */
  readonly manageCapability: C | undefined;
  readonly auditor: Auditor;
  readonly now: () => Date;
  /** Runs after every committed role change: drops the tenant's cached access (every member's), here and over the bus. */
  readonly onRolesChanged: (tenantId: string) => void;
}

/** A role write: its audit action, the tenant and the role's name. */
interface RoleAttempt {
  readonly action: AuditAction;
  readonly tenantId: string;
  readonly name: string;
}

/**
 * Tenant-defined roles. Every write runs in one store transaction that locks
 * the tenant, together with its authorization (the acting member's role and
 * the tenant's roles are read there, so they stay as read until the commit)
 * and its audit entry; refusals with a 403 are audited as
 * `tenant_role.denied` in a transaction that writes nothing else.
 */
export class RoleService<C extends string> {
  readonly #deps: RoleServiceDependencies<C>;

  constructor(deps: RoleServiceDependencies<C>) {
    this.#deps = deps;
  }

  /** See `scope.roles.create`. */
  async create(actor: Actor, input: CreateTenantRoleInput<C>): Promise<TenantRole<C>> {
    const parsed = parseTenantInput(this.#deps.tenantIds, tenantRoleSchemas.create, input, 'tenant role');
    const capabilities = this.#capabilities(parsed.capabilities);
    // Declared roles are instance-wide and public: naming one is a conflict whoever asks.
    if (this.#deps.roles.has(parsed.name)) throw new AlreadyExistsError('tenant role', 'A declared role has this name.');
    const at = this.#deps.now();
    const record: TenantRoleRecord = Object.freeze({
      tenantId: parsed.tenantId,
      name: parsed.name,
      capabilities,
      description: parsed.description ?? null,
      createdAt: at,
      updatedAt: at,
    });
    const attempt: RoleAttempt = { action: 'tenant_role.create', tenantId: parsed.tenantId, name: parsed.name };
    const created = await this.#deps.store.transaction(
      async (tx) => {
        const { refusal } = await this.#authorize(tx, actor, attempt, () => ({ capabilities, previous: [] }));
        if (refusal !== undefined) return refusal;
        await tx.insertTenantRole(record);
        await this.#audit(tx, actor, attempt, { capabilities: JSON.stringify(capabilities) });
        return record;
      },
      { tenantId: parsed.tenantId },
    );
    return this.#changed(committed(created));
  }

  /** See `scope.roles.update`. */
  async update(actor: Actor, input: UpdateTenantRoleInput<C>): Promise<TenantRole<C>> {
    const parsed = parseTenantInput(this.#deps.tenantIds, tenantRoleSchemas.update, input, 'tenant role');
    const capabilities = this.#capabilities(parsed.capabilities);
    this.#refuseDeclared(parsed.name);
    const attempt: RoleAttempt = { action: 'tenant_role.update', tenantId: parsed.tenantId, name: parsed.name };
    const updated = await this.#deps.store.transaction(
      async (tx) => {
        const { refusal, current: before } = await this.#authorize(tx, actor, attempt, (current) => ({ capabilities, previous: current?.capabilities ?? [] }));
        if (refusal !== undefined) return refusal;
        const change = { tenantId: parsed.tenantId, name: parsed.name, capabilities, updatedAt: this.#deps.now() };
        const after = await tx.updateTenantRole(parsed.description === undefined ? change : { ...change, description: parsed.description });
        if (before === undefined || after === undefined) throw roleNotFound();
        await this.#audit(tx, actor, attempt, { capabilities: JSON.stringify(capabilities), previous: JSON.stringify(before.capabilities) });
        return after;
      },
      { tenantId: parsed.tenantId },
    );
    return this.#changed(committed(updated));
  }

  /** See `scope.roles.delete`. */
  async delete(actor: Actor, input: DeleteTenantRoleInput): Promise<TenantRoleDeletion<C>> {
    const parsed = parseTenantInput(this.#deps.tenantIds, tenantRoleSchemas.delete, input, 'tenant role deletion');
    this.#refuseDeclared(parsed.name);
    const { reassignTo } = parsed;
    if (reassignTo === parsed.name) {
      throw new ValidationError('Invalid tenant role deletion: reassignTo names the deleted role.', [{ path: ['reassignTo'], message: 'Same as name.' }]);
    }
    const attempt: RoleAttempt = { action: 'tenant_role.delete', tenantId: parsed.tenantId, name: parsed.name };
    const deleted = await this.#deps.store.transaction(
      async (tx) => {
        const { refusal, current: before } = await this.#authorize(tx, actor, attempt, (current, roles) => {
          // An unknown target would leave members with a role that grants nothing: refused before anything else.
          if (reassignTo !== undefined && !roles.has(reassignTo)) throw new UnknownRoleError();
          return { capabilities: [], previous: current?.capabilities ?? [], ...(reassignTo === undefined ? {} : { reassignTo }) };
        });
        if (refusal !== undefined) return refusal;
        const result = await tx.deleteTenantRole(reassignTo === undefined ? { tenantId: parsed.tenantId, name: parsed.name } : { ...parsed, reassignTo });
        if (result.outcome === 'not_found' || before === undefined) throw roleNotFound();
        if (result.outcome === 'in_use') throw new RoleInUseError(result.members);
        await this.#audit(tx, actor, attempt, {
          capabilities: JSON.stringify(before.capabilities),
          reassignTo: reassignTo ?? null,
          reassigned: result.reassigned,
        });
        return { role: before, reassigned: result.reassigned };
      },
      { tenantId: parsed.tenantId },
    );
    const { role, reassigned } = committed(deleted);
    return Object.freeze({ role: this.#changed(role), reassigned });
  }

  /**
   * See `scope.roles.list`: any member may list (a role picker needs them);
   * a non-member, an unknown or malformed tenant is `NotFoundError`.
   */
  async list(actor: Actor, input: ListTenantRolesInput): Promise<readonly TenantRole<C>[]> {
    const { tenantId } = parseTenantInput(this.#deps.tenantIds, tenantRoleSchemas.list, input, 'tenant role listing');
    const { store } = this.#deps;
    if (actor.type === 'user' && (await store.findActiveMembership(tenantId, actor.userId)) === undefined) throw new NotFoundError();
    if (actor.type === 'system' && (await store.findTenant(tenantId)) === undefined) throw new NotFoundError();
    return Object.freeze((await store.listTenantRoles(tenantId)).map((role) => this.#view(role)));
  }

  /**
   * Throws `NotFoundError` (unaudited) when a user actor is not a member of
   * the tenant (or it is archived). Resolves with an audited refusal when
   * the member lacks the managing capability or the write breaks the
   * escalation rule ({@link roleEscalationDenial}); `change` is given the
   * role as stored (`undefined` when the tenant has none of that name) and
   * the tenant's role map. Resolves with that stored role (read once, under
   * the tenant lock) and no refusal when the write may go ahead.
   */
  async #authorize(
    tx: StoreOperations,
    actor: Actor,
    attempt: RoleAttempt,
    change: (current: TenantRoleRecord | undefined, roles: RoleMap<C>) => RoleDefinitionChange,
  ): Promise<{ readonly refusal?: Refusal; readonly current: TenantRoleRecord | undefined }> {
    const own = actor.type === 'user' ? await tx.findActiveMembership(attempt.tenantId, actor.userId) : undefined;
    if (actor.type === 'user' && own === undefined) throw new NotFoundError();
    const stored = await tx.listTenantRoles(attempt.tenantId);
    const roles = withTenantRoles(this.#deps.roles, stored);
    const current = stored.find((role) => role.name === attempt.name);
    const planned = change(current, roles);
    if (own === undefined) return { current };
    const { manageCapability } = this.#deps;
    const manages = manageCapability === undefined ? roles.isOwner(own.role) : roles.grants(own.role, manageCapability);
    if (!manages) {
      const refusal = await this.#deny(
        tx,
        actor,
        attempt,
        manageCapability === undefined
          ? { reason: 'owner_role', capability: `role:${roles.ownerRole}`, message: 'Only an owner can manage roles.' }
          : { reason: 'missing_capability', capability: manageCapability, message: `Missing capability "${manageCapability}".` },
      );
      return { refusal, current };
    }
    const denial = roleEscalationDenial(roles, own.role, planned);
    return denial === undefined ? { current } : { refusal: await this.#deny(tx, actor, attempt, denial), current };
  }

  async #deny(tx: StoreOperations, actor: Actor, attempt: RoleAttempt, denial: MembershipDenial): Promise<Refusal> {
    await this.#deps.auditor.record(tx, {
      actor,
      tenantId: attempt.tenantId,
      action: 'tenant_role.denied',
      subjectUserId: null,
      metadata: { attempted: attempt.action, reason: denial.reason, capability: denial.capability, role: attempt.name },
    });
    return new Refusal(denial.reason === 'missing_capability' ? new ForbiddenError(denial.capability, denial.message) : denialError(denial));
  }

  #audit(tx: StoreOperations, actor: Actor, attempt: RoleAttempt, metadata: Record<string, string | number | null>): Promise<unknown> {
    return this.#deps.auditor.record(tx, {
      actor,
      tenantId: attempt.tenantId,
      action: attempt.action,
      subjectUserId: null,
      metadata: { role: attempt.name, ...metadata },
    });
  }

  /** The capabilities as stored: each one declared (else `UnknownCapabilityError`), once, in registry order. */
  #capabilities(requested: readonly string[]): readonly C[] {
    const registry = this.#deps.roles.capabilities;
    for (const capability of requested) if (!registry.has(capability)) throw new UnknownCapabilityError(capability);
    const wanted = new Set(requested);
    return Object.freeze(registry.all().filter((capability) => wanted.has(capability)));
  }

  /** Declared roles belong to the instance: no tenant can change or delete them (the owner role included). */
  #refuseDeclared(name: string): void {
    if (this.#deps.roles.has(name)) {
      throw new ValidationError('Invalid tenant role: a declared role cannot be changed or deleted by a tenant.', [
        { path: ['name'], message: 'A declared role.' },
      ]);
    }
  }

  /** After the commit: every cached access of the tenant goes (its members may hold the role), then the view. */
  #changed(record: TenantRoleRecord): TenantRole<C> {
    this.#deps.onRolesChanged(record.tenantId);
    return this.#view(record);
  }

  #view(record: TenantRoleRecord): TenantRole<C> {
    return record as TenantRole<C>;
  }
}

/** A role named by a manager (who may list the roles) does not exist. */
const roleNotFound = () => new NotFoundError('Tenant role not found.');
