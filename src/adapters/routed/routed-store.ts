import { z } from 'zod';
import { ConfigurationError } from '../../core/errors/index.js';
import { parseConfig } from '../../core/validation/parse-input.js';
import { defineStore, isStore } from '../../store/define-store.js';
import type { MembershipRecord, TenantPageRequest, TenantRecord } from '../../store/records.js';
import type { StoreAdapter, TransactionOptions } from '../../store/store-adapter.js';
import { STORE_OPERATIONS, type StoreOperationName, type StoreOperations } from '../../store/store-operations.js';
import type { Store } from '../../store/store.js';
import type { FeatureDeletion, FeatureRecord } from '../../store/entitlement-records.js';
import type { InvitationRecord } from '../../store/invitation-records.js';
import type { PruneRequest, PruneResult } from '../../store/retention-operations.js';
import type { WebhookAttemptRecord, WebhookClaim, WebhookCompletion, WebhookDeliveryRecord } from '../../store/webhook-records.js';
import { OPERATION_ROUTES, perRegionRefusal, READ_ONLY_OPERATIONS } from './operation-routes.js';
import { routedTransaction } from './routed-transaction.js';

/** Options of {@link routedStore}. */
export interface RoutedStoreOptions<Region extends string> {
  /**
   * The region of a tenant: called for every tenant-scoped operation (and
   * when a tenant is created, with the id the caller chose), so it must be
   * a pure function of the id: encode the region in the id (`eu-…`), or
   * look it up in a directory the host keeps. Returning a region that is not
   * in `stores` (or throwing) fails the operation before any storage access.
   */
  readonly route: (tenantId: string) => Region;
  /** One store per region; nothing of a tenant is ever read or written outside its region's store. */
  readonly stores: Readonly<Record<Region, Store>>;
  /**
   * The region of instance-wide data that belongs to no tenant: rate-limit
   * windows (their keys may name a user or an address). A transaction that
   * starts with a catalog operation runs there too.
   */
  readonly home: NoInfer<Region>;
}

const optionsSchema = z
  .object({
    route: z.custom((value) => typeof value === 'function', { message: 'expected a function from tenant id to region' }),
    stores: z.record(z.string(), z.custom(isStore, { message: 'expected a Store (memoryStore(), kyselyStore(db), defineStore(adapter))' })),
    home: z.string(),
  })
  .strict();

/** Code-unit order of tenant ids: the one documented merge order of a fan-out. */
const byTenantId = (a: MembershipRecord, b: MembershipRecord): number => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0);

/** Of one deletion per region, the one to report: a refusal first, then a deletion, else `not_found`. */
function combineDeletions(results: readonly FeatureDeletion[]): FeatureDeletion {
  return results.find((result) => result === 'in_use' || result === 'has_children') ?? (results.includes('deleted') ? 'deleted' : 'not_found');
}

/** Every region's features, merged by key (the catalog is the same everywhere once synced), ordered by key. */
function mergeFeatures(lists: readonly (readonly FeatureRecord[])[]): FeatureRecord[] {
  const byKey = new Map<string, FeatureRecord>();
  for (const list of lists) for (const feature of list) if (!byKey.has(feature.key)) byKey.set(feature.key, feature);
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * A {@link Store} over one store per region, for data residency: every
 * tenant-scoped operation goes to the store of the tenant's region
 * (`route(tenantId)`), and nothing of a tenant is ever read or written
 * anywhere else.
 *
 * - The tenant switcher (`listMembershipsOfUser`, `listActiveMembershipsOfUser`) asks every region in
 *   parallel and merges in tenant-id order (code units), as one store would
 *   answer.
 * - The feature catalog is configuration, not tenant data: `syncFeatures`
 *   writes it to every region, `listFeatures` merges them, `deleteFeature`
 *   deletes it everywhere it can and reports a refusal of any region.
 * - Rate-limit windows live in the `home` region.
 * - A transaction runs in one region: the tenant's with `{ tenantId }`,
 *   else the region of its first tenant-scoped operation. A write for a
 *   tenant of another region inside it is a `ConfigurationError` (it could
 *   not be atomic); reads of another region's tenants are served from there.
 *
 * @example
 * ```ts
 * const store = routedStore({
 *   route: (tenantId) => (tenantId.startsWith('us-') ? 'us' : 'eu'),
 *   stores: { eu: kyselyStore(dbEu), us: kyselyStore(dbUs) },
 *   home: 'eu',
 * });
 * const tenantry = createTenantry({ store, capabilities, roles, tenantIds: { pattern: /^(eu|us)-[0-9a-f-]{36}$/ } });
 * await tenantry.as(systemActor('signup')).tenants.create({ id: `us-${crypto.randomUUID()}`, ownerId: 'ada' });
 * ```
 */
export function routedStore<Region extends string>(options: RoutedStoreOptions<Region>): Store {
  parseConfig(optionsSchema, options, 'routedStore() options');
  const regions = Object.keys(options.stores) as Region[];
  if (regions.length === 0) throw new ConfigurationError('Invalid routedStore() options: stores: name at least one region.');
  if (!regions.includes(options.home)) throw new ConfigurationError(`Invalid routedStore() options: home: "${options.home}" is not one of the stores.`);
  const stores = options.stores as Readonly<Record<string, Store>>;

  const regionOf = (tenantId: string): string => {
    const region: unknown = options.route(tenantId);
    if (typeof region !== 'string' || !Object.hasOwn(stores, region)) {
      throw new ConfigurationError(
        `routedStore(): route() answered ${typeof region === 'string' ? JSON.stringify(region) : `a ${typeof region}`} for a tenant, which is not one of the stores.`,
      );
    }
    return region;
  };
  const storeOf = (region: string): Store => stores[region] as Store;
  const call = (ops: StoreOperations, name: StoreOperationName, a: unknown, b: unknown): Promise<unknown> =>
    (ops[name] as (a: unknown, b: unknown) => Promise<unknown>).call(ops, a, b);

  const adapter: Record<string, unknown> = {
    name: `routed(${regions.map((region) => `${region}:${storeOf(region).name}`).join(',')})`,
  };
  for (const name of STORE_OPERATIONS) {
    const route = OPERATION_ROUTES[name];
    if (typeof route === 'function') {
      adapter[name] = (a: unknown, b: unknown) => call(storeOf(regionOf(route(a, b))), name, a, b);
    } else if (route === 'home') {
      adapter[name] = (a: unknown, b: unknown) => call(storeOf(options.home), name, a, b);
    } else if (route === 'perRegion') {
      adapter[name] = () => Promise.reject(perRegionRefusal(name));
    }
  }
  adapter.listMembershipsOfUser = async (userId: string) =>
    (await Promise.all(regions.map((region) => storeOf(region).listMembershipsOfUser(userId)))).flat().sort(byTenantId);
  adapter.listActiveMembershipsOfUser = async (userId: string) =>
    (await Promise.all(regions.map((region) => storeOf(region).listActiveMembershipsOfUser(userId)))).flat().sort(byTenantId);
  adapter.syncFeatures = async (features: readonly FeatureRecord[]) => {
    // One region after the other, home first: a refused catalog (a missing parent) stops before the others.
    for (const region of [options.home, ...regions.filter((r) => r !== options.home)]) await storeOf(region).syncFeatures(features);
  };
  adapter.listFeatures = async () => mergeFeatures(await Promise.all(regions.map((region) => storeOf(region).listFeatures())));
  adapter.deleteFeature = async (featureKey: string) => {
    const results: FeatureDeletion[] = [];
    for (const region of regions) results.push(await storeOf(region).deleteFeature(featureKey));
    return combineDeletions(results);
  };
  // The delivery worker's operations span regions: each region keeps its tenants' outbox.
  adapter.claimWebhookDeliveries = async (claim: WebhookClaim): Promise<readonly WebhookDeliveryRecord[]> => {
    if (claim.tenantId !== undefined) return storeOf(regionOf(claim.tenantId)).claimWebhookDeliveries(claim);
    // Region after region (home first) with what is left of the limit: never more than `limit` in all; oldest first within a region.
    const claimed: WebhookDeliveryRecord[] = [];
    for (const region of [options.home, ...regions.filter((r) => r !== options.home)]) {
      const left = claim.limit - claimed.length;
      if (left <= 0) break;
      claimed.push(...(await storeOf(region).claimWebhookDeliveries({ ...claim, limit: left })));
    }
    return claimed;
  };
  // The claim token is unique, so at most one region completes the delivery; the others match no row and write nothing.
  adapter.completeWebhookDelivery = async (completion: WebhookCompletion): Promise<boolean> =>
    (await Promise.all(regions.map((region) => storeOf(region).completeWebhookDelivery(completion)))).some(Boolean);
  adapter.listWebhookAttempts = async (deliveryId: string): Promise<readonly WebhookAttemptRecord[]> =>
    (await Promise.all(regions.map((region) => storeOf(region).listWebhookAttempts(deliveryId)))).flat();
  adapter.pruneWebhookDeliveries = async (before: Date): Promise<number> =>
    (await Promise.all(regions.map((region) => storeOf(region).pruneWebhookDeliveries(before)))).reduce((sum, count) => sum + count, 0);
  // Keyset pages by tenant id: each region's first `limit` after the cursor, merged in code-unit order, hold the global first `limit`.
  adapter.listTenants = async (page: TenantPageRequest): Promise<readonly TenantRecord[]> =>
    (await Promise.all(regions.map((region) => storeOf(region).listTenants(page))))
      .flat()
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, page.limit);
  adapter.findInvitationBySelector = async (selector: string): Promise<InvitationRecord | undefined> =>
    (await Promise.all(regions.map((region) => storeOf(region).findInvitationBySelector(selector)))).find((found) => found !== undefined);
  adapter.prune = async (request: PruneRequest): Promise<PruneResult> => {
    const results = await Promise.all(regions.map((region) => storeOf(region).prune(request)));
    return Object.freeze({
      idempotencyKeys: results.reduce((sum, result) => sum + result.idempotencyKeys, 0),
      rateLimitWindows: results.reduce((sum, result) => sum + result.rateLimitWindows, 0),
      auditEntries: results.reduce((sum, result) => sum + result.auditEntries, 0),
    });
  };
  adapter.transaction = <T>(work: (tx: StoreOperations) => Promise<T>, transactionOptions: TransactionOptions): Promise<T> =>
    routedTransaction(work, {
      initialRegion: transactionOptions.tenantId === undefined ? undefined : regionOf(transactionOptions.tenantId),
      tenantId: transactionOptions.tenantId,
      regionOf,
      storeOf,
      home: options.home,
      regions,
      readOnly: READ_ONLY_OPERATIONS,
    });
  return defineStore(adapter as unknown as StoreAdapter);
}
