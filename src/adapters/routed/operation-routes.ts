import { ConfigurationError } from '../../core/errors/index.js';
import type { StoreOperationName } from '../../store/store-operations.js';

/**
 * Where each store operation goes in a routed store:
 *
 * - a function: the operation is tenant-scoped; it returns the tenant id
 *   (from the first or second argument) whose region serves it;
 * - `'fanOut'`: user-scoped read, asked of every region in parallel;
 * - `'catalog'`: the feature catalog, kept in every region;
 * - `'home'`: instance-wide or user-level data (rate-limit windows, a
 *   user's second factor and recovery codes) in the home region;
 * - `'perRegion'`: operations that span the tenants of every region: the
 *   routed store runs them (the webhook worker's, retention, the admin
 *   tenant listing, a token's invitation lookup) in every region itself
 *   (see `routedStore`); inside a transaction, which holds one region, they
 *   are refused with a `ConfigurationError`.
 *
 * The table is typed against the list of operations, so an operation added
 * to the port does not compile until it says where it goes.
 */
export type OperationRoute = ((a: unknown, b: unknown) => string) | 'fanOut' | 'catalog' | 'home' | 'perRegion';

const first = (a: unknown): string => a as string;
const ofRecord = (a: unknown): string => (a as { readonly tenantId: string }).tenantId;

export const OPERATION_ROUTES: Readonly<Record<StoreOperationName, OperationRoute>> = {
  createTenant: (a) => (a as { readonly id: string }).id,
  findTenant: first,
  updateTenant: ofRecord,
  deleteTenant: first,
  findActiveMembership: first,
  // The admin listing pages by tenant id over every tenant: the routed store merges every region's page.
  listTenants: 'perRegion',
  findMembership: first,
  listMembershipsOfUser: 'fanOut',
  listMembers: first,
  insertMembership: ofRecord,
  updateMembershipRole: ofRecord,
  deleteMembership: ofRecord,
  appendAudit: ofRecord,
  listAudit: first,
  syncFeatures: 'catalog',
  listFeatures: 'catalog',
  deleteFeature: 'catalog',
  assignPackage: ofRecord,
  cancelPackage: ofRecord,
  addBoost: ofRecord,
  setNamespaceLimit: ofRecord,
  readGrants: first,
  consume: ofRecord,
  consumeGranted: ofRecord,
  release: ofRecord,
  readCounters: first,
  recordAlert: ofRecord,
  listAlerts: first,
  hitRateLimit: 'home',
  // A second factor belongs to the user, not to a tenant: one home for it.
  findTwoFactor: 'home',
  saveTwoFactor: 'home',
  advanceTwoFactorStep: 'home',
  deleteTwoFactor: 'home',
  listTwoFactorToReseal: 'home',
  resealTwoFactorSecret: 'home',
  replaceRecoveryCodes: 'home',
  listRecoveryCodes: 'home',
  useRecoveryCode: 'home',
  insertWebhookEndpoint: ofRecord,
  findWebhookEndpoint: first,
  listWebhookEndpoints: first,
  updateWebhookEndpoint: ofRecord,
  deleteWebhookEndpoint: first,
  // One call carries the deliveries of one change, so of one tenant.
  insertWebhookDeliveries: (a) => (a as readonly { readonly tenantId: string }[])[0]?.tenantId ?? '',
  claimWebhookDeliveries: 'perRegion',
  completeWebhookDelivery: 'perRegion',
  listWebhookDeliveries: first,
  listWebhookAttempts: 'perRegion',
  requeueWebhookDelivery: ofRecord,
  pruneWebhookDeliveries: 'perRegion',
  setCycleAnchor: ofRecord,
  shiftUsage: ofRecord,
  // Retention runs in every region (the routed store sums the counts); a transaction refuses it.
  prune: 'perRegion',
  insertInvitation: ofRecord,
  // A token names no tenant: the routed store asks every region (selectors are 128 random bits, unique across regions).
  findInvitationBySelector: 'perRegion',
  findInvitation: first,
  listInvitations: first,
  writeInvitation: ofRecord,
  saveIdempotentResponse: ofRecord,
  readIdempotentResponse: ofRecord,
  // A tenant's roles live with its memberships, in its region.
  insertTenantRole: ofRecord,
  listTenantRoles: first,
  updateTenantRole: ofRecord,
  deleteTenantRole: ofRecord,
  // A lease lives with its tenant's counters, in the tenant's region.
  acquireLease: ofRecord,
  checkpointLease: ofRecord,
  returnLease: ofRecord,
  reclaimLeases: ofRecord,
  listLeases: first,
  // Like listMembershipsOfUser: every region's answer, merged in tenant-id order by the routed store.
  listActiveMembershipsOfUser: 'fanOut',
};

/** The refusal of a {@link OperationRoute | 'perRegion'} operation on a routed store. */
export function perRegionRefusal(name: string): ConfigurationError {
  return new ConfigurationError(`routedStore(): ${name} spans the tenants of every region; run it on each region's own store (or outside a transaction).`);
}

/** Operations that only read: a transaction of one region may serve them for a tenant of another, from that region's store. */
export const READ_ONLY_OPERATIONS: ReadonlySet<StoreOperationName> = new Set([
  'findTenant',
  'findMembership',
  'findActiveMembership',
  'listMembers',
  'findInvitation',
  'listInvitations',
  'listTenantRoles',
  'listAudit',
  'readGrants',
  'readCounters',
  'listAlerts',
  'listLeases',
] satisfies StoreOperationName[]);
