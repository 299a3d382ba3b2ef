import { provenanceOf, refFromStored, type Actor, type ActorRef, type SystemActor } from '../../core/actors/actor.js';
import { grantProblem, type PackageCatalog } from '../../core/entitlements/define-packages.js';
import { ActorNotAllowedError, NotFoundError, ValidationError } from '../../core/errors/index.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, pageOf, type Page } from '../../core/paging/page.js';
import {
  TENANT_POOL,
  type AlertRecord,
  type AuditAction,
  type AuditMetadata,
  type BoostRecord,
  type PackageAssignmentRecord,
  type Store,
  type StoreOperations,
  type TenantGrants,
} from '../../store/index.js';
import type { Auditor } from '../audit/auditor.js';
import { parseTenantInput } from '../shared/parse-tenant-input.js';
import type { TenantIdRule } from '../shared/tenant-id-rule.js';
import type { CatalogSync } from './catalog-sync.js';
import { applyCycleAnchor } from './billing-cycle.js';
import {
  entitlementSchemas,
  type AddBoostInput,
  type AlertsInput,
  type AssignPackageInput,
  type ChangePackageInput,
  type SetBillingCycleInput,
  type TenantPackageInput,
  type SetNamespaceLimitInput,
} from './entitlement-inputs.js';
import type { UsageAlertEntry } from './entitlement-types.js';
import { LIMIT_EXCEEDED_MARK } from './usage-alerts.js';
import { assertLimitsFit, catalogGrants } from './tenant-grants.js';

/** A package assigned to a tenant, as services report it. */
export interface PackageAssignment<P extends string = string> {
  readonly id: string;
  readonly tenantId: string;
  readonly packageKey: P;
  readonly assignedAt: Date;
  readonly assignedBy: ActorRef;
  readonly cancelledAt: Date | null;
  readonly cancelledBy: ActorRef | null;
}

/** A boost (add-on), as services report it. */
export interface TenantBoost<L extends string = string> {
  readonly id: string;
  readonly tenantId: string;
  readonly featureKey: L;
  readonly amount: number | 'unlimited';
  readonly expiresAt: Date | null;
  readonly createdAt: Date;
  readonly createdBy: ActorRef;
}

/** Result of `provisioning.changePackage`: the cancelled and the new assignment. */
export interface PackageChange<P extends string = string> {
  readonly cancelled: PackageAssignment<P>;
  readonly assigned: PackageAssignment<P>;
  /** The billing-cycle anchor after the change. */
  readonly cycleAnchor: Date;
}

/** The tenant's billing cycle after `provisioning.setBillingCycle`. */
export interface BillingCycle {
  readonly tenantId: string;
  readonly anchor: Date;
  /** The anchor before the change; `null` when the tenant had none. */
  readonly previous: Date | null;
}

/** Wiring of {@link ProvisioningService}. */
export interface ProvisioningDependencies<F extends string, L extends F, P extends string> {
  readonly store: Store;
  readonly packages: PackageCatalog<F, L, P>;
  readonly tenantIds: TenantIdRule;
  readonly catalog: CatalogSync;
  readonly now: () => Date;
  readonly generateId: () => string;
  /** Writes the audit entry of each change in its transaction. */
  readonly auditor: Auditor;
  /** Runs after every committed provisioning change (grants-cache invalidation); shielded by the caller. */
  readonly onGrantsChanged: (tenantId: string) => void;
}

const ALERTS_CURSOR = 'alerts';

/**
 * Provisioning: which packages, boosts and namespace limits a tenant has.
 * Only trusted server code (billing webhooks, admin tools) calls it, so it
 * takes a system actor only (a user actor gets `ActorNotAllowedError`).
 * Every change runs in a transaction that locks the tenant (a missing tenant
 * is `NotFoundError`), records that actor and the time, and writes an audit
 * entry in the same transaction.
 */
export class ProvisioningService<F extends string, L extends F, P extends string> {
  readonly #deps: ProvisioningDependencies<F, L, P>;

  constructor(deps: ProvisioningDependencies<F, L, P>) {
    this.#deps = deps;
  }

  /**
   * Assigns a package. With `cycleAnchor`, the tenant's billing cycle moves
   * there (usage `carry`); without, the stored anchor is kept, and a tenant
   * without one is anchored at this assignment. `AlreadyExistsError` when
   * the package is already active for the tenant; `ValidationError` (issue
   * `['packageKey']`, nothing written) when the tenant's effective limit of
   * some feature would pass `COUNTER_CEILING`.
   */
  async assignPackage(actor: Actor, input: AssignPackageInput<P>): Promise<PackageAssignment<P>> {
    const system = requireSystem(actor);
    const parsed = parseTenantInput(this.#deps.tenantIds, entitlementSchemas.assign, input, 'package assignment');
    const packageKey = this.#deps.packages.assert(parsed.packageKey);
    await this.#deps.catalog.ensure();
    const record = this.#assignment(system, parsed.tenantId, packageKey);
    await this.#deps.store.transaction(
      async (tx) => {
        await tx.assignPackage(record);
        const grants = await this.#assertLimitsFit(tx, parsed.tenantId, record.assignedAt, { what: 'package assignment', path: 'packageKey' });
        const anchor = parsed.cycleAnchor ?? grants.cycleAnchor ?? record.assignedAt;
        await applyCycleAnchor(tx, this.#deps.packages.features, { tenantId: parsed.tenantId, grants, anchor, usage: 'carry', now: record.assignedAt });
        await this.#audit(tx, system, parsed.tenantId, 'entitlement.package_assign', {
          package: packageKey,
          ...(parsed.cycleAnchor === undefined ? {} : { cycleAnchor: parsed.cycleAnchor.toISOString() }),
        });
      },
      { tenantId: parsed.tenantId },
    );
    this.#deps.onGrantsChanged(parsed.tenantId);
    return toAssignment(record, packageKey);
  }

  /**
   * Moves the tenant's billing cycle to `anchor`: its cycle-anchored
   * periods start there from now on. The current window's usage is carried
   * into the new current window (default) or reset (see `UsagePolicy`).
   * Audited as `entitlement.billing_cycle_set`.
   */
  async setBillingCycle(actor: Actor, input: SetBillingCycleInput): Promise<BillingCycle> {
    const system = requireSystem(actor);
    const parsed = parseTenantInput(this.#deps.tenantIds, entitlementSchemas.billingCycle, input, 'billing cycle');
    await this.#deps.catalog.ensure();
    const usage = parsed.usage ?? 'carry';
    const now = this.#deps.now();
    const previous = await this.#deps.store.transaction(
      async (tx) => {
        const grants = await tx.readGrants(parsed.tenantId);
        const before = await applyCycleAnchor(tx, this.#deps.packages.features, { tenantId: parsed.tenantId, grants, anchor: parsed.anchor, usage, now });
        await this.#audit(tx, system, parsed.tenantId, 'entitlement.billing_cycle_set', {
          anchor: parsed.anchor.toISOString(),
          previous: before?.toISOString() ?? null,
          usage,
        });
        return before ?? null;
      },
      { tenantId: parsed.tenantId },
    );
    this.#deps.onGrantsChanged(parsed.tenantId);
    return Object.freeze({ tenantId: parsed.tenantId, anchor: parsed.anchor, previous });
  }

  /**
   * Replaces the active package `from` with `to` in one transaction: the
   * tenant never holds both (no summed limits) and never neither (no gap).
   * The anchor is kept unless `cycleAnchor` is given; `usage` says what the
   * current window's usage does. Audited as one `entitlement.package_change`
   * entry. `NotFoundError` when `from` is not active, `AlreadyExistsError`
   * when `to` already is, `ValidationError` when they are the same or the
   * limits would pass `COUNTER_CEILING`; nothing is written then.
   */
  async changePackage(actor: Actor, input: ChangePackageInput<P>): Promise<PackageChange<P>> {
    const system = requireSystem(actor);
    const parsed = parseTenantInput(this.#deps.tenantIds, entitlementSchemas.change, input, 'package change');
    const from = this.#deps.packages.assert(parsed.from);
    const to = this.#deps.packages.assert(parsed.to);
    if (from === to) throw new ValidationError('Invalid package change: "from" and "to" are the same package.', [{ path: ['to'], message: 'Same as "from".' }]);
    await this.#deps.catalog.ensure();
    const record = this.#assignment(system, parsed.tenantId, to);
    const result = await this.#deps.store.transaction(
      async (tx) => {
        const cancelled = await tx.cancelPackage({
          tenantId: parsed.tenantId,
          packageKey: from,
          cancelledBy: record.assignedBy,
          cancelledAt: record.assignedAt,
        });
        if (cancelled === undefined) throw new NotFoundError(`Package "${from}" is not active for this tenant.`);
        await tx.assignPackage(record);
        const grants = await this.#assertLimitsFit(tx, parsed.tenantId, record.assignedAt, { what: 'package change', path: 'to' });
        const anchor = parsed.cycleAnchor ?? grants.cycleAnchor ?? record.assignedAt;
        await applyCycleAnchor(tx, this.#deps.packages.features, { tenantId: parsed.tenantId, grants, anchor, usage: parsed.usage, now: record.assignedAt });
        await this.#audit(tx, system, parsed.tenantId, 'entitlement.package_change', {
          from,
          to,
          usage: parsed.usage,
          cycleAnchor: anchor.toISOString(),
        });
        return { cancelled, anchor };
      },
      { tenantId: parsed.tenantId },
    );
    this.#deps.onGrantsChanged(parsed.tenantId);
    return Object.freeze({ cancelled: toAssignment(result.cancelled, from), assigned: toAssignment(record, to), cycleAnchor: result.anchor });
  }

  /** Cancels an active package. `NotFoundError` when it is not active for the tenant. */
  async cancelPackage(actor: Actor, input: TenantPackageInput<P>): Promise<PackageAssignment<P>> {
    // The billing-cycle anchor is stored apart from the assignments: cancelling never moves a window.
    const system = requireSystem(actor);
    const parsed = parseTenantInput(this.#deps.tenantIds, entitlementSchemas.package, input, 'package cancellation');
    const packageKey = this.#deps.packages.assert(parsed.packageKey);
    const cancelled = await this.#deps.store.transaction(
      async (tx) => {
        const record = await tx.cancelPackage({ tenantId: parsed.tenantId, packageKey, cancelledBy: provenanceOf(system), cancelledAt: this.#deps.now() });
        if (record === undefined) throw new NotFoundError(`Package "${packageKey}" is not active for this tenant.`);
        await this.#audit(tx, system, parsed.tenantId, 'entitlement.package_cancel', { package: packageKey });
        return record;
      },
      { tenantId: parsed.tenantId },
    );
    this.#deps.onGrantsChanged(parsed.tenantId);
    return toAssignment(cancelled, packageKey);
  }

  /**
   * Adds a boost: extra allowance for a limit feature, optionally until
   * `expiresAt`. `ValidationError` (issue `['amount']`, nothing written) when
   * the tenant's effective limit of the feature would pass `COUNTER_CEILING`
   * (`Number.MAX_SAFE_INTEGER`); grant `'unlimited'` instead.
   */
  async addBoost(actor: Actor, input: AddBoostInput<L>): Promise<TenantBoost<L>> {
    const system = requireSystem(actor);
    const parsed = parseTenantInput(this.#deps.tenantIds, entitlementSchemas.boost, input, 'boost');
    const features = this.#deps.packages.features;
    const featureKey = features.assert(parsed.featureKey);
    const problem = grantProblem(features, featureKey, parsed.amount);
    if (problem !== null) throw new ValidationError(`Invalid boost: ${problem}.`, [{ path: ['amount'], message: problem }]);
    await this.#deps.catalog.ensure();
    const record: BoostRecord = Object.freeze({
      id: this.#deps.generateId(),
      tenantId: parsed.tenantId,
      featureKey,
      amount: parsed.amount,
      expiresAt: parsed.expiresAt ?? null,
      createdBy: provenanceOf(system),
      createdAt: this.#deps.now(),
    });
    await this.#deps.store.transaction(
      async (tx) => {
        await tx.addBoost(record);
        const grants = await this.#assertLimitsFit(tx, parsed.tenantId, record.createdAt, { what: 'boost', path: 'amount' });
        // A tenant's first provisioning anchors its billing cycle; a later boost never moves it.
        if (grants.cycleAnchor === undefined) await tx.setCycleAnchor({ tenantId: parsed.tenantId, anchor: record.createdAt });
        await this.#audit(tx, system, parsed.tenantId, 'entitlement.boost_add', {
          feature: featureKey,
          amount: record.amount === 'unlimited' ? null : record.amount,
          expiresAt: record.expiresAt?.toISOString() ?? null,
        });
      },
      { tenantId: parsed.tenantId },
    );
    this.#deps.onGrantsChanged(parsed.tenantId);
    return Object.freeze({
      id: record.id,
      tenantId: record.tenantId,
      featureKey: featureKey as L,
      amount: record.amount,
      expiresAt: record.expiresAt,
      createdAt: record.createdAt,
      createdBy: refFromStored('system', record.createdBy),
    });
  }

  /** Sets a namespace's own limit on a limit feature; `'unlimited'` removes it. */
  async setNamespaceLimit(actor: Actor, input: SetNamespaceLimitInput<L>): Promise<void> {
    const system = requireSystem(actor);
    const parsed = parseTenantInput(this.#deps.tenantIds, entitlementSchemas.namespaceLimit, input, 'namespace limit');
    const features = this.#deps.packages.features;
    const featureKey = features.assert(parsed.featureKey);
    if (!features.isLimit(featureKey)) {
      throw new ValidationError(`"${featureKey}" is a boolean feature and has no limit.`, [{ path: ['featureKey'], message: 'Not a limit feature.' }]);
    }
    await this.#deps.catalog.ensure();
    await this.#deps.store.transaction(
      async (tx) => {
        await tx.setNamespaceLimit({ tenantId: parsed.tenantId, namespace: parsed.namespace, featureKey, limit: parsed.limit });
        await this.#audit(tx, system, parsed.tenantId, 'entitlement.namespace_limit_set', {
          namespace: parsed.namespace,
          feature: featureKey,
          limit: parsed.limit === 'unlimited' ? null : parsed.limit,
        });
      },
      { tenantId: parsed.tenantId },
    );
    this.#deps.onGrantsChanged(parsed.tenantId);
  }

  /**
   * The tenant's usage-alert history, oldest first, paged. The history holds
   * one entry per (feature, namespace, threshold, window), so it stays small;
   * pages are cut from one read.
   */
  async alerts(actor: Actor, input: AlertsInput): Promise<Page<UsageAlertEntry>> {
    requireSystem(actor);
    const parsed = parseTenantInput(this.#deps.tenantIds, entitlementSchemas.alerts, input, 'alert listing');
    const offset = parsed.cursor === undefined ? 0 : Number(decodeCursor(ALERTS_CURSOR, parsed.cursor, (key) => /^[0-9]{1,9}$/.test(key)));
    if ((await this.#deps.store.findTenant(parsed.tenantId)) === undefined) throw new NotFoundError();
    const limit = parsed.limit ?? DEFAULT_PAGE_SIZE;
    // Refusal marks (webhook de-duplication, see LIMIT_EXCEEDED_MARK) are not alerts.
    const rows = (await this.#deps.store.listAlerts(parsed.tenantId)).filter((row) => row.threshold !== LIMIT_EXCEEDED_MARK).slice(offset, offset + limit + 1);
    return pageOf(rows, limit, toAlertEntry, () => encodeCursor(ALERTS_CURSOR, String(offset + limit)));
  }

  /**
   * Reads the tenant's grants, the change just written included, and throws
   * `ValidationError` (rolling the change back) when an effective limit
   * would pass `COUNTER_CEILING`: refused here, such grants can never make
   * every later read of the tenant fail. The tenant lock taken when the
   * transaction opened keeps two concurrent additions from each passing on
   * grants that lack the other.
   */
  async #assertLimitsFit(tx: StoreOperations, tenantId: string, now: Date, change: { readonly what: string; readonly path: string }): Promise<TenantGrants> {
    const { packages } = this.#deps;
    const grants = await tx.readGrants(tenantId);
    assertLimitsFit(packages, catalogGrants(packages, grants), now, change);
    return grants;
  }

  #assignment(system: SystemActor, tenantId: string, packageKey: string): PackageAssignmentRecord {
    return Object.freeze({
      id: this.#deps.generateId(),
      tenantId,
      packageKey,
      assignedBy: provenanceOf(system),
      assignedAt: this.#deps.now(),
      cancelledBy: null,
      cancelledAt: null,
    });
  }

  async #audit(tx: StoreOperations, actor: SystemActor, tenantId: string, action: AuditAction, metadata: AuditMetadata): Promise<void> {
    await this.#deps.auditor.record(tx, { actor, tenantId, action, subjectUserId: null, metadata });
  }
}

/** Provisioning is for trusted server code: the system actor only (`ActorNotAllowedError` otherwise). */
export function requireSystem(actor: Actor): SystemActor {
  if (actor.type !== 'system') throw new ActorNotAllowedError('system', 'Provisioning needs a system actor: tenantry.as(systemActor(label)).');
  return actor;
}

function toAssignment<P extends string>(record: PackageAssignmentRecord, packageKey: P): PackageAssignment<P> {
  return Object.freeze({
    id: record.id,
    tenantId: record.tenantId,
    packageKey,
    assignedAt: record.assignedAt,
    assignedBy: refFromStored('system', record.assignedBy),
    cancelledAt: record.cancelledAt,
    cancelledBy: record.cancelledBy === null ? null : refFromStored('system', record.cancelledBy),
  });
}

function toAlertEntry(record: AlertRecord): UsageAlertEntry {
  return Object.freeze({
    tenantId: record.tenantId,
    featureKey: record.featureKey,
    namespace: record.namespace === TENANT_POOL ? null : record.namespace,
    threshold: record.threshold,
    used: record.used,
    limit: record.limit,
    windowStart: record.windowStart,
    createdAt: record.createdAt,
  });
}
