import fc from 'fast-check';

/** A generated catalog: plain data, to feed `defineCapabilities` and `defineRoles`. */
export interface CatalogSample {
  readonly capabilities: readonly string[];
  /** Role name -> granted capabilities (a subset of `capabilities`). */
  readonly roles: Readonly<Record<string, readonly string[]>>;
  /** One of the keys of `roles`. */
  readonly ownerRole: string;
}

/** Valid capability names: 1 to 3 dot-separated lower-case segments. */
export function capabilityNameArb(): fc.Arbitrary<string> {
  return fc.stringMatching(/^[a-z][a-z0-9_]{0,7}(\.[a-z][a-z0-9_]{0,7}){0,2}$/);
}

/** Valid role names. */
export function roleNameArb(): fc.Arbitrary<string> {
  return fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/);
}

/** Canonical lower-case UUIDs, the default tenant-id format. */
export function tenantIdArb(): fc.Arbitrary<string> {
  return fc.uuid().map((id) => id.toLowerCase());
}

/**
 * Strings that are not valid default tenant ids: arbitrary text, upper-case
 * UUIDs, over-long ids, path and SQL fragments. A resolver must answer 404
 * for all of them without touching storage.
 */
export function malformedTenantIdArb(): fc.Arbitrary<string> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  return fc
    .oneof(
      fc.string({ maxLength: 80 }),
      fc.uuid().map((id) => id.toUpperCase()),
      fc.uuid().map((id) => `${id}0`),
      fc.constantFrom('', ' ', '../../etc/passwd', "' OR 1=1 --", '\u0000', 'x'.repeat(10_000)),
    )
    .filter((value) => !uuid.test(value));
}

/** User ids as hosts use them: short opaque strings without control characters. */
export function userIdArb(): fc.Arbitrary<string> {
  return fc.stringMatching(/^[a-zA-Z0-9_@.-]{1,24}$/);
}

/**
 * Random catalogs: 1 to `maxCapabilities` capabilities and 1 to `maxRoles`
 * roles, each granting a random subset; the first role is the owner.
 */
export function catalogArb(options: { readonly maxCapabilities?: number; readonly maxRoles?: number } = {}): fc.Arbitrary<CatalogSample> {
  const maxCapabilities = options.maxCapabilities ?? 8;
  const maxRoles = options.maxRoles ?? 5;
  return fc
    .tuple(
      fc.uniqueArray(capabilityNameArb(), { minLength: 1, maxLength: maxCapabilities }),
      fc.uniqueArray(roleNameArb(), { minLength: 1, maxLength: maxRoles }),
    )
    .chain(([capabilities, roleNames]) =>
      fc.tuple(...roleNames.map(() => fc.subarray(capabilities))).map((grants) => ({
        capabilities,
        roles: Object.fromEntries(roleNames.map((role, index) => [role, grants[index] ?? []])),
        ownerRole: roleNames[0] ?? '',
      })),
    );
}

/** A membership of a generated user in one of `tenantCount` tenants (by index). */
export interface MembershipSample {
  readonly tenant: number;
  readonly userId: string;
  readonly role: string;
}

/**
 * Memberships over `tenantCount` tenants and the roles of `catalog`, unique
 * per (tenant, user).
 */
export function membershipsArb(catalog: CatalogSample, tenantCount: number, options: { readonly maxLength?: number } = {}): fc.Arbitrary<MembershipSample[]> {
  return fc.uniqueArray(
    fc.record({
      tenant: fc.nat({ max: Math.max(0, tenantCount - 1) }),
      userId: userIdArb(),
      role: fc.constantFrom(...Object.keys(catalog.roles)),
    }),
    { maxLength: options.maxLength ?? 20, selector: (m) => `${m.tenant}\u0000${m.userId}` },
  );
}
