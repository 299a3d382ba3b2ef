import { provenanceOf, type Actor } from '../../core/actors/actor.js';
import { ActorNotAllowedError, NotFoundError, ValidationError } from '../../core/errors/index.js';
import type { RoleMap } from '../../core/roles/define-roles.js';
import { parseInput } from '../../core/validation/parse-input.js';
import type { MembershipRecord, TenantRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { Auditor } from '../audit/auditor.js';
import { membershipSchemas, type CreateTenantInput } from '../membership/membership-inputs.js';
import { toMember, toTenant, type CreatedTenant, type Tenant } from '../membership/member-view.js';
import type { ActorContext } from '../shared/actor-context.js';
import type { TenantIdRule } from '../shared/tenant-id-rule.js';

/** Wiring of {@link TenantService}. */
export interface TenantServiceDependencies {
  readonly store: Store;
  readonly roles: RoleMap;
  readonly tenantIds: TenantIdRule;
  readonly auditor: Auditor;
  readonly now: () => Date;
  readonly generateId: () => string;
  /** Runs after a tenant is created (cache invalidation of the owner's lookup); shielded by the caller. */
  readonly onMembershipChanged: (tenantId: string, userId: string) => void;
}

/** Tenant creation and reads. */
export class TenantService {
  readonly #deps: TenantServiceDependencies;

  constructor(deps: TenantServiceDependencies) {
    this.#deps = deps;
  }

  /**
   * Creates a tenant and its first owner, atomically, audited as
   * `tenant.create`. A user actor creates tenants they own (`ownerId`
   * defaults to them; naming anyone else is `ActorNotAllowedError`); a system
   * actor must name the owner. A given `id` must follow the instance's
   * tenant-id rule (`ValidationError` otherwise: the caller chose it, there
   * is nothing to hide); a taken id is `AlreadyExistsError`.
   */
  async create(actor: Actor, input: CreateTenantInput = {}): Promise<CreatedTenant> {
    const parsed = parseInput(membershipSchemas.create, input, 'tenant');
    const ownerId = parsed.ownerId ?? (actor.type === 'user' ? actor.userId : undefined);
    if (ownerId === undefined) {
      throw new ValidationError('Invalid tenant: ownerId is required for a system actor.', [{ path: ['ownerId'], message: 'Required.' }]);
    }
    if (actor.type === 'user' && ownerId !== actor.userId)
      throw new ActorNotAllowedError('system', 'Only a system actor can create a tenant owned by another user.');
    if (parsed.id !== undefined && !this.#deps.tenantIds.isValid(parsed.id)) {
      throw new ValidationError('Invalid tenant: id does not follow the tenant-id rule.', [{ path: ['id'], message: 'Malformed tenant id.' }]);
    }
    const { now, generateId, roles, store, auditor } = this.#deps;
    const createdAt = now();
    const tenant: TenantRecord = Object.freeze({ id: parsed.id ?? generateId(), createdByType: actor.type, createdBy: provenanceOf(actor), createdAt });
    const owner: MembershipRecord = Object.freeze({
      id: generateId(),
      tenantId: tenant.id,
      userId: ownerId,
      role: roles.ownerRole,
      createdByType: actor.type,
      createdBy: provenanceOf(actor),
      createdAt,
      source: 'tenant_create',
    });
    await store.transaction(async (tx) => {
      await tx.createTenant(tenant, owner);
      await auditor.record(tx, { actor, tenantId: tenant.id, action: 'tenant.create', subjectUserId: ownerId, metadata: { role: owner.role } });
    });
    this.#deps.onMembershipChanged(tenant.id, ownerId);
    return Object.freeze({ tenant: toTenant(tenant), owner: toMember(owner) });
  }

  /** The tenant, for any member (or a system actor); the canonical `NotFoundError` otherwise. */
  async get(ctx: ActorContext, tenantId: string): Promise<Tenant> {
    await ctx.standing(tenantId);
    const record = await this.#deps.store.findTenant(tenantId);
    if (record === undefined) throw new NotFoundError();
    return toTenant(record);
  }
}
