import type { WebhookServices } from './webhooks-wiring.js';
import type { ActorAccessDependencies } from '../services/authz/actor-access.js';
import type { AuditQueries } from '../services/audit/audit-queries.js';
import type { ConsumptionService } from '../services/entitlements/consumption.js';
import type { GaugeRelease } from '../services/entitlements/gauge-release.js';
import type { ProvisioningService } from '../services/entitlements/provisioning-service.js';
import type { UsageReads } from '../services/entitlements/usage-reads.js';
import type { ResponseReplays } from '../services/entitlements/response-replays.js';
import type { MemberQueries } from '../services/membership/member-queries.js';
import type { MembershipService } from '../services/membership/membership-service.js';
import type { TenantService } from '../services/tenants/tenant-service.js';
import type { TenantIdRule } from '../services/shared/tenant-id-rule.js';
import type { MembershipRecord } from '../store/index.js';
import type { InvitationServices } from './invitations-api.js';
import type { TemplateCreator } from './template-wiring.js';
import type { RoleService } from '../services/roles/role-service.js';

/** The entitlement services of an instance, when `entitlements` is configured. */
export interface EntitlementServices<F extends string, L extends F, P extends string> {
  readonly reads: UsageReads<F, L, P>;
  readonly consumption: ConsumptionService<F, L, P>;
  readonly release: GaugeRelease<F, L, P>;
  readonly provisioning: ProvisioningService<F, L, P>;
  readonly responses: ResponseReplays;
}

/**
 * Everything a scope works with: the instance's services, built once by
 * `createTenantry`. Internal wiring, shared by every scope of the instance.
 */
export interface InstanceServices<C extends string, R extends string, F extends string, L extends F, P extends string> {
  readonly access: ActorAccessDependencies;
  readonly tenantIds: TenantIdRule;
  /** The user's memberships in tenants that are not archived, by tenant id (`Store.listActiveMembershipsOfUser`). */
  readonly listActiveMemberships: (userId: string) => Promise<readonly MembershipRecord[]>;
  readonly tenants: TenantService;
  readonly memberships: MembershipService<C, R>;
  readonly memberQueries: MemberQueries;
  readonly auditQueries: AuditQueries<C>;
  readonly entitlements: EntitlementServices<F, L, P> | undefined;
  readonly webhooks: WebhookServices | undefined;
  readonly invitations: InvitationServices<R>;
  /** `tenants.create({ template })`; `undefined` without the `templates` option. */
  readonly createFromTemplate: TemplateCreator | undefined;
  readonly tenantRoles: RoleService<C>;
}
