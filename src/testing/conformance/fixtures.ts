import { randomUUID } from 'node:crypto';
import type { ActorType, MembershipSource, NewMembership, NewTenant } from '../../store/records.js';
import type { Store } from '../../store/store.js';

/** The owner role the cases use, unless a case is about the role name itself. */
export const OWNER = 'owner';
/** A non-owner role. */
export const MEMBER = 'member';

/** A fixed instant with non-zero milliseconds, so precision loss shows. */
export const CREATED_AT = new Date('2024-02-29T23:59:59.987Z');

/**
 * Builds records under a namespace unique to one case, so that cases sharing
 * a database never see each other's rows.
 */
export class Fixtures {
  /** Prefix of every id built here: short enough that tenant ids stay under 64 characters. */
  readonly namespace = `c${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** A tenant id in this case's namespace. */
  tenantId(label: string): string {
    return `${this.namespace}-t-${label}`;
  }

  /** A user id in this case's namespace. */
  userId(label: string): string {
    return `${this.namespace}-u-${label}`;
  }

  tenant(label: string, createdAt: Date = CREATED_AT): NewTenant {
    return { id: this.tenantId(label), createdByType: 'user', createdBy: this.userId('creator'), createdAt };
  }

  membership(
    tenantId: string,
    userId: string,
    role: string,
    options: { readonly source?: MembershipSource; readonly createdAt?: Date; readonly createdBy?: string; readonly createdByType?: ActorType } = {},
  ): NewMembership {
    return {
      id: randomUUID(),
      tenantId,
      userId,
      role,
      createdByType: options.createdByType ?? 'user',
      createdBy: options.createdBy ?? this.userId('creator'),
      createdAt: options.createdAt ?? CREATED_AT,
      source: options.source ?? 'member_add',
    };
  }

  /** Creates tenant `label` owned by `ownerId`, then adds `members` (user id -> role). */
  async seedTenant(label: string, ownerId: string, members: Readonly<Record<string, string>> = {}): Promise<NewTenant> {
    const tenant = this.tenant(label);
    await this.#store.createTenant(tenant, this.membership(tenant.id, ownerId, OWNER, { source: 'tenant_create' }));
    for (const [userId, role] of Object.entries(members)) {
      await this.#store.insertMembership(this.membership(tenant.id, userId, role));
    }
    return tenant;
  }
}
