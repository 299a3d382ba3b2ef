import { InvalidSnapshotError } from '../core/errors/snapshot-errors.js';
import { SNAPSHOT_VERSION, type ClientSnapshot } from '../core/snapshot/client-snapshot.js';

// Hand-written rather than zod: `tenantry/client` runs in browsers and stays dependency-free.

const MAX_WORD = 0xffffffff;
/** The server's capability-name rule (`defineCapabilities`), repeated so the client needs nothing else; it also rules out `__proto__`. */
const CAPABILITY_NAME = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isWords(value: unknown, length: number): value is number[] {
  return Array.isArray(value) && value.length === length && value.every((word) => Number.isInteger(word) && word >= 0 && word <= MAX_WORD);
}

function isActionState(value: unknown): boolean {
  return (
    isRecord(value) &&
    typeof value['visible'] === 'boolean' &&
    typeof value['disabled'] === 'boolean' &&
    (value['reason'] === null || typeof value['reason'] === 'string')
  );
}

/**
 * Reads a client snapshot from the server's response: a JSON string or the
 * already-parsed value. Checks the version and the shape of every field
 * (the catalog is a list of distinct names, the bitsets have one unsigned
 * 32-bit word per 32 capabilities and no bit past the catalog, every
 * rendered action is a declared capability) and returns a frozen copy.
 * Throws `InvalidSnapshotError` naming the first field that fails; the
 * message never quotes the input.
 *
 * @typeParam C - capability names: pass the server's catalog type
 * (`parseSnapshot<CapabilityOf<typeof capabilities>>(body)`), so that
 * `can()` and `actionState()` accept only declared names.
 *
 * @example
 * ```ts fragment
 * const snapshot = parseSnapshot(await (await fetch(`/api/tenants/${tenantId}/snapshot`)).text());
 * ```
 */
export function parseSnapshot<C extends string = string>(input: unknown): ClientSnapshot<C> {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new InvalidSnapshotError('', { cause: error });
    }
  }
  if (!isRecord(value)) throw new InvalidSnapshotError('');
  if (value['v'] !== SNAPSHOT_VERSION) throw new InvalidSnapshotError('v');
  const { tenantId, role, capabilities, granted, stepUp, actions } = value;
  if (typeof tenantId !== 'string' || tenantId.length === 0) throw new InvalidSnapshotError('tenantId');
  if (role !== null && typeof role !== 'string') throw new InvalidSnapshotError('role');
  if (!Array.isArray(capabilities) || capabilities.length === 0 || !capabilities.every((name) => typeof name === 'string' && CAPABILITY_NAME.test(name))) {
    throw new InvalidSnapshotError('capabilities');
  }
  if (new Set(capabilities).size !== capabilities.length) throw new InvalidSnapshotError('capabilities');
  const words = Math.ceil(capabilities.length / 32);
  // Bits past the catalog would name no capability: a corrupt or forged bitset.
  const spare = capabilities.length % 32 === 0 ? 0 : (MAX_WORD << (capabilities.length % 32)) >>> 0;
  const tidy = (list: number[]) => ((list[words - 1] ?? 0) & spare) === 0;
  if (!isWords(granted, words) || !tidy(granted)) throw new InvalidSnapshotError('granted');
  if (!isWords(stepUp, words) || !tidy(stepUp)) throw new InvalidSnapshotError('stepUp');
  if (!isRecord(actions)) throw new InvalidSnapshotError('actions');
  const declared = new Set<unknown>(capabilities);
  const rendered: Record<string, unknown> = {};
  for (const [name, state] of Object.entries(actions)) {
    if (!declared.has(name) || !isActionState(state)) throw new InvalidSnapshotError('actions');
    const { visible, disabled, reason } = state as Record<string, unknown>;
    rendered[name] = Object.freeze({ visible, disabled, reason });
  }
  return Object.freeze({
    v: SNAPSHOT_VERSION,
    tenantId,
    role,
    capabilities: Object.freeze([...(capabilities as C[])]),
    granted: Object.freeze([...granted]),
    stepUp: Object.freeze([...stepUp]),
    actions: Object.freeze(rendered) as ClientSnapshot<C>['actions'],
  });
}
