import type { CapabilityRegistry } from '../capabilities/define-capabilities.js';
import type { RoleMap } from './define-roles.js';

/**
 * A role map compiled for the hot path: every capability has a bit index
 * (its position in the registry), and every role a bitmask of the
 * capabilities it grants. A check is then one map lookup (capability → index)
 * and one bit test, with nothing allocated.
 *
 * Masks are `Uint32Array` words (bit `i` of word `i >>> 5`), so any number of
 * capabilities fits; the usual catalog of up to 32 needs one word.
 */
export interface CompiledRoles {
  /** Capability name → bit index, in declaration order. */
  readonly index: ReadonlyMap<string, number>;
  /** The capability names by index (the registry's `all()`). */
  readonly names: readonly string[];
  /** Role name → granted-capability mask. A role not in the map has none (fail closed). */
  readonly masks: ReadonlyMap<string, Uint32Array>;
  /** Every capability (a system actor in an existing tenant). */
  readonly all: Uint32Array;
  /** No capability (not a member, no such tenant, malformed id). */
  readonly none: Uint32Array;
}

/** True when bit `index` is set in `mask`. */
export function hasBit(mask: Uint32Array, index: number): boolean {
  return (((mask[index >>> 5] ?? 0) >>> (index & 31)) & 1) === 1;
}

const indexes = new WeakMap<CapabilityRegistry, ReadonlyMap<string, number>>();
const compiled = new WeakMap<RoleMap, CompiledRoles>();

/**
 * The bit index of every capability of `registry`. `defineCapabilities`
 * registers it at definition; a registry built some other way is indexed
 * on first use, from `all()`.
 */
export function capabilityIndex(registry: CapabilityRegistry): ReadonlyMap<string, number> {
  let index = indexes.get(registry);
  if (index === undefined) {
    index = new Map(registry.all().map((name, position) => [name, position]));
    indexes.set(registry, index);
  }
  return index;
}

/**
 * The compiled form of `roles`, built once per role map (`defineRoles`
 * compiles at definition) and shared by every instance and request.
 */
export function compileRoles(roles: RoleMap): CompiledRoles {
  const known = compiled.get(roles);
  if (known !== undefined) return known;
  const index = capabilityIndex(roles.capabilities);
  const words = Math.max(1, Math.ceil(index.size / 32));
  const all = new Uint32Array(words);
  for (const position of index.values()) setBit(all, position);
  const masks = new Map<string, Uint32Array>();
  for (const role of roles.roleNames()) {
    const mask = new Uint32Array(words);
    for (const capability of roles.capabilitiesOf(role)) {
      const position = index.get(capability);
      if (position !== undefined) setBit(mask, position);
    }
    masks.set(role, mask);
  }
  const result: CompiledRoles = Object.freeze({ index, names: roles.capabilities.all(), masks, all, none: new Uint32Array(words) });
  compiled.set(roles, result);
  return result;
}

/**
 * The mask of `capabilities` (e.g. the step-up ones), or `undefined` for
 * none. Names that are not declared are ignored here; the caller validates.
 */
export function capabilityMask(compiledRoles: CompiledRoles, capabilities: readonly string[]): Uint32Array | undefined {
  if (capabilities.length === 0) return undefined;
  const mask = new Uint32Array(compiledRoles.none.length);
  for (const capability of capabilities) {
    const position = compiledRoles.index.get(capability);
    if (position !== undefined) setBit(mask, position);
  }
  return mask;
}

function setBit(mask: Uint32Array, index: number): void {
  mask[index >>> 5] = ((mask[index >>> 5] ?? 0) | (1 << (index & 31))) >>> 0;
}
