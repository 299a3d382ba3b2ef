import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AlreadyExistsError, ForbiddenError, LastOwnerError, NotFoundError, systemActor, ValidationError, type DenialEvent } from 'tenantry';
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

  it('audits a refusal with ForbiddenError as tenant_membership.denied, and nothing for other failures', async () => {
    const { tenantry, store } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { max: 'manager' });
    await expect(tenantry.members.add({ actor: user('max'), tenantId, userId: 'x', role: 'readonly' })).rejects.toThrow(ForbiddenError);
    await expect(tenantry.members.changeRole({ actor: user('max'), tenantId, userId: 'alice', role: 'readonly' })).rejects.toThrow(ForbiddenError);
    await expect(tenantry.members.transferOwnership({ actor: user('max'), tenantId, fromUserId: 'alice', toUserId: 'max' })).rejects.toThrow(ForbiddenError);
    // Refused for other reasons: a duplicate, a non-member (404: outsiders never write to a tenant's log), bad input.
    await expect(tenantry.members.add({ actor: user('alice'), tenantId, userId: 'max', role: 'readonly' })).rejects.toThrow(AlreadyExistsError);
    await expect(tenantry.members.remove({ actor: user('eve'), tenantId, userId: 'max' })).rejects.toThrow(NotFoundError);
    await expect(tenantry.members.add({ actor: user('max'), tenantId, userId: 'x', role: 'nope' as never })).rejects.toThrow(ValidationError);
    // Nothing but the entries was written.
    expect(await store.findMembership(tenantId, 'x')).toBeUndefined();
    expect((await store.findMembership(tenantId, 'alice'))?.role).toBe('owner');
    const { items } = await tenantry.audit.list({ actor: user('alice'), tenantId });
    expect(items.map(({ action, actorType, actorId, subjectUserId, metadata }) => ({ action, actorType, actorId, subjectUserId, metadata }))).toEqual([
      {
        action: 'tenant_membership.denied',
        actorType: 'user',
        actorId: 'max',
        subjectUserId: 'max',
        metadata: { attempted: 'tenant_membership.ownership_transfer', reason: 'not_owner', capability: 'role:owner', role: null },
      },
      {
        action: 'tenant_membership.denied',
        actorType: 'user',
        actorId: 'max',
        subjectUserId: 'alice',
        metadata: { attempted: 'tenant_membership.role_change', reason: 'missing_capability', capability: 'membership.manage', role: 'readonly' },
      },
      {
        action: 'tenant_membership.denied',
        actorType: 'user',
        actorId: 'max',
        subjectUserId: 'x',
        metadata: { attempted: 'tenant_membership.add', reason: 'missing_capability', capability: 'membership.manage', role: 'readonly' },
      },
      expect.objectContaining({ action: 'tenant_membership.add', subjectUserId: 'max' }),
      expect.objectContaining({ action: 'tenant.create' }),
    ]);
  });

  it('audits refusals of the delegation rule with their reason', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { dana: 'owner' });
    // A delegated manager that holds the managing capability but not billing.manage.
    const delegated = setup({ manageMembersCapability: 'project.write' });
    const otherTenant = await tenantWith(delegated.tenantry, 'olivia', { opal: 'operator', mia: 'manager' });
    const opal = user('opal');
    await expect(delegated.tenantry.members.add({ actor: opal, tenantId: otherTenant, userId: 'x', role: 'manager' })).rejects.toThrow(ForbiddenError);
    await expect(delegated.tenantry.members.remove({ actor: opal, tenantId: otherTenant, userId: 'mia' })).rejects.toThrow(ForbiddenError);
    await expect(delegated.tenantry.members.changeRole({ actor: opal, tenantId: otherTenant, userId: 'opal', role: 'readonly' })).rejects.toThrow(ForbiddenError);
    await expect(delegated.tenantry.members.changeRole({ actor: opal, tenantId: otherTenant, userId: 'olivia', role: 'readonly' })).rejects.toThrow(ForbiddenError);
    const { items } = await delegated.tenantry.audit.list({ actor: user('olivia'), tenantId: otherTenant, limit: 4 });
    expect(items.map((e) => [e.subjectUserId, e.metadata['attempted'], e.metadata['reason'], e.metadata['capability']])).toEqual([
      ['olivia', 'tenant_membership.role_change', 'owner_role', 'role:owner'],
      ['opal', 'tenant_membership.role_change', 'own_role', 'role:owner'],
      ['mia', 'tenant_membership.remove', 'target_exceeds_actor', 'tenant.manage'],
      ['x', 'tenant_membership.add', 'role_exceeds_actor', 'tenant.manage'],
    ]);
    // Owners are never refused by the rule: dana, a second owner, may demote alice.
    await tenantry.members.changeRole({ actor: user('dana'), tenantId, userId: 'alice', role: 'readonly' });
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
