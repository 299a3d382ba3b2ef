import { expect, it } from 'vitest';
import { isStorageUnavailableError, systemActor, ValidationError, type Page } from 'tenantry';
import { countingStore } from 'tenantry/testing';
import { DATABASE_NAMES, describeDatabases } from '../../support/databases.js';
import { entitlementWorld } from '../../support/entitlements.js';

/**
 * Every list returns `Page<T>` with an opaque cursor: following `nextCursor`
 * visits every item once, in order, on every store; a forged or garbled
 * cursor is a `ValidationError` on `['cursor']` decided before storage (never
 * a storage error); and a cursor of one list is refused by another.
 */

const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** Cursors no list made: wrong alphabet, length, encoding, version or key. */
const FORGED = [
  'garbage!',
  '',
  'A',
  'x'.repeat(2000),
  'ab+/cd==',
  Buffer.from([0xff, 0xfe, 0xfd]).toString('base64url'),
  base64url('v2:members:u01'),
  base64url('members:u01'),
  base64url('v1:members:'),
  base64url("v1:members:' OR 1=1 --\u0000"),
  base64url('v1:audit:not-a-time-ordered-id'),
  base64url('v1:mine:../../etc/passwd'),
  base64url('v1:alerts:-1'),
];

/** Follows `nextCursor` from the first page to the last. */
async function collect<T>(page: (cursor: string | undefined) => Promise<Page<T>>): Promise<{ items: T[]; cursors: string[] }> {
  const items: T[] = [];
  const cursors: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages += 1) {
    const current = await page(cursor);
    expect(Object.isFrozen(current)).toBe(true);
    items.push(...current.items);
    if (current.nextCursor === null) return { items, cursors };
    cursors.push(current.nextCursor);
    cursor = current.nextCursor;
  }
  throw new Error('more than 100 pages');
}

const withCursor = (cursor: string | undefined) => (cursor === undefined ? {} : { cursor });

await describeDatabases(DATABASE_NAMES, (database) => {
  async function world() {
    const store = countingStore(database.store());
    const w = await entitlementWorld({ store, plan: 'free' });
    // Seven members (owner + six), so pages of three are 3, 3, 1.
    for (let i = 1; i <= 6; i += 1) await w.owner.members.add({ tenantId: w.tenantId, userId: `u0${i}`, role: 'readonly' });
    // "u01" belongs to six tenants more (seven in all).
    for (let i = 0; i < 6; i += 1) {
      const { tenant } = await w.system.tenants.create({ ownerId: 'u01' });
      expect(tenant.id).toBeDefined();
    }
    // Three usage alerts (80, 90, 100 %).
    for (const amount of [850, 100, 50]) await w.owner.usage.consume({ tenantId: w.tenantId, featureKey: 'api.requests', amount });
    return { ...w, store };
  }

  it('members, audit, tenants.mine and alerts: following nextCursor visits every item once, in order', async () => {
    const { tenantry, owner, system, tenantId } = await world();
    const members = await collect((cursor) => owner.members.list({ tenantId, limit: 3, ...withCursor(cursor) }));
    const allMembers = await owner.members.list({ tenantId, limit: 1000 });
    expect(allMembers.nextCursor).toBeNull();
    expect(members.items).toEqual(allMembers.items);
    expect(members.items.map((m) => m.userId)).toEqual(['owner', 'u01', 'u02', 'u03', 'u04', 'u05', 'u06'].sort());
    expect(members.cursors).toHaveLength(2);

    const audit = await collect((cursor) => owner.audit.list({ tenantId, limit: 2, ...withCursor(cursor) }));
    const allAudit = await owner.audit.list({ tenantId, limit: 1000 });
    expect(audit.items).toEqual(allAudit.items);
    expect(audit.items.map((e) => e.action).at(-1)).toBe('tenant.create');
    expect(audit.items.map((e) => e.id)).toEqual([...audit.items.map((e) => e.id)].sort().reverse());

    const u01 = tenantry.forRequest({ userId: 'u01' });
    const mine = await collect((cursor) => u01.tenants.mine({ limit: 3, ...withCursor(cursor) }));
    const allMine = await u01.tenants.mine();
    expect(mine.items).toEqual(allMine.items);
    expect(mine.items).toHaveLength(7);
    expect(mine.items.map((t) => t.tenantId)).toEqual([...mine.items.map((t) => t.tenantId)].sort());
    expect(mine.items.find((t) => t.tenantId === tenantId)?.role).toBe('readonly');

    const alerts = await collect((cursor) => system.provisioning.alerts({ tenantId, limit: 2, ...withCursor(cursor) }));
    expect(alerts.items.map((a) => a.threshold)).toEqual([80, 90, 100]);

    // Opaque: a cursor does not spell out the position it holds.
    for (const cursor of [...members.cursors, ...audit.cursors, ...mine.cursors, ...alerts.cursors]) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    // (Member cursors are deterministic; the 36-character ids cannot appear in the others by chance.)
    for (const cursor of members.cursors) for (const member of members.items) expect(cursor).not.toContain(member.userId);
    const ids = [...audit.items.map((e) => e.id), ...mine.items.map((t) => t.tenantId)];
    for (const cursor of [...audit.cursors, ...mine.cursors]) for (const id of ids) expect(cursor).not.toContain(id);
  });

  it('a forged or garbled cursor is a ValidationError on ["cursor"], decided before storage, never a storage error', async () => {
    const { tenantry, store, tenantId } = await world();
    const lists: [string, (cursor: string) => Promise<unknown>][] = [
      ['members.list', (cursor) => tenantry.forRequest({ userId: 'owner' }).members.list({ tenantId, cursor })],
      ['audit.list', (cursor) => tenantry.forRequest({ userId: 'owner' }).audit.list({ tenantId, cursor })],
      ['tenants.mine', (cursor) => tenantry.forRequest({ userId: 'u01' }).tenants.mine({ cursor })],
      ['provisioning.alerts', (cursor) => tenantry.as(systemActor('billing')).provisioning.alerts({ tenantId, cursor })],
    ];
    for (const [name, list] of lists) {
      for (const cursor of FORGED) {
        store.reset();
        const error = await list(cursor).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(isStorageUnavailableError(error), `${name}(${JSON.stringify(cursor.slice(0, 40))})`).toBe(false);
        expect(error, `${name}(${JSON.stringify(cursor.slice(0, 40))})`).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).issues).toEqual([{ path: ['cursor'], message: expect.any(String) as unknown }]);
        expect((error as ValidationError).status).toBe(400);
        expect(store.total(), `${name} reached storage`).toBe(0);
      }
    }
  });

  it('a cursor of one list is refused by another, even when its key would be valid there', async () => {
    const { tenantry, owner, system, tenantId } = await world();
    const membersCursor = (await owner.members.list({ tenantId, limit: 1 })).nextCursor;
    const auditCursor = (await owner.audit.list({ tenantId, limit: 1 })).nextCursor;
    const u01 = tenantry.forRequest({ userId: 'u01' });
    // Its key is a tenant id, which is also a well-formed user id: only the cursor's kind tells them apart.
    const mineCursor = (await u01.tenants.mine({ limit: 1 })).nextCursor;
    const alertsCursor = (await system.provisioning.alerts({ tenantId, limit: 1 })).nextCursor;
    const cursors = { members: membersCursor, audit: auditCursor, mine: mineCursor, alerts: alertsCursor };
    for (const cursor of Object.values(cursors)) expect(cursor).toEqual(expect.any(String));
    const lists: Record<keyof typeof cursors, (cursor: string) => Promise<unknown>> = {
      members: (cursor) => owner.members.list({ tenantId, cursor }),
      audit: (cursor) => owner.audit.list({ tenantId, cursor }),
      mine: (cursor) => u01.tenants.mine({ cursor }),
      alerts: (cursor) => system.provisioning.alerts({ tenantId, cursor }),
    };
    for (const [from, cursor] of Object.entries(cursors)) {
      for (const [to, list] of Object.entries(lists)) {
        const outcome = list(cursor ?? '');
        if (from === to) await expect(outcome, `${from} cursor in ${to}`).resolves.toBeDefined();
        else await expect(outcome, `${from} cursor in ${to}`).rejects.toThrow(ValidationError);
      }
    }
  });
});
