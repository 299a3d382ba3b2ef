import { z } from 'zod';
import { MAX_CATALOG_KEY_LENGTH } from '../../core/entitlements/catalog-keys.js';
import { COUNTER_CEILING, MAX_CONSUME_AMOUNT } from '../../core/entitlements/limit.js';
import { MAX_PAGE_SIZE } from '../../core/paging/page.js';
import { identifierTextSchema } from '../../core/validation/identifier-text.js';

/** Input of `usage.check`. */
export interface UsageCheckInput<F extends string = string> {
  readonly tenantId: string;
  readonly featureKey: F;
  /** How much would be consumed. Default is 1. */
  readonly amount?: number;
  /** Check inside this namespace too (and its own limit). */
  readonly namespace?: string;
}

/** Input of `usage.tryConsume` and `usage.consume`. */
export interface ConsumeInput<L extends string = string> {
  readonly tenantId: string;
  /** A limit feature. */
  readonly featureKey: L;
  /** A positive integer, at most `MAX_CONSUME_AMOUNT` (2^31 − 1). */
  readonly amount: number;
  /** Count this consumption in a namespace too (and respect the namespace's own limit). */
  readonly namespace?: string;
  /**
   * Retries with the same key return the first result and count once,
   * whatever the tenant's grants are by then, until the record expires
   * (`entitlements.idempotency.ttlMs`, default 24 h). The key is scoped to
   * (tenant, actor or {@link ConsumeInput.idempotencyScope}, feature): one
   * member cannot replay another's key. Reusing a key for a different
   * amount, namespace or fingerprint is an `IdempotencyConflictError`.
   */
  readonly idempotencyKey?: string;
  /**
   * Shares keys across actors on purpose (say a billing event id used by
   * several workers): the key is scoped to this name instead of the actor.
   * 1 to 64 letters, digits, `_`, `.`, `:` or `-`.
   */
  readonly idempotencyScope?: string;
  /**
   * Identifies the request behind the key (the HTTP guard hashes method,
   * route and body): the same key with another fingerprint is an
   * `IdempotencyConflictError` (409). At most 256 characters.
   */
  readonly fingerprint?: string;
}

/** Input of `usage.release`. */
export interface ReleaseInput<L extends string = string> {
  readonly tenantId: string;
  /** A gauge feature (`reset: 'none'`), such as seats. */
  readonly featureKey: L;
  readonly amount: number;
  readonly namespace?: string;
  /** Give back as much as every level holds, up to `amount` (possibly nothing), instead of refusing. Default is false. */
  readonly upTo?: boolean;
}

/** Input of `usage.report`. */
export interface UsageReportInput {
  readonly tenantId: string;
  /** Report on this namespace instead of the tenant pool. */
  readonly namespace?: string;
}

/** Input of `usage.simulate`. */
export interface SimulateInput<P extends string = string> {
  readonly tenantId: string;
  /** The packages the tenant would have instead of its current ones (boosts are kept). */
  readonly packageKeys: readonly P[];
}

/** Input of `provisioning.assignPackage` and `provisioning.cancelPackage`. */
export interface TenantPackageInput<P extends string = string> {
  readonly tenantId: string;
  readonly packageKey: P;
}

/**
 * What happens to the usage counted in the current window of every
 * cycle-anchored feature when the billing cycle or the plan changes.
 *
 * - `carry`: it keeps counting. When the anchor moves, the new current
 *   window starts with at least that usage (the larger of the two windows'
 *   counters), so a cycle change never hands out a fresh allowance.
 * - `reset`: the new current window starts at 0 (a fresh allowance, as
 *   billing systems do when an upgrade restarts the cycle).
 *
 * Gauges (seats) and calendar periods are never touched.
 */
export type UsagePolicy = 'carry' | 'reset';

/** Input of `provisioning.assignPackage`. */
export interface AssignPackageInput<P extends string = string> extends TenantPackageInput<P> {
  /**
   * The tenant's billing-cycle anchor from now on (usually the billing
   * system's `billing_cycle_anchor`), applied with usage `carry`. Default:
   * keep the stored anchor; a tenant without one is anchored at this
   * assignment's time.
   */
  readonly cycleAnchor?: Date;
}

/** Input of `provisioning.setBillingCycle`. */
export interface SetBillingCycleInput {
  readonly tenantId: string;
  /** Where the tenant's cycle-anchored periods start (time of day included). */
  readonly anchor: Date;
  /** What the current window's usage does; default `carry` (see {@link UsagePolicy}). */
  readonly usage?: UsagePolicy;
}

/** Input of `provisioning.changePackage` and `provisioning.simulateChange`. */
export interface ChangePackageInput<P extends string = string> {
  readonly tenantId: string;
  /** The active package to cancel. */
  readonly from: P;
  /** The package to assign instead. */
  readonly to: P;
  /** A new billing-cycle anchor; default: keep the stored one. */
  readonly cycleAnchor?: Date;
  /** What the current window's usage does (see {@link UsagePolicy}). */
  readonly usage: UsagePolicy;
}

/** Input of `provisioning.addBoost`. */
export interface AddBoostInput<L extends string = string> {
  readonly tenantId: string;
  readonly featureKey: L;
  /** Extra allowance: a positive count, or `'unlimited'`. */
  readonly amount: number | 'unlimited';
  /** When the boost stops counting. Default: never. */
  readonly expiresAt?: Date;
}

/** Input of `provisioning.setNamespaceLimit`. */
export interface SetNamespaceLimitInput<L extends string = string> {
  readonly tenantId: string;
  readonly namespace: string;
  readonly featureKey: L;
  /** The namespace's own limit; `'unlimited'` removes it (the namespace is then bounded by the tenant pool only). */
  readonly limit: number | 'unlimited';
}

/** Input of `provisioning.alerts`. */
export interface AlertsInput {
  readonly tenantId: string;
  /** Page size, 1 to 1000. Default is 100. */
  readonly limit?: number;
  readonly cursor?: string;
}

/** Namespace names: short identifiers, so they are safe in keys, logs and URLs. */
export const namespaceSchema = identifierTextSchema(64).regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, {
  message: 'Namespaces are 1 to 64 letters, digits, "_", ".", ":" or "-", starting with a letter or digit.',
});

/** Idempotency keys: 1 to 128 printable ASCII characters (UUIDs, request ids, hashes). */
export const idempotencyKeySchema = identifierTextSchema(128).regex(/^[\x21-\x7e]{1,128}$/, {
  message: 'Idempotency keys are 1 to 128 printable ASCII characters without spaces.',
});

/**
 * Feature and package keys as received; the catalog then decides whether
 * they exist. Bounded and safe text first, so no unchecked string is quoted
 * or looked up.
 */
const catalogKey = identifierTextSchema(MAX_CATALOG_KEY_LENGTH);

/** What one check, consumption or release may ask for: see {@link MAX_CONSUME_AMOUNT}. */
const amount = z.number().int().min(1).max(MAX_CONSUME_AMOUNT);

/** A boost's amount: any count a counter can hold (provisioning then checks the tenant's sum). */
const grantAmount = z.number().int().min(1).max(COUNTER_CEILING);

const tenantId = z.string();

const usagePolicy = z.enum(['carry', 'reset']);

/**
 * Boundary schemas of the entitlement inputs. The tenant id is checked first
 * by the instance's tenant-id rule (a malformed id is the canonical 404), so
 * it is a plain string here.
 */
export const entitlementSchemas = Object.freeze({
  check: z.object({ tenantId, featureKey: catalogKey, amount: amount.optional(), namespace: namespaceSchema.optional() }).strict(),
  consume: z
    .object({
      tenantId,
      featureKey: catalogKey,
      amount,
      namespace: namespaceSchema.optional(),
      idempotencyKey: idempotencyKeySchema.optional(),
      idempotencyScope: namespaceSchema.optional(),
      fingerprint: identifierTextSchema(256).optional(),
    })
    .strict(),
  release: z.object({ tenantId, featureKey: catalogKey, amount, namespace: namespaceSchema.optional(), upTo: z.boolean().optional() }).strict(),
  report: z.object({ tenantId, namespace: namespaceSchema.optional() }).strict(),
  simulate: z.object({ tenantId, packageKeys: z.array(catalogKey).max(100) }).strict(),
  package: z.object({ tenantId, packageKey: catalogKey }).strict(),
  assign: z.object({ tenantId, packageKey: catalogKey, cycleAnchor: z.date().optional() }).strict(),
  billingCycle: z.object({ tenantId, anchor: z.date(), usage: usagePolicy.optional() }).strict(),
  change: z.object({ tenantId, from: catalogKey, to: catalogKey, cycleAnchor: z.date().optional(), usage: usagePolicy }).strict(),
  boost: z.object({ tenantId, featureKey: catalogKey, amount: z.union([grantAmount, z.literal('unlimited')]), expiresAt: z.date().optional() }).strict(),
  namespaceLimit: z
    .object({
      tenantId,
      namespace: namespaceSchema,
      featureKey: catalogKey,
      limit: z.union([z.number().int().min(0).max(COUNTER_CEILING), z.literal('unlimited')]),
    })
    .strict(),
  alerts: z.object({ tenantId, limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(), cursor: z.string().optional() }).strict(),
});
