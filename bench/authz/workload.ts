import { defineCapabilities, defineRoles } from 'tenantry';
import { seededRandom } from '../../test/integration/kysely/support/seeded-random.js';

/**
 * The issue-12 workload: 1,000 tenants, 10,000 users, ~20,000 memberships,
 * 4 roles, 12 capabilities, and 1,000,000 (user, tenant, capability) triples
 * for the "mixed" rows. Deterministic (seeded), so every variant and every
 * run sees the same triples.
 */
export const TENANTS = 1_000;
export const USERS = 10_000;
export const MEMBERSHIPS = 20_000;
export const TRIPLES = 1_000_000;

export const capabilities = defineCapabilities([
  'tenant.read',
  'tenant.manage',
  'membership.read',
  'membership.manage',
  'billing.read',
  'billing.manage',
  'project.read',
  'project.write',
  'project.delete',
  'report.read',
  'report.export',
  'audit.read',
] as const);
export type Capability = ReturnType<typeof capabilities.all>[number];

export const roles = defineRoles(
  capabilities,
  {
    owner: capabilities.all(),
    manager: [
      'tenant.read',
      'tenant.manage',
      'membership.read',
      'billing.read',
      'project.read',
      'project.write',
      'project.delete',
      'report.read',
      'report.export',
    ],
    operator: ['tenant.read', 'membership.read', 'project.read', 'project.write', 'report.read'],
    readonly: ['tenant.read', 'project.read', 'report.read'],
  },
  { ownerRole: 'owner' },
);
export type Role = ReturnType<typeof roles.roleNames>[number];

export interface Membership {
  readonly tenant: number;
  readonly user: number;
  readonly role: Role;
}

export interface Workload {
  /** Tenant index → tenant id (filled once tenants exist). */
  readonly tenantIds: string[];
  readonly userIds: readonly string[];
  /** Every tenant's owner first (user = tenant index × 10), then random memberships; (tenant, user) unique. */
  readonly memberships: readonly Membership[];
  /** Parallel arrays of the triples: user index, tenant index, capability index. */
  readonly users: Uint32Array;
  readonly tenants: Uint32Array;
  readonly capabilities: Uint8Array;
}

/**
 * Builds the workload. The mixed triples draw half from existing memberships
 * (members: 200 or 403) and half from a fixed pool of 20,000 random
 * (user, tenant) pairs (almost all non-members: 404), so the set of distinct
 * pairs (~40,000) stays memoizable while the access pattern stays random.
 */
export function workload(): Workload {
  const next = seededRandom(12);
  const pick = (n: number) => Math.floor(next() * n);
  const roleNames = roles.roleNames().filter((role) => role !== 'owner');
  const seen = new Set<number>();
  const memberships: Membership[] = [];
  for (let tenant = 0; tenant < TENANTS; tenant += 1) {
    const user = tenant * 10;
    seen.add(tenant * USERS + user);
    memberships.push({ tenant, user, role: 'owner' });
  }
  while (memberships.length < MEMBERSHIPS) {
    const tenant = pick(TENANTS);
    const user = pick(USERS);
    if (seen.has(tenant * USERS + user)) continue;
    seen.add(tenant * USERS + user);
    memberships.push({ tenant, user, role: roleNames[pick(roleNames.length)]! });
  }
  const strangers = Array.from({ length: 20_000 }, () => [pick(USERS), pick(TENANTS)] as const);
  const users = new Uint32Array(TRIPLES);
  const tenants = new Uint32Array(TRIPLES);
  const caps = new Uint8Array(TRIPLES);
  for (let i = 0; i < TRIPLES; i += 1) {
    if (next() < 0.5) {
      const m = memberships[pick(memberships.length)]!;
      users[i] = m.user;
      tenants[i] = m.tenant;
    } else {
      const [user, tenant] = strangers[pick(strangers.length)]!;
      users[i] = user;
      tenants[i] = tenant;
    }
    caps[i] = pick(12);
  }
  return {
    tenantIds: [],
    userIds: Array.from({ length: USERS }, (_, i) => `user-${i}`),
    memberships,
    users,
    tenants,
    capabilities: caps,
  };
}
