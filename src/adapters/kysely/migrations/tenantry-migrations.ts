import type { Migration, MigrationProvider } from 'kysely';
import { resolveTableOptions, type KyselyTableOptions } from '../kysely-store-options.js';
import { tenantsAndMemberships } from './0001-tenants-and-memberships.js';
import { auditLog } from './0002-audit-log.js';
import { entitlements } from './0003-entitlements.js';
import { rateLimits } from './0004-rate-limits.js';
import { provenanceActorType } from './0005-provenance-actor-type.js';
import { billingCycles } from './0006-billing-cycles.js';
import { tenantLifecycle } from './0007-tenant-lifecycle.js';
import { invitations } from './0008-invitations.js';
import { twoFactor } from './0009-two-factor.js';
import { webhooks } from './0010-webhooks.js';
import { idempotentResponses } from './0011-idempotent-responses.js';
import { consumeFunction } from './0012-consume-function.js';
import { quotaLeases } from './0013-quota-leases.js';
import { tenantRoles } from './0014-tenant-roles.js';

/**
 * tenantry's schema migrations as a Kysely `MigrationProvider`, for hosts
 * that run their own `Migrator`. Names are zero-padded sequence numbers
 * (`0001_tenants_and_memberships`, `0002_audit_log`, `0003_entitlements`, ...) and
 * a released migration is never edited, so merging them into your own
 * provider is safe.
 *
 * Kysely's `Migrator` refuses migrations that sort before ones it already ran
 * unless `allowUnorderedMigrations` is set, so when you merge these with your
 * own, either pass that option or prefix the names to sort where you want.
 *
 * @example
 * ```ts
 * import { Migrator } from 'kysely';
 * import { tenantryMigrations } from 'tenantry/kysely';
 *
 * const tenantry = tenantryMigrations({ tablePrefix: 'app_' });
 * const migrator = new Migrator({
 *   db,
 *   allowUnorderedMigrations: true,
 *   provider: {
 *     getMigrations: async () => ({ ...(await ownMigrations.getMigrations()), ...(await tenantry.getMigrations()) }),
 *   },
 * });
 * await migrator.migrateToLatest();
 * ```
 */
export function tenantryMigrations(options?: KyselyTableOptions): MigrationProvider {
  const resolved = resolveTableOptions(options, 'tenantryMigrations() options');
  const migrations: Readonly<Record<string, Migration>> = Object.freeze({
    '0001_tenants_and_memberships': tenantsAndMemberships(resolved),
    '0002_audit_log': auditLog(resolved),
    '0003_entitlements': entitlements(resolved),
    '0004_rate_limits': rateLimits(resolved),
    '0005_provenance_actor_type': provenanceActorType(resolved),
    '0006_billing_cycles': billingCycles(resolved),
    '0007_tenant_lifecycle': tenantLifecycle(resolved),
    '0008_invitations': invitations(resolved),
    '0009_two_factor': twoFactor(resolved),
    '0010_webhooks': webhooks(resolved),
    '0011_idempotent_responses': idempotentResponses(resolved),
    '0012_consume_function': consumeFunction(resolved),
    '0013_quota_leases': quotaLeases(resolved),
    '0014_tenant_roles': tenantRoles(resolved),
  });
  return Object.freeze({ getMigrations: () => Promise.resolve({ ...migrations }) });
}
