import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { isTenantryError } from '../../../../src/core/errors/index.js';
import { TENANT_POOL, type AlertRecord, type CounterTarget, type NamespaceLimitRecord } from '../../../../src/store/entitlement-records.js';
import type { Store } from '../../../../src/store/store.js';
import type { StoreOperations } from '../../../../src/store/store-operations.js';

/**
 * Random audit and entitlement operations for model-based tests: each
 * command runs on the memory store (the model) and on the store under test,
 * and their results must be equal. Two tenants and a missing one, a child
 * feature and its pool, a feature that was never synced, two namespaces,
 * three idempotency keys and two windows keep operations colliding.
 */

const WINDOWS = [new Date('2024-03-01T00:00:00.000Z'), new Date('2024-04-01T00:00:00.000Z')] as const;
const TENANTS = ['a', 'b', 'missing'] as const;
const KEYS = ['k1', 'k2', 'k3'] as const;
const NAMESPACES = ['ns-a', 'ns-b'] as const;

/**
 * Counter sets a consumption or release touches, some in lock order, some
 * not (the store orders them); `ghost` was never synced, so alone.
 */
const SHAPES: readonly (readonly [feature: string, namespace: string, limit: number | 'unlimited'][])[] = [
  [
    ['child', TENANT_POOL, 8],
    ['pool', TENANT_POOL, 12],
  ],
  [
    ['child', TENANT_POOL, 8],
    ['child', 'ns-a', 4],
    ['pool', TENANT_POOL, 12],
    ['pool', 'ns-a', 'unlimited'],
  ],
  [['pool', TENANT_POOL, 12]],
  [
    ['pool', 'ns-b', 5],
    ['pool', TENANT_POOL, 'unlimited'],
  ],
  [
    ['pool', 'ns-a', 'unlimited'],
    ['child', 'ns-a', 4],
    ['pool', TENANT_POOL, 12],
    ['child', TENANT_POOL, 8],
  ],
  [['ghost', TENANT_POOL, 3]],
];

type EntitlementOp =
  | {
      readonly kind: 'consume';
      readonly tenant: number;
      readonly shape: number;
      readonly window: number;
      readonly amount: number;
      readonly key: number | undefined;
    }
  | {
      readonly kind: 'consumeGranted';
      readonly tenant: number;
      readonly shape: number;
      readonly window: number;
      readonly amount: number;
      readonly key: number | undefined;
      readonly anchor: boolean;
    }
  | { readonly kind: 'release'; readonly tenant: number; readonly shape: number; readonly window: number; readonly amount: number }
  | { readonly kind: 'readCounters'; readonly tenant: number }
  | { readonly kind: 'recordAlert'; readonly tenant: number; readonly feature: string; readonly threshold: number; readonly window: number }
  | { readonly kind: 'listAlerts'; readonly tenant: number }
  | { readonly kind: 'assignPackage'; readonly tenant: number; readonly pkg: string }
  | { readonly kind: 'cancelPackage'; readonly tenant: number; readonly pkg: string }
  | { readonly kind: 'addBoost'; readonly tenant: number; readonly feature: string; readonly amount: number | 'unlimited' }
  | { readonly kind: 'setNamespaceLimit'; readonly tenant: number; readonly namespace: string; readonly feature: string; readonly limit: number | 'unlimited' }
  | { readonly kind: 'readGrants'; readonly tenant: number }
  | { readonly kind: 'appendAudit'; readonly tenant: number; readonly metadata: Readonly<Record<string, string | number | boolean | null>> }
  | { readonly kind: 'listAudit'; readonly tenant: number; readonly limit: number; readonly skip: number }
  | { readonly kind: 'transaction'; readonly ops: readonly EntitlementOp[]; readonly fail: boolean };

const tenant = fc.nat({ max: TENANTS.length - 1 });
const shape = fc.nat({ max: SHAPES.length - 1 });
const window = fc.nat({ max: WINDOWS.length - 1 });
const feature = fc.constantFrom('child', 'pool', 'ghost');

const writeOp: fc.Arbitrary<EntitlementOp> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('consume' as const),
      tenant,
      shape,
      window,
      amount: fc.integer({ min: 1, max: 6 }),
      key: fc.option(fc.nat({ max: KEYS.length - 1 }), { nil: undefined }),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('consumeGranted' as const),
      tenant,
      shape,
      window,
      amount: fc.integer({ min: 1, max: 6 }),
      key: fc.option(fc.nat({ max: KEYS.length - 1 }), { nil: undefined }),
      anchor: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('release' as const), tenant, shape, window, amount: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('recordAlert' as const), tenant, feature, threshold: fc.constantFrom(80, 90, 100), window }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('assignPackage' as const), tenant, pkg: fc.constantFrom('basic', 'pro') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancelPackage' as const), tenant, pkg: fc.constantFrom('basic', 'pro') }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('addBoost' as const),
      tenant,
      feature,
      amount: fc.oneof(fc.integer({ min: 1, max: 50 }), fc.constant('unlimited' as const)),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('setNamespaceLimit' as const),
      tenant,
      namespace: fc.constantFrom(...NAMESPACES),
      feature,
      limit: fc.oneof(fc.integer({ min: 0, max: 10 }), fc.constant('unlimited' as const)),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('appendAudit' as const),
      tenant,
      metadata: fc.dictionary(
        fc.string({ maxLength: 4 }),
        fc.oneof(
          fc.string({ maxLength: 6 }),
          fc.integer(),
          fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
          fc.boolean(),
          fc.constant(null),
        ),
        { maxKeys: 3 },
      ),
    }),
  },
);

const readOp: fc.Arbitrary<EntitlementOp> = fc.oneof(
  fc.record({ kind: fc.constant('readCounters' as const), tenant }),
  fc.record({ kind: fc.constant('listAlerts' as const), tenant }),
  fc.record({ kind: fc.constant('readGrants' as const), tenant }),
  fc.record({ kind: fc.constant('listAudit' as const), tenant, limit: fc.integer({ min: 1, max: 4 }), skip: fc.nat({ max: 3 }) }),
);

const transactionOp = fc.record({ kind: fc.constant('transaction' as const), ops: fc.array(writeOp, { minLength: 1, maxLength: 4 }), fail: fc.boolean() });

/** Ids of one run: a namespace keeps runs apart in a shared database (features included). */
export class EntitlementIds {
  #audit = 0;
  constructor(readonly namespace: string) {}
  tenant(index: number): string {
    return `${this.namespace}${TENANTS[index] ?? ''}`;
  }
  feature(name: string): string {
    return `${this.namespace}.${name}`;
  }
  /** A fresh UUIDv7-shaped id, increasing within the run (its time field counts calls). */
  auditId(): string {
    this.#audit += 1;
    const time = (Date.parse('2024-01-01T00:00:00.000Z') + this.#audit).toString(16).padStart(12, '0');
    return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${randomUUID().slice(15)}`;
  }
  /** A fresh UUID for memberships, assignments and boosts. */
  rowId(): string {
    return randomUUID();
  }
}

/** Syncs the run's features and creates its tenants, on one store. */
export async function seedEntitlementRun(store: Store, ids: EntitlementIds): Promise<void> {
  await store.syncFeatures([
    { key: ids.feature('child'), kind: 'limit', parentKey: ids.feature('pool') },
    { key: ids.feature('pool'), kind: 'limit', parentKey: null },
  ]);
  const at = new Date('2024-02-01T00:00:00.000Z');
  for (const index of [0, 1]) {
    const tenantId = ids.tenant(index);
    await store.createTenant(
      { id: tenantId, createdByType: 'user', createdBy: 'model', createdAt: at },
      { id: ids.rowId(), tenantId, userId: 'owner', role: 'owner', createdByType: 'user', createdBy: 'model', createdAt: at, source: 'system' },
    );
  }
}

function targets(ids: EntitlementIds, op: { readonly shape: number; readonly window: number }): CounterTarget[] {
  const windowStart = WINDOWS[op.window] ?? WINDOWS[0];
  return (SHAPES[op.shape] ?? []).map(([f, namespace, limit]) => ({ featureKey: ids.feature(f), namespace, windowStart, limit }));
}

/** Namespace limits have no defined order; compare them sorted. */
const sortedLimits = (limits: readonly NamespaceLimitRecord[]) =>
  [...limits].sort((a, b) => (a.namespace + a.featureKey < b.namespace + b.featureKey ? -1 : 1));

/**
 * The port orders alerts by time then threshold and leaves further ties open
 * (the memory store keeps insertion order, SQL has no such order): compare
 * them fully sorted.
 */
const sortedAlerts = (alerts: readonly AlertRecord[]) =>
  [...alerts].sort(
    (a, b) =>
      a.createdAt.getTime() - b.createdAt.getTime() ||
      a.threshold - b.threshold ||
      (a.featureKey < b.featureKey ? -1 : a.featureKey > b.featureKey ? 1 : 0) ||
      (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0) ||
      a.windowStart.getTime() - b.windowStart.getTime(),
  );

/** Runs `op` with ids fixed beforehand (`fixed`), so model and store get the very same records. */
function applyWith(ops: StoreOperations, ids: EntitlementIds, op: EntitlementOp, fixed: readonly string[], at: Date): Promise<unknown> {
  const t = 'tenant' in op ? ids.tenant(op.tenant) : '';
  switch (op.kind) {
    case 'consume':
      return ops.consume({
        tenantId: t,
        amount: op.amount,
        counters: targets(ids, op),
        now: at,
        ...(op.key === undefined ? {} : { idempotency: { key: KEYS[op.key] ?? '', fingerprint: `${op.shape}/${op.window}/${op.amount}` } }),
      });
    case 'consumeGranted':
      // The shape's limit is what 'basic' grants the level; 'pro' grants the pool 20 and the child nothing.
      return ops.consumeGranted({
        tenantId: t,
        amount: op.amount,
        levels: targets(ids, op).map((target) => ({
          featureKey: target.featureKey,
          namespace: target.namespace,
          windowStart: target.windowStart,
          packageGrants: [
            { packageKey: 'basic', limit: target.limit },
            ...(target.featureKey === ids.feature('pool') ? [{ packageKey: 'pro', limit: 20 }] : []),
          ],
        })),
        catalog: { packageKeys: ['basic', 'pro'], featureKeys: ['child', 'pool', 'ghost'].map((f) => ids.feature(f)) },
        ...(op.anchor ? { cycleAnchor: null } : {}),
        now: at,
        ...(op.key === undefined ? {} : { idempotency: { key: KEYS[op.key] ?? '', fingerprint: `g/${op.shape}/${op.window}/${op.amount}` } }),
      });
    case 'release':
      return ops.release({ tenantId: t, amount: op.amount, counters: targets(ids, op) });
    case 'readCounters':
      return ops.readCounters(
        t,
        SHAPES.flatMap((_, s) => WINDOWS.flatMap((_w, w) => targets(ids, { shape: s, window: w }))),
      );
    case 'recordAlert':
      return ops.recordAlert({
        tenantId: t,
        featureKey: ids.feature(op.feature),
        namespace: TENANT_POOL,
        threshold: op.threshold,
        windowStart: WINDOWS[op.window] ?? at,
        used: 7,
        limit: 8,
        createdAt: at,
      });
    case 'listAlerts':
      return ops.listAlerts(t).then(sortedAlerts);
    case 'assignPackage':
      return ops.assignPackage({
        id: fixed[0] ?? '',
        tenantId: t,
        packageKey: op.pkg,
        assignedBy: 'model',
        assignedAt: at,
        cancelledBy: null,
        cancelledAt: null,
      });
    case 'cancelPackage':
      return ops.cancelPackage({ tenantId: t, packageKey: op.pkg, cancelledBy: 'model', cancelledAt: at });
    case 'addBoost':
      return ops.addBoost({
        id: fixed[0] ?? '',
        tenantId: t,
        featureKey: ids.feature(op.feature),
        amount: op.amount,
        expiresAt: null,
        createdBy: 'model',
        createdAt: at,
      });
    case 'setNamespaceLimit':
      return ops.setNamespaceLimit({ tenantId: t, namespace: op.namespace, featureKey: ids.feature(op.feature), limit: op.limit });
    case 'readGrants':
      return ops.readGrants(t).then((grants) => ({ ...grants, namespaceLimits: sortedLimits(grants.namespaceLimits) }));
    case 'appendAudit':
      return ops.appendAudit({
        id: fixed[0] ?? '',
        tenantId: t,
        action: 'entitlement.boost_add',
        actorType: 'system',
        actorId: 'model',
        subjectUserId: null,
        metadata: op.metadata,
        createdAt: at,
      });
    case 'listAudit':
      return ops.listAudit(t, { limit: op.limit + op.skip }).then(async (all) => {
        const cursor = all[op.skip - 1]?.id;
        return cursor === undefined ? all : ops.listAudit(t, { limit: op.limit, beforeId: cursor });
      });
    case 'transaction':
      throw new Error('nested transaction');
  }
}

/** What the model run compares: the value, or the tenantry error code (and entity). */
async function outcomeOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    return { value: await promise };
  } catch (error) {
    if (!isTenantryError(error)) throw error;
    return { error: error.code, entity: (error as { entity?: unknown }).entity, featureKey: (error as { featureKey?: unknown }).featureKey };
  }
}

class Rollback extends Error {}

/** The model (memory store) and the ids of one run. */
export interface EntitlementModel {
  readonly model: Store;
  readonly ids: EntitlementIds;
}

class EntitlementCommand implements fc.AsyncCommand<EntitlementModel, { readonly store: Store }> {
  constructor(readonly op: EntitlementOp) {}
  check(): boolean {
    return true;
  }
  async run(state: EntitlementModel, real: { readonly store: Store }): Promise<void> {
    const at = new Date('2024-03-10T00:00:00.000Z');
    const writes = this.op.kind === 'transaction' ? this.op.ops : [this.op];
    // Ids are drawn once per write and given to both stores.
    const fixed = writes.map((op) => [op.kind === 'appendAudit' ? state.ids.auditId() : state.ids.rowId()]);
    const apply = async (store: Store) => {
      if (this.op.kind !== 'transaction') return outcomeOf(applyWith(store, state.ids, this.op, fixed[0] ?? [], at));
      const { ops, fail } = this.op;
      const inner: unknown[] = [];
      const committed = await store
        .transaction(async (tx) => {
          for (const [i, op] of ops.entries()) inner.push(await outcomeOf(applyWith(tx, state.ids, op, fixed[i] ?? [], at)));
          if (fail) throw new Rollback();
          return true;
        })
        .catch((error: unknown) => {
          if (error instanceof Rollback) return false;
          throw error;
        });
      return { inner, committed };
    };
    assert.deepStrictEqual(await apply(real.store), await apply(state.model));
  }
  toString(): string {
    return JSON.stringify(this.op);
  }
}

/** Command arbitraries for `fc.commands`. */
export const entitlementCommands: fc.Arbitrary<fc.AsyncCommand<EntitlementModel, { readonly store: Store }>>[] = [
  writeOp.map((op) => new EntitlementCommand(op)),
  writeOp.map((op) => new EntitlementCommand(op)),
  writeOp.map((op) => new EntitlementCommand(op)),
  readOp.map((op) => new EntitlementCommand(op)),
  readOp.map((op) => new EntitlementCommand(op)),
  transactionOp.map((op) => new EntitlementCommand(op)),
];
