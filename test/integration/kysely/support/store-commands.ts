import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isTenantryError } from '../../../../src/core/errors/index.js';
import { MEMBERSHIP_SOURCES, type MembershipSource } from '../../../../src/store/records.js';
import type { Store } from '../../../../src/store/store.js';
import type { StoreOperations } from '../../../../src/store/store-operations.js';

/**
 * Random store operations for model-based tests: each command runs on the
 * memory store (the model) and on the store under test, and their results
 * must be equal. Ids come from small pools so that operations collide, and
 * mix case, trailing spaces and non-ASCII letters, to exercise exact
 * comparison and code-unit ordering.
 */

const TENANTS = ['a', 'A', 'a '] as const;
const USERS = ['a', 'A', 'b', 'a ', 'ä', '𝒳'] as const;
const ROLES = ['owner', 'member', 'admin'] as const;
const OWNER = 'owner';

type WriteOp =
  | { readonly kind: 'createTenant'; readonly tenant: number; readonly owner: number; readonly at: Date; readonly id: string }
  | {
      readonly kind: 'insertMembership';
      readonly tenant: number;
      readonly user: number;
      readonly role: string;
      readonly source: MembershipSource;
      readonly at: Date;
      readonly id: string;
    }
  | { readonly kind: 'updateMembershipRole'; readonly tenant: number; readonly user: number; readonly role: string }
  | { readonly kind: 'deleteMembership'; readonly tenant: number; readonly user: number };

type ReadOp =
  | { readonly kind: 'findTenant'; readonly tenant: number }
  | { readonly kind: 'findMembership'; readonly tenant: number; readonly user: number }
  | { readonly kind: 'listMembershipsOfUser'; readonly user: number }
  | { readonly kind: 'listMembers'; readonly tenant: number; readonly limit: number; readonly after: number | undefined };

type Op = WriteOp | ReadOp | { readonly kind: 'transaction'; readonly writes: readonly WriteOp[]; readonly fail: boolean };

/** What the model run compares: the value, or the tenantry error code (and entity). */
type Outcome = { readonly value: unknown } | { readonly error: string };

async function outcomeOf(promise: Promise<unknown>): Promise<Outcome> {
  try {
    return { value: await promise };
  } catch (error) {
    if (!isTenantryError(error)) throw error;
    const entity = (error as { entity?: unknown }).entity;
    return { error: typeof entity === 'string' ? `${error.code}:${entity}` : error.code };
  }
}

const tenantIndex = fc.nat({ max: TENANTS.length - 1 });
const userIndex = fc.nat({ max: USERS.length - 1 });
const role = fc.constantFrom(...ROLES);
const instant = fc.date({ min: new Date('2000-01-01T00:00:00.000Z'), max: new Date('2099-12-31T23:59:59.999Z'), noInvalidDate: true });
const uuid = fc.uuid({ version: 4 });

// Inserts dominate so that tenants fill up and listings have something to order.
const writeOp: fc.Arbitrary<WriteOp> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('createTenant' as const), tenant: tenantIndex, owner: userIndex, at: instant, id: uuid }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('insertMembership' as const),
      tenant: tenantIndex,
      user: userIndex,
      role,
      source: fc.constantFrom(...MEMBERSHIP_SOURCES),
      at: instant,
      id: uuid,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('updateMembershipRole' as const), tenant: tenantIndex, user: userIndex, role }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteMembership' as const), tenant: tenantIndex, user: userIndex }) },
);

const readOp: fc.Arbitrary<ReadOp> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('findTenant' as const), tenant: tenantIndex }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('findMembership' as const), tenant: tenantIndex, user: userIndex }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('listMembershipsOfUser' as const), user: userIndex }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('listMembers' as const),
      tenant: tenantIndex,
      limit: fc.integer({ min: 1, max: USERS.length }),
      after: fc.option(userIndex, { nil: undefined }),
    }),
  },
);

const transactionOp = fc.record({ kind: fc.constant('transaction' as const), writes: fc.array(writeOp, { minLength: 1, maxLength: 4 }), fail: fc.boolean() });

/** Ids of one run: a namespace keeps runs apart in a shared database. */
class Ids {
  constructor(readonly namespace: string) {}
  tenant(index: number): string {
    return `${this.namespace}${TENANTS[index] ?? ''}`;
  }
  user(index: number): string {
    return `${this.namespace}${USERS[index] ?? ''}`;
  }
}

function applyWrite(ops: StoreOperations, ids: Ids, op: WriteOp): Promise<unknown> {
  switch (op.kind) {
    case 'createTenant': {
      const tenantId = ids.tenant(op.tenant);
      const userId = ids.user(op.owner);
      return ops.createTenant(
        { id: tenantId, createdByType: 'user', createdBy: userId, createdAt: op.at },
        { id: op.id, tenantId, userId, role: OWNER, createdByType: 'user', createdBy: userId, createdAt: op.at, source: 'tenant_create' },
      );
    }
    case 'insertMembership':
      return ops.insertMembership({
        id: op.id,
        tenantId: ids.tenant(op.tenant),
        userId: ids.user(op.user),
        role: op.role,
        createdByType: 'system',
        createdBy: 'system:model',
        createdAt: op.at,
        source: op.source,
      });
    case 'updateMembershipRole':
      return ops.updateMembershipRole({ tenantId: ids.tenant(op.tenant), userId: ids.user(op.user), role: op.role, ownerRole: OWNER });
    case 'deleteMembership':
      return ops.deleteMembership({ tenantId: ids.tenant(op.tenant), userId: ids.user(op.user), ownerRole: OWNER });
  }
}

class Rollback extends Error {}

async function apply(store: Store, ids: Ids, op: Op): Promise<unknown> {
  switch (op.kind) {
    case 'findTenant':
      return store.findTenant(ids.tenant(op.tenant));
    case 'findMembership':
      return store.findMembership(ids.tenant(op.tenant), ids.user(op.user));
    case 'listMembershipsOfUser':
      return store.listMembershipsOfUser(ids.user(op.user));
    case 'listMembers': {
      const tenantId = ids.tenant(op.tenant);
      return store.listMembers(tenantId, op.after === undefined ? { limit: op.limit } : { limit: op.limit, afterUserId: ids.user(op.after) });
    }
    case 'transaction': {
      const inner: Outcome[] = [];
      const committed = await store
        .transaction(async (tx) => {
          for (const write of op.writes) inner.push(await outcomeOf(applyWrite(tx, ids, write)));
          if (op.fail) throw new Rollback();
          return true;
        })
        .catch((error: unknown) => {
          if (error instanceof Rollback) return false;
          throw error;
        });
      return { inner, committed };
    }
    default:
      return applyWrite(store, ids, op);
  }
}

/** The model (memory store) and the ids of one run. */
export interface ModelState {
  readonly model: Store;
  readonly ids: Ids;
}

/** The store under test. */
export interface RealState {
  readonly store: Store;
}

class OpCommand implements fc.AsyncCommand<ModelState, RealState> {
  constructor(readonly op: Op) {}
  check(): boolean {
    return true;
  }
  async run(state: ModelState, real: RealState): Promise<void> {
    const expected = await outcomeOf(apply(state.model, state.ids, this.op));
    const actual = await outcomeOf(apply(real.store, state.ids, this.op));
    assert.deepStrictEqual(actual, expected);
  }
  toString(): string {
    return JSON.stringify(this.op);
  }
}

/** Command arbitraries for `fc.commands`. */
export const storeCommands: fc.Arbitrary<fc.AsyncCommand<ModelState, RealState>>[] = [
  writeOp.map((op) => new OpCommand(op)),
  writeOp.map((op) => new OpCommand(op)),
  writeOp.map((op) => new OpCommand(op)),
  readOp.map((op) => new OpCommand(op)),
  readOp.map((op) => new OpCommand(op)),
  transactionOp.map((op) => new OpCommand(op)),
];

/** A fresh run: an empty model and a namespace of its own. */
export function newIds(run: number): Ids {
  return new Ids(`m${run.toString(36)}${Math.random().toString(36).slice(2, 8)}-`);
}
