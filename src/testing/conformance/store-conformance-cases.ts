import { alertCases } from './cases/alert-cases.js';
import { billingCycleCases } from './cases/billing-cycle-cases.js';
import { retentionCases } from './cases/retention-cases.js';
import { rateLimitCases } from './cases/rate-limit-cases.js';
import { auditCases } from './cases/audit-cases.js';
import { concurrencyCases } from './cases/concurrency-cases.js';
import { consumeCases } from './cases/consume-cases.js';
import { counterCases } from './cases/counter-cases.js';
import { entitlementConcurrencyCases } from './cases/entitlement-concurrency-cases.js';
import { entitlementTransactionCases } from './cases/entitlement-transaction-cases.js';
import { errorClassificationCases } from './cases/error-classification-cases.js';
import { featureCases } from './cases/feature-cases.js';
import { grantedConsumeCases } from './cases/granted-consume-cases.js';
import { guardedWriteCases } from './cases/guarded-write-cases.js';
import { identifierCases } from './cases/identifier-cases.js';
import { invitationCases } from './cases/invitation-cases.js';
import { leaseCases } from './cases/lease-cases.js';
import { idempotencyCases } from './cases/idempotency-cases.js';
import { idempotentResponseCases } from './cases/idempotent-response-cases.js';
import { listingCases } from './cases/listing-cases.js';
import { lockOrderCases } from './cases/lock-order-cases.js';
import { membershipCases } from './cases/membership-cases.js';
import { provenanceCases } from './cases/provenance-cases.js';
import { provisioningCases } from './cases/provisioning-cases.js';
import { tenantCases } from './cases/tenant-cases.js';
import { tenantMetadataCases } from './cases/tenant-metadata-cases.js';
import { tenantDeletionCases } from './cases/tenant-deletion-cases.js';
import { tenantLockCases } from './cases/tenant-lock-cases.js';
import { transactionCases } from './cases/transaction-cases.js';
import { twoFactorCases } from './cases/two-factor-cases.js';
import { webhookCases } from './cases/webhook-cases.js';
import { tenantRoleCases } from './cases/tenant-role-cases.js';
import type { StoreConformanceCase } from './conformance-case.js';

const cases = [
  ...tenantCases,
  ...tenantMetadataCases,
  ...tenantDeletionCases,
  ...membershipCases,
  ...identifierCases,
  ...provenanceCases,
  ...listingCases,
  ...guardedWriteCases,
  ...transactionCases,
  ...tenantLockCases,
  ...errorClassificationCases,
  ...concurrencyCases,
  ...auditCases,
  ...featureCases,
  ...provisioningCases,
  ...consumeCases,
  ...idempotencyCases,
  ...counterCases,
  ...lockOrderCases,
  ...alertCases,
  ...rateLimitCases,
  ...entitlementTransactionCases,
  ...entitlementConcurrencyCases,
  ...twoFactorCases,
  ...webhookCases,
  ...billingCycleCases,
  ...retentionCases,
  ...invitationCases,
  ...grantedConsumeCases,
  ...idempotentResponseCases,
  ...tenantRoleCases,
  ...leaseCases,
] as const;

/** The name of one conformance case. */
export type StoreConformanceCaseName = (typeof cases)[number]['name'];

/**
 * Every behaviour a {@link Store} must have, as framework-agnostic cases
 * asserting with `node:assert/strict`: each operation's results and errors
 * (duplicates, missing tenants and features, `not_found` and `last_owner`
 * outcomes), exact identifier comparison (distinct accepted identifiers,
 * look-alikes and maximum lengths included, never collide), code-unit ordering and keyset
 * paging, millisecond timestamps, transaction commit, rollback and isolation
 * of the `tx` handle, tenant locks taken on open (a missing tenant, and a
 * deterministic interleaving), honest error classification (programming
 * errors and misuse never look like outages), atomicity of `createTenant`,
 * provenance kept as actor type and id, and the last-owner guard
 * and unique keys under concurrent calls; the audit log (newest-first paging,
 * exact metadata); features, packages, boosts and namespace limits;
 * consumption (limits, all-or-nothing over several counters, idempotent
 * replay and conflicts), the lock order of counters and distinct counters,
 * release, counters and usage alerts, inside and
 * outside transactions and under concurrent calls; two-factor rows and
 * recovery codes (guarded step advance and one-time use under 16 concurrent
 * calls, compare-and-set resealing).
 * release, counters and usage alerts; invitations (one pending per email,
 * guarded accept, rotate and revoke), inside and
 * outside transactions and under concurrent calls.
 *
 * Run them with {@link runStoreConformance}, or iterate them yourself.
 */
export const storeConformanceCases: readonly StoreConformanceCase<StoreConformanceCaseName>[] = Object.freeze(cases);
