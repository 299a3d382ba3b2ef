import { ConfigurationError, UnknownCapabilityError } from '../errors/index.js';
import { capabilityIndex } from '../roles/compiled-roles.js';

/**
 * Capability names: lower-case segments separated by dots, e.g. `billing.read`
 * or `membership.manage`. Kept strict so that registries stay greppable and a
 * capability can never collide with a role name or contain whitespace.
 */
const CAPABILITY_NAME = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/;
const MAX_CAPABILITY_LENGTH = 128;

/**
 * The canonical registry of capabilities: the one list everything else (role
 * maps, guards, UI) derives from. Create it with {@link defineCapabilities}.
 *
 * @typeParam C - the union of capability names, derived from the `as const` array.
 */
export interface CapabilityRegistry<C extends string = string> {
  /** Every capability, in declaration order. */
  all(): readonly C[];
  /** True when `name` is a declared capability; narrows `name` to `C`. */
  has(name: string): name is C;
  /**
   * Returns `name` typed as `C`, or throws {@link UnknownCapabilityError}
   * naming the string. Use at boundaries where a string arrives unchecked.
   */
  assert(name: string): C;
}

/** The capability-name union of a registry: `CapabilityOf<typeof capabilities>`. */
export type CapabilityOf<R> = R extends CapabilityRegistry<infer C> ? C : never;

/**
 * Declares the capability registry. Pass the names `as const` (or inline) so
 * they become a literal union: a typo anywhere a capability is expected is then
 * a compile error, and an unchecked string at run time throws
 * {@link UnknownCapabilityError}.
 *
 * Throws {@link ConfigurationError} for an empty list, a duplicate, or a name
 * that is not lower-case dot-separated segments (at most 128 characters).
 *
 * @example
 * ```ts
 * const capabilities = defineCapabilities([
 *   'tenant.read',
 *   'tenant.manage',
 *   'membership.manage',
 * ] as const);
 * capabilities.all(); // ['tenant.read', 'tenant.manage', 'membership.manage']
 * ```
 */
export function defineCapabilities<const C extends string>(names: readonly C[]): CapabilityRegistry<C> {
  if (names.length === 0) {
    throw new ConfigurationError('defineCapabilities() needs at least one capability.');
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (typeof name !== 'string' || name.length > MAX_CAPABILITY_LENGTH || !CAPABILITY_NAME.test(name)) {
      throw new ConfigurationError(
        `Invalid capability name ${JSON.stringify(name)}: use lower-case segments separated by dots, e.g. "billing.read" (at most ${MAX_CAPABILITY_LENGTH} characters).`,
      );
    }
    if (seen.has(name)) {
      throw new ConfigurationError(`Capability "${name}" is declared twice.`);
    }
    seen.add(name);
  }
  const list = Object.freeze([...names]);
  const members: ReadonlySet<string> = seen;

  const has = (name: string): name is C => members.has(name);
  const registry: CapabilityRegistry<C> = Object.freeze({
    all: () => list,
    has,
    assert(name: string): C {
      if (!has(name)) throw new UnknownCapabilityError(String(name));
      return name;
    },
  });
  // The bit index of every capability, for the synchronous per-tenant checks (`scope.access()`).
  capabilityIndex(registry);
  return registry;
}
