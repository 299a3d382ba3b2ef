import assert from 'node:assert/strict';
import { rejectsWithCode } from '../assertions.js';
import { barrier, delay } from '../barrier.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { Fixtures, MEMBER, OWNER } from '../fixtures.js';

/**
 * How long the interleaving case lets transaction A try to run while B holds
 * the tenant lock. See the case for why this wait can only ever produce a
 * false pass (a broken store that happens to be slower than this), never a
 * false failure of a correct store.
 */
const HOLD_MS = 250;

const ignore = (): void => undefined;

/** transaction(work, { tenantId }): the tenant is locked on open, or the transaction fails with NotFoundError. */
export const tenantLockCases = [
  {
    name: 'a transaction locking a missing tenant throws NotFoundError before work runs, and writes nothing',
    async run({ store }) {
      const f = new Fixtures(store);
      const missing = f.tenant('missing');
      let ran = false;
      await rejectsWithCode(
        store.transaction(
          async (tx) => {
            ran = true;
            await tx.createTenant(missing, f.membership(missing.id, f.userId('owner'), OWNER, { source: 'tenant_create' }));
          },
          { tenantId: missing.id },
        ),
        'not_found',
      );
      assert.equal(ran, false, 'work must not run when the tenant to lock does not exist');
      assert.equal(await store.findTenant(missing.id), undefined);
      // An existing tenant locks, and the transaction commits as usual.
      const existing = await f.seedTenant('existing', f.userId('owner'));
      const result = await store.transaction((tx) => tx.insertMembership(f.membership(existing.id, f.userId('m'), MEMBER)).then(() => 'done'), {
        tenantId: existing.id,
      });
      assert.equal(result, 'done');
      assert.equal((await store.findMembership(existing.id, f.userId('m')))?.role, MEMBER);
    },
  },
  {
    // The race a tenant lock exists for: B (member b acting) reads b's own
    // membership, its authorization, and then writes on the strength of it;
    // A removes b meanwhile. B is paused right after its read (a barrier) and
    // A is started. A correct store cannot let A's work even begin while B
    // holds the tenant, however long B takes: the lock is taken on open.
    //
    // Seeing that A is held needs a wait: the port has no way to tell that a
    // transaction is blocked, and absence of progress cannot be awaited. So A
    // gets HOLD_MS to start; only then is B released. On a correct store A
    // can never start within the wait, whatever the machine's speed, so the
    // wait cannot fail it. A broken store is caught when its A starts within
    // the wait: on the memory store (and stores built on it) A's whole run is
    // promise callbacks, all of which run before any timer fires, so there
    // the outcome is decided without timing at all; on a SQL store A needs a
    // round trip or two, far below HOLD_MS. (PostgreSQL's `pg_locks` could show
    // A waiting, but a conformance case sees only the port.)
    name: 'a transaction locking a tenant holds off another one on the same tenant until it ends: the member it read cannot be removed under it',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = await f.seedTenant('t', f.userId('owner'), { [f.userId('b')]: MEMBER });
      const events: string[] = [];
      const bHasRead = barrier();
      const resumeB = barrier();
      const aStarted = barrier();
      const b = store.transaction(
        async (tx) => {
          assert.equal((await tx.findMembership(tenant.id, f.userId('b')))?.role, MEMBER);
          events.push('B read b');
          bHasRead.open();
          await resumeB.reached;
          await tx.insertMembership(f.membership(tenant.id, f.userId('c'), MEMBER, { createdBy: f.userId('b') }));
          events.push('B wrote');
        },
        { tenantId: tenant.id },
      );
      // (B failing before its read, on a broken store, must not hang the case.)
      await Promise.race([bHasRead.reached, b.then(ignore, ignore)]);
      const a = store.transaction(
        (tx) => {
          events.push('A started');
          aStarted.open();
          return tx.deleteMembership({ tenantId: tenant.id, userId: f.userId('b'), ownerRole: OWNER });
        },
        { tenantId: tenant.id },
      );
      const whileBHeld = await Promise.race([
        aStarted.reached.then(() => 'A started while B held the tenant'),
        a.then(
          () => 'A settled while B held the tenant',
          () => 'A settled while B held the tenant',
        ),
        delay(HOLD_MS).then(() => 'held'),
      ]);
      resumeB.open();
      const [removal, written] = await Promise.allSettled([a, b]);
      assert.equal(whileBHeld, 'held');
      assert.equal(written.status, 'fulfilled', 'B commits');
      assert.deepEqual(removal.status === 'fulfilled' ? removal.value.outcome : removal.reason, 'applied');
      assert.deepEqual(events, ['B read b', 'B wrote', 'A started']);
      // Linearisable: B's write (made as b) committed, then A's removal of b.
      assert.equal((await store.findMembership(tenant.id, f.userId('c')))?.createdBy, f.userId('b'));
      assert.equal(await store.findMembership(tenant.id, f.userId('b')), undefined);
    },
  },
] as const satisfies readonly StoreConformanceCase[];
