import { ConfigurationError } from '../../core/errors/index.js';
import type { MembershipRecord } from '../../store/records.js';
import { STORE_OPERATIONS, type StoreOperationName, type StoreOperations } from '../../store/store-operations.js';
import type { Store } from '../../store/store.js';
import { OPERATION_ROUTES, perRegionRefusal } from './operation-routes.js';

/** What a routed transaction needs of its store. */
export interface RoutedTransactionContext {
  /** The region of `options.tenantId`, when given: the transaction opens there at once. */
  readonly initialRegion: string | undefined;
  readonly tenantId: string | undefined;
  readonly regionOf: (tenantId: string) => string;
  readonly storeOf: (region: string) => Store;
  readonly home: string;
  readonly regions: readonly string[];
  readonly readOnly: ReadonlySet<StoreOperationName>;
}

type Operation = (a: unknown, b: unknown) => Promise<unknown>;
type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

const byTenantId = (a: MembershipRecord, b: MembershipRecord): number => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0);

function invoke(ops: StoreOperations, name: StoreOperationName, a: unknown, b: unknown): Promise<unknown> {
  return (ops[name] as Operation).call(ops, a, b);
}

/**
 * The handle of a transaction open in `region`: its tenant's operations go
 * to `tx`; a read of another region's tenant is served by that region's
 * store (it cannot have writes in this transaction); a write there is
 * refused, since it could not commit or roll back with this transaction.
 */
function regionHandle(context: RoutedTransactionContext, region: string, tx: StoreOperations): StoreOperations {
  const handle: Partial<Record<StoreOperationName, Operation>> = {};
  for (const name of STORE_OPERATIONS) {
    const route = OPERATION_ROUTES[name];
    if (typeof route === 'function') {
      handle[name] = (a, b) => {
        const target = context.regionOf(route(a, b));
        if (target === region) return invoke(tx, name, a, b);
        if (context.readOnly.has(name)) return invoke(context.storeOf(target), name, a, b);
        return Promise.reject(
          new ConfigurationError(
            `routedStore(): a transaction in region "${region}" cannot run ${name} for a tenant of region "${target}"; use one transaction per region.`,
          ),
        );
      };
    } else if (route === 'home') {
      // Rate-limit windows live at home; from another region's transaction they are counted outside it.
      handle[name] = (a, b) => invoke(region === context.home ? tx : context.storeOf(context.home), name, a, b);
    } else if (route === 'catalog') {
      // Inside a transaction the catalog changes in its region only, atomically with it.
      handle[name] = (a, b) => invoke(tx, name, a, b);
    } else if (route === 'perRegion') {
      handle[name] = () => Promise.reject(perRegionRefusal(name));
    } else {
      handle[name] = async (a, b) => {
        const lists = await Promise.all(
          context.regions.map((other) => invoke(other === region ? tx : context.storeOf(other), name, a, b) as Promise<readonly MembershipRecord[]>),
        );
        return lists.flat().sort(byTenantId);
      };
    }
  }
  return handle as StoreOperations;
}

/** The region an operation would bind a not-yet-open transaction to, or `undefined` when it needs none (a fan-out read). */
function bindingRegion(context: RoutedTransactionContext, name: StoreOperationName, a: unknown, b: unknown): string | undefined {
  const route = OPERATION_ROUTES[name];
  if (typeof route === 'function') return context.regionOf(route(a, b));
  return route === 'fanOut' || route === 'perRegion' ? undefined : context.home;
}

/**
 * Runs `work` in a transaction of one region. With a tenant id it opens in
 * that tenant's region; without (creating a tenant), it opens lazily, in
 * the region of the first operation that needs one, and commits when
 * `work` resolves. A `work` that touches no storage opens nothing.
 */
export async function routedTransaction<T>(work: (tx: StoreOperations) => Promise<T>, context: RoutedTransactionContext): Promise<T> {
  const { initialRegion } = context;
  if (initialRegion !== undefined) {
    return context
      .storeOf(initialRegion)
      .transaction((tx) => work(regionHandle(context, initialRegion, tx)), context.tenantId === undefined ? {} : { tenantId: context.tenantId });
  }

  let settleWork: (outcome: Outcome<T>) => void = () => undefined;
  const workDone = new Promise<Outcome<T>>((resolve) => {
    settleWork = resolve;
  });
  let opening: Promise<StoreOperations> | undefined;
  let outer: Promise<unknown> | undefined;
  const open = (region: string): Promise<StoreOperations> =>
    (opening ??= new Promise<StoreOperations>((resolve, reject) => {
      outer = context.storeOf(region).transaction(async (tx) => {
        resolve(regionHandle(context, region, tx));
        const outcome = await workDone;
        if (!outcome.ok) throw outcome.error;
        return outcome.value;
      });
      outer.catch(reject);
    }));

  const lazy: Partial<Record<StoreOperationName, Operation>> = {};
  for (const name of STORE_OPERATIONS) {
    lazy[name] = async (a, b) => {
      // A cross-region operation is refused in any transaction, before or after it opens, never fanned out.
      if (OPERATION_ROUTES[name] === 'perRegion') throw perRegionRefusal(name);
      const region = opening === undefined ? bindingRegion(context, name, a, b) : undefined;
      if (opening === undefined && region === undefined) {
        // Nothing written yet: the fan-out reads every region's committed state.
        const lists = await Promise.all(context.regions.map((other) => invoke(context.storeOf(other), name, a, b) as Promise<readonly MembershipRecord[]>));
        return lists.flat().sort(byTenantId);
      }
      const tx = await (opening ?? open(region as string));
      return invoke(tx, name, a, b);
    };
  }

  let value: T;
  try {
    value = await work(lazy as StoreOperations);
  } catch (error) {
    if (opening === undefined) throw error;
    settleWork({ ok: false, error });
    await outer?.catch(() => undefined);
    throw error;
  }
  if (opening === undefined) return value;
  settleWork({ ok: true, value });
  await outer;
  return value;
}
