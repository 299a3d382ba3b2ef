import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ForbiddenError, LastOwnerError, NotFoundError, systemActor, ValidationError, type DenialEvent } from 'tenantry';
import { bootstrap, setup, tenantWith } from '../../support/catalog.js';

const user = (userId: string) => ({ type: 'user', userId }) as const;

describe('audit log', () => {
  it('records every membership change with canonical action ids, actor and minimal metadata, newest first', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'alice');
    await tenantry.members.add({ actor: user('alice'), tenantId, userId: 'bob', role: 'readonly' });
    await tenantry.members.changeRole({ actor: user('alice'), tenantId, userId: 'bob', role: 'manager' });
    await tenantry.members.add({ actor: bootstrap, tenantId, userId: 'carl', role: 'operator' });
    await tenantry.members.leave({ actor: user('carl'), tenantId });
    await tenantry.members.remove({ actor: user('alice'), tenantId, userId: 'bob' });
    const { items } = await tenantry.audit.list({ actor: user('alice'), tenantId });
    expect(items.map(({ action, actorType, actorId, subjectUserId, metadata }) => ({ action, actorType, actorId, subjectUserId, metadata }))).toEqual([
      { action: 'tenant_membership.remove', actorType: 'user', actorId: 'alice', subjectUserId: 'bob', metadata: { role: 'manager' } },
      { action: 'tenant_membership.leave', actorType: 'user', actorId: 'carl', subjectUserId: 'carl', metadata: { role: 'operator' } },
      { action: 'tenant_membership.add', actorType: 'system', actorId: 'system:test', subjectUserId: 'carl', metadata: { role: 'operator' } },
      { action: 'tenant_membership.role_change', actorType: 'user', actorId: 'alice', subjectUserId: 'bob', metadata: { from: 'readonly', to: 'manager' } },
      { action: 'tenant_membership.add', actorType: 'user', actorId: 'alice', subjectUserId: 'bob', metadata: { role: 'readonly' } },
      { action: 'tenant.create', actorType: 'user', actorId: 'alice', subjectUserId: 'alice', metadata: { role: 'owner' } },
    ]);
    for (const entry of items) expect(entry.createdAt).toBeInstanceOf(Date);
  });

  it('audits a refused last-owner change although the change itself rolls back', async () => {
    const { tenantry, store } = setup();
    const tenantId = await tenantWith(tenantry, 'alice');
    await expect(tenantry.members.changeRole({ actor: user('alice'), tenantId, userId: 'alice', role: 'readonly' })).rejects.toThrow(LastOwnerError);
    await expect(tenantry.members.leave({ actor: user('alice'), tenantId })).rejects.toThrow(LastOwnerError);
    expect((await store.findMembership(tenantId, 'alice'))?.role).toBe('owner');
    const { items } = await tenantry.audit.list({ actor: user('alice'), tenantId, limit: 2 });
    expect(items.map((e) => [e.action, e.metadata['attempted']])).toEqual([
      ['tenant_membership.last_owner_blocked', 'tenant_membership.leave'],
      ['tenant_membership.last_owner_blocked', 'tenant_membership.role_change'],
    ]);
  });

  it('writes no audit entry for a change that failed for another reason', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { max: 'manager' });
    await expect(tenantry.members.add({ actor: user('max'), tenantId, userId: 'x', role: 'readonly' })).rejects.toThrow(ForbiddenError);
    await expect(tenantry.members.add({ actor: user('alice'), tenantId, userId: 'max', role: 'readonly' })).rejects.toThrow();
    const { items } = await tenantry.audit.list({ actor: user('alice'), tenantId });
    expect(items.map((e) => e.action)).toEqual(['tenant_membership.add', 'tenant.create']);
  });

  it('pages newest first with a cursor and restricts reading to the audit capability', async () => {
    const { tenantry } = setup({ auditCapability: 'audit.read' });
    const tenantId = await tenantWith(tenantry, 'alice', { max: 'manager', rita: 'readonly' });
    for (let i = 0; i < 5; i += 1) await tenantry.members.add({ actor: bootstrap, tenantId, userId: `u${i}`, role: 'readonly' });
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await tenantry.audit.list({ actor: user('max'), tenantId, limit: 3, ...(cursor ? { cursor } : {}) });
      ids.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(ids).toHaveLength(8);
    expect([...ids].sort().reverse()).toEqual(ids);
    await expect(tenantry.audit.list({ actor: user('rita'), tenantId })).rejects.toThrow(ForbiddenError);
    await expect(tenantry.audit.list({ actor: user('eve'), tenantId })).rejects.toThrow(NotFoundError);
  });

  it('property: no audit entry or denial event ever contains a secret planted in inputs', async () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{24,40}$/).map((s) => `sk_live_${s}`);
    await fc.assert(
      fc.asyncProperty(secret, fc.constantFrom('userId', 'tenantId', 'role', 'label'), async (planted, where) => {
        const denials: DenialEvent[] = [];
        const { tenantry } = setup({ onDenied: (event) => denials.push(event) });
        const tenantId = await tenantWith(tenantry, 'alice');
        const attempt = async (fn: () => Promise<unknown>) => {
          try {
            await fn();
          } catch {
            // Refusals are expected; only what gets recorded matters here.
          }
        };
        if (where === 'userId') {
          await attempt(() => tenantry.members.add({ actor: user('alice'), tenantId, userId: `${planted}\n`, role: 'readonly' }));
          await tenantry.forRequest({ userId: 'eve' }).check(tenantId, 'tenant.read');
        } else if (where === 'tenantId') {
          await tenantry.forRequest({ userId: 'alice' }).check(planted, 'tenant.read');
          await attempt(() => tenantry.members.add({ actor: user('alice'), tenantId: planted, userId: 'x', role: 'readonly' }));
        } else if (where === 'role') {
          await attempt(() => tenantry.members.add({ actor: user('alice'), tenantId, userId: 'x', role: planted as never }));
        } else {
          await attempt(() => tenantry.members.add({ actor: systemActor(planted), tenantId, userId: 'x', role: 'readonly' }));
        }
        const { items } = await tenantry.audit.list({ actor: user('alice'), tenantId });
        const recorded = JSON.stringify({ items, denials });
        expect(recorded).not.toContain(planted);
      }),
      { numRuns: 40 },
    );
  });
});

describe('ownership transfer', () => {
  it('moves ownership atomically; the previous owner keeps the configured role', async () => {
    const { tenantry, store } = setup({ previousOwnerRole: 'manager' });
    const tenantId = await tenantWith(tenantry, 'alice', { bob: 'readonly' });
    const transfer = await tenantry.members.transferOwnership({ actor: user('alice'), tenantId, toUserId: 'bob' });
    expect(transfer.newOwner).toMatchObject({ userId: 'bob', role: 'owner' });
    expect(transfer.previousOwner).toMatchObject({ userId: 'alice', role: 'manager' });
    expect((await store.findMembership(tenantId, 'alice'))?.role).toBe('manager');
    expect((await store.findMembership(tenantId, 'bob'))?.role).toBe('owner');
    const [entry] = (await tenantry.audit.list({ actor: user('bob'), tenantId, limit: 1 })).items;
    expect(entry).toMatchObject({ action: 'tenant_membership.ownership_transfer', metadata: { from: 'alice', to: 'bob', previousOwnerRole: 'manager' } });
  });

  it('lets the caller choose the role kept, and refuses non-owners, non-members and self-transfers', async () => {
    const { tenantry, store } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { bob: 'readonly', max: 'manager' });
    await expect(tenantry.members.transferOwnership({ actor: user('max'), tenantId, toUserId: 'bob' })).rejects.toThrow(ForbiddenError);
    await expect(tenantry.members.transferOwnership({ actor: user('eve'), tenantId, toUserId: 'bob' })).rejects.toThrow(NotFoundError);
    await expect(tenantry.members.transferOwnership({ actor: user('alice'), tenantId, toUserId: 'zed' })).rejects.toThrow(NotFoundError);
    await expect(tenantry.members.transferOwnership({ actor: user('alice'), tenantId, toUserId: 'alice' })).rejects.toThrow(ValidationError);
    await expect(tenantry.members.transferOwnership({ actor: bootstrap, tenantId, toUserId: 'bob' })).rejects.toThrow(ValidationError);
    expect((await store.findMembership(tenantId, 'alice'))?.role).toBe('owner');
    await tenantry.members.transferOwnership({ actor: bootstrap, tenantId, fromUserId: 'alice', toUserId: 'bob', previousOwnerRole: 'readonly' });
    expect((await store.findMembership(tenantId, 'alice'))?.role).toBe('readonly');
  });
});
