import type { PackageCatalog } from '../../core/entitlements/define-packages.js';
import { grantProblem } from '../../core/entitlements/define-packages.js';
import { NotFoundError, ValidationError } from '../../core/errors/index.js';
import { parseInput } from '../../core/validation/parse-input.js';
import { provenanceOf, type SystemActor } from '../../core/actors/actor.js';
import type { Auditor } from '../audit/auditor.js';
import type { AuditAction, AuditMetadata } from '../../store/audit-records.js';
import type { AlertRecord, BoostRecord, PackageAssignmentRecord } from '../../store/entitlement-records.js';
import type { Store } from '../../store/store.js';
import type { StoreOperations } from '../../store/store-operations.js';
import { entitlementSchemas } from './entitlement-inputs.js';
import { assertLimitsFit, catalogGrants } from './tenant-grants.js';

/** Wiring of {@link ProvisioningService}. */
export interface ProvisioningDependencies<F extends string, L extends F, P extends string> {
  readonly store: Store;
  readonly packages: PackageCatalog<F, L, P>;
  readonly tenantIdPattern: RegExp;
  readonly now: () => Date;
  readonly generateId: () => string;
  /** Writes the audit entry of each change in its transaction. */
  readonly auditor: Auditor;
  /** Called after every committed provisioning change, to drop cached grants. */
  readonly onGrantsChanged: (tenantId: string) => void;
}

/**
 * Provisioning: which packages, boosts and namespace limits a tenant has.
 * Only trusted server code (billing webhooks, admin tools) calls it, so it
 * takes the system actor only; every change records that actor and the time
 * and writes an audit entry in the same transaction.
 */
export class ProvisioningService<F extends string, L extends F, P extends string> {
  readonly #deps: ProvisioningDependencies<F, L, P>;
  readonly #schemas: ReturnType<typeof entitlementSchemas>;
  #synced: Promise<void> | undefined;

  constructor(deps: ProvisioningDependencies<F, L, P>) {
    this.#deps = deps;
    this.#schemas = entitlementSchemas(deps.tenantIdPattern);
  }

  /**
   * Writes the feature catalog to storage (idempotent), so grants, counters
   * and alerts reference real features by foreign key. Runs once per instance
   * before the first provisioning write; call it at start-up to fail early.
   */
  syncCatalog(): Promise<void> {
    const features = this.#deps.packages.features;
    this.#synced ??= this.#deps.store
      .syncFeatures(
        features.keys().map((key) => {
          const spec = features.get(key);
          return { key, kind: spec.kind, parentKey: spec.kind === 'limit' ? (features.ancestorsOf(key)[0] ?? null) : null };
        }),
      )
      .catch((error: unknown) => {
        this.#synced = undefined;
        throw error;
      });
    return this.#synced;
  }

  /**
   * Assigns a package. `AlreadyExistsError` when it is already active for the
   * tenant; `ValidationError` (issue `['package']`, nothing written) when the
   * tenant's effective limit of some feature would pass `COUNTER_CEILING`.
   */
  async assignPackage(input: { readonly actor: SystemActor; readonly tenantId: string; readonly package: P }): Promise<PackageAssignmentRecord> {
    const parsed = parseInput(this.#schemas.assign, input, 'package assignment');
    const packageKey = this.#deps.packages.assert(parsed.package);
    await this.syncCatalog();
    const record: PackageAssignmentRecord = Object.freeze({
      id: this.#deps.generateId(),
      tenantId: parsed.tenantId,
      packageKey,
      assignedBy: provenanceOf(parsed.actor),
      assignedAt: this.#deps.now(),
      cancelledBy: null,
      cancelledAt: null,
    });
    // The tenant lock serialises grant changes of one tenant, so that two concurrent
    // additions cannot each pass #assertLimitsFit on grants that lack the other.
    await this.#deps.store.transaction(async (tx) => {
      await tx.assignPackage(record);
      await this.#assertLimitsFit(tx, parsed.tenantId, record.assignedAt, { what: 'package assignment', path: 'package' });
      await this.#audit(tx, parsed.actor, parsed.tenantId, 'entitlement.package_assign', { package: packageKey });
    }, { tenantId: parsed.tenantId });
    this.#deps.onGrantsChanged(parsed.tenantId);
    return record;
  }

  /** Cancels an active package. `NotFoundError` when it is not active for the tenant. */
  async cancelPackage(input: { readonly actor: SystemActor; readonly tenantId: string; readonly package: P }): Promise<PackageAssignmentRecord> {
    const parsed = parseInput(this.#schemas.assign, input, 'package cancellation');
    const packageKey = this.#deps.packages.assert(parsed.package);
    const cancelled = await this.#deps.store.transaction(async (tx) => {
      const record = await tx.cancelPackage({ tenantId: parsed.tenantId, packageKey, cancelledBy: provenanceOf(parsed.actor), cancelledAt: this.#deps.now() });
      if (record === undefined) throw new NotFoundError(`Package "${packageKey}" is not active for this tenant.`);
      await this.#audit(tx, parsed.actor, parsed.tenantId, 'entitlement.package_cancel', { package: packageKey });
      return record;
    });
    this.#deps.onGrantsChanged(parsed.tenantId);
    return cancelled;
  }

  /**
   * Adds a boost: extra allowance for a feature, optionally until
   * `expiresAt`. `ValidationError` (issue `['amount']`, nothing written) when
   * the tenant's effective limit of the feature would pass `COUNTER_CEILING`
   * (`Number.MAX_SAFE_INTEGER`); grant `'unlimited'` instead.
   */
  async addBoost(input: {
    readonly actor: SystemActor;
    readonly tenantId: string;
    readonly feature: L;
    readonly amount: number | 'unlimited';
    readonly expiresAt?: Date;
  }): Promise<BoostRecord> {
    const parsed = parseInput(this.#schemas.boost, input, 'boost');
    const features = this.#deps.packages.features;
    const featureKey = features.assert(parsed.feature);
    const problem = grantProblem(features, featureKey, parsed.amount);
    if (problem !== null) throw new ValidationError(`Invalid boost: ${problem}.`, [{ path: ['amount'], message: problem }]);
    await this.syncCatalog();
    const record: BoostRecord = Object.freeze({
      id: this.#deps.generateId(),
      tenantId: parsed.tenantId,
      featureKey,
      amount: parsed.amount,
      expiresAt: parsed.expiresAt ?? null,
      createdBy: provenanceOf(parsed.actor),
      createdAt: this.#deps.now(),
    });
    await this.#deps.store.transaction(async (tx) => {
      await tx.addBoost(record);
      await this.#assertLimitsFit(tx, parsed.tenantId, record.createdAt, { what: 'boost', path: 'amount' });
      await this.#audit(tx, parsed.actor, parsed.tenantId, 'entitlement.boost_add', {
        feature: featureKey,
        amount: record.amount === 'unlimited' ? null : record.amount,
        expiresAt: record.expiresAt?.toISOString() ?? null,
      });
    }, { tenantId: parsed.tenantId });
    this.#deps.onGrantsChanged(parsed.tenantId);
    return record;
  }

  /** Sets (or, with `limit: null`, clears) a namespace's own limit on a limit feature. */
  async setNamespaceLimit(input: {
    readonly actor: SystemActor;
    readonly tenantId: string;
    readonly namespace: string;
    readonly feature: L;
    readonly limit: number | null;
  }): Promise<void> {
    const parsed = parseInput(this.#schemas.namespaceLimit, input, 'namespace limit');
    const features = this.#deps.packages.features;
    const featureKey = features.assert(parsed.feature);
    if (!features.isLimit(featureKey)) {
      throw new ValidationError(`"${featureKey}" is a boolean feature and has no limit.`, [{ path: ['feature'], message: 'Not a limit feature.' }]);
    }
    await this.syncCatalog();
    await this.#deps.store.transaction(async (tx) => {
      await tx.setNamespaceLimit({ tenantId: parsed.tenantId, namespace: parsed.namespace, featureKey, limit: parsed.limit ?? 'unlimited' });
      await this.#audit(tx, parsed.actor, parsed.tenantId, 'entitlement.namespace_limit_set', {
        namespace: parsed.namespace,
        feature: featureKey,
        limit: parsed.limit,
      });
    });
    this.#deps.onGrantsChanged(parsed.tenantId);
  }

  /** The tenant's usage-alert history, oldest first. */
  async alerts(tenantId: string): Promise<readonly AlertRecord[]> {
    const parsed = this.#schemas.tenantId.safeParse(tenantId);
    if (!parsed.success) throw new NotFoundError();
    return this.#deps.store.listAlerts(parsed.data);
  }

  /**
   * Reads the tenant's grants, the change just written included, and throws
   * `ValidationError` (rolling the change back) when an effective limit
   * would pass `COUNTER_CEILING`: refused here, such grants can never make
   * every later read of the tenant fail.
   */
  async #assertLimitsFit(tx: StoreOperations, tenantId: string, now: Date, change: { readonly what: string; readonly path: string }): Promise<void> {
    const { packages } = this.#deps;
    assertLimitsFit(packages, catalogGrants(packages, await tx.readGrants(tenantId)), now, change);
  }

  async #audit(tx: StoreOperations, actor: SystemActor, tenantId: string, action: AuditAction, metadata: AuditMetadata): Promise<void> {
    await this.#deps.auditor.record(tx, { actor, tenantId, action, subjectUserId: null, metadata });
  }

}
