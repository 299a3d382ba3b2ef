import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  DelegationDeniedError,
  ForbiddenError,
  LastOwnerError,
  NotFoundError,
  OwnerRequiredError,
  systemActor,
  UnknownRoleError,
  ValidationError,
  type AuditEntry,
  type DenialEvent,
} from 'tenantry';
import { bootstrap, setup, tenantWith } from '../../support/catalog.js';

/** What an entry says, without its id and time. */
const said = ({ action, actor, subjectUserId, metadata }: AuditEntry) => ({ action, actor, subjectUserId, metadata });

describe('audit log', () => {
  it('records every membership change with canonical action ids, actor and minimal metadata, newest first', async () => {
    const { tenantry } = setup();
    const { tenant } = await tenantry.forRequest({ userId: 'alice' }).tenants.create();
    const tenantId = tenant.id;
    const alice = tenantry.forRequest({ userId: 'alice' });
    await alice.members.add({ tenantId, userId: 'bob', role: 'readonly' });
    await alice.members.changeRole({ tenantId, userId: 'bob', role: 'manager' });
    await tenantry.as(bootstrap).members.add({ tenantId, userId: 'carl', role: 'operator' });
    await tenantry.forRequest({ userId: 'carl' }).members.leave({ tenantId });
    await alice.members.remove({ tenantId, userId: 'bob' });
    const { items, nextCursor } = await alice.audit.list({ tenantId });
    expect(nextCursor).toBeNull();
    expect(items.map(said)).toEqual([
      { action: 'tenant_membership.remove', actor: { type: 'user', id: 'alice' }, subjectUserId: 'bob', metadata: { role: 'manager' } },
      { action: 'tenant_membership.leave', actor: { type: 'user', id: 'carl' }, subjectUserId: 'carl', metadata: { role: 'operator' } },
      { action: 'tenant_membership.add', actor: { type: 'system', id: 'test' }, subjectUserId: 'carl', metadata: { role: 'operator' } },
      { action: 'tenant_membership.role_change', actor: { type: 'user', id: 'alice' }, subjectUserId: 'bob', metadata: { from: 'readonly', to: 'manager' } },
      { action: 'tenant_membership.add', actor: { type: 'user', id: 'alice' }, subjectUserId: 'bob', metadata: { role: 'readonly' } },
      { action: 'tenant.create', actor: { type: 'user', id: 'alice' }, subjectUserId: 'alice', metadata: { role: 'owner' } },
    ]);
    for (const entry of items) {
      expect(entry.createdAt).toBeInstanceOf(Date);
      expect(entry.tenantId).toBe(tenantId);
      expect(Object.keys(entry).sort()).toEqual(['action', 'actor', 'createdAt', 'id', 'metadata', 'subjectUserId', 'tenantId']);
    }
  });

  it('audits a refused last-owner change although the change itself rolls back', async () => {
    const { tenantry, store } = setup();
    const tenantId = await tenantWith(tenantry, 'alice');
    const alice = tenantry.forRequest({ userId: 'alice' });
    await expect(alice.members.changeRole({ tenantId, userId: 'alice', role: 'readonly' })).rejects.toThrow(LastOwnerError);
    await expect(alice.members.leave({ tenantId })).rejects.toThrow(LastOwnerError);
    expect((await store.findMembership(tenantId, 'alice'))?.role).toBe('owner');
    const { items } = await alice.audit.list({ tenantId, limit: 2 });
    expect(items.map((e) => [e.action, e.metadata['attempted']])).toEqual([
      ['tenant_membership.last_owner_blocked', 'tenant_membership.leave'],
      ['tenant_membership.last_owner_blocked', 'tenant_membership.role_change'],
    ]);
  });

  it('audits a refusal as tenant_membership.denied, and nothing for other failures', async () => {
    const { tenantry, store } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { max: 'manager' });
    const max = tenantry.forRequest({ userId: 'max' });
    const alice = tenantry.forRequest({ userId: 'alice' });
    await expect(max.members.add({ tenantId, userId: 'x', role: 'readonly' })).rejects.toThrow(ForbiddenError);
    await expect(max.members.changeRole({ tenantId, userId: 'alice', role: 'readonly' })).rejects.toThrow(ForbiddenError);
    await expect(max.members.transferOwnership({ tenantId, fromUserId: 'alice', toUserId: 'max' })).rejects.toThrow(OwnerRequiredError);
    // Refused for other reasons: a duplicate, a non-member (404: outsiders never write to a tenant's log), bad input.
    await expect(alice.members.add({ tenantId, userId: 'max', role: 'readonly' })).rejects.toThrow(AlreadyExistsError);
    await expect(tenantry.forRequest({ userId: 'eve' }).members.remove({ tenantId, userId: 'max' })).rejects.toThrow(NotFoundError);
    await expect(max.members.add({ tenantId, userId: 'x', role: 'nope' as never })).rejects.toThrow(UnknownRoleError);
    await expect(max.members.add({ tenantId, userId: '', role: 'readonly' })).rejects.toThrow(ValidationError);
    // Nothing but the entries was written.
    expect(await store.findMembership(tenantId, 'x')).toBeUndefined();
    expect((await store.findMembership(tenantId, 'alice'))?.role).toBe('owner');
    const { items } = await alice.audit.list({ tenantId });
    const maxActor = { type: 'user', id: 'max' };
    expect(items.map(said)).toEqual([
      {
        action: 'tenant_membership.denied',
        actor: maxActor,
        subjectUserId: 'max',
        metadata: { attempted: 'tenant_membership.ownership_transfer', reason: 'not_owner', capability: 'role:owner', role: null },
      },
      {
        action: 'tenant_membership.denied',
        actor: maxActor,
        subjectUserId: 'alice',
        metadata: { attempted: 'tenant_membership.role_change', reason: 'missing_capability', capability: 'membership.manage', role: 'readonly' },
      },
      {
        action: 'tenant_membership.denied',
        actor: maxActor,
        subjectUserId: 'x',
        metadata: { attempted: 'tenant_membership.add', reason: 'missing_capability', capability: 'membership.manage', role: 'readonly' },
      },
      expect.objectContaining({ action: 'tenant_membership.add', subjectUserId: 'max' }),
      expect.objectContaining({ action: 'tenant.create' }),
    ]);
  });

  it('audits refusals of the delegation rule with their reason, and throws one error class per kind of refusal', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { dana: 'owner' });
    // A delegated manager that holds the managing capability but not billing.manage.
    const delegated = setup({ manageMembers: 'project.write' });
    const otherTenant = await tenantWith(delegated.tenantry, 'olivia', { opal: 'operator', mia: 'manager' });
    const opal = delegated.tenantry.forRequest({ userId: 'opal' });
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: unknown) => error,
      );
    const grant = await refusal(opal.members.add({ tenantId: otherTenant, userId: 'x', role: 'manager' }));
    expect(grant).toBeInstanceOf(DelegationDeniedError);
    expect(grant).toMatchObject({ code: 'delegation_denied', reason: 'role_exceeds_actor', capability: 'tenant.manage', status: 403 });
    expect(await refusal(opal.members.remove({ tenantId: otherTenant, userId: 'mia' }))).toMatchObject({
      code: 'delegation_denied',
      reason: 'target_exceeds_actor',
      capability: 'tenant.manage',
    });
    expect(await refusal(opal.members.changeRole({ tenantId: otherTenant, userId: 'opal', role: 'readonly' }))).toMatchObject({
      code: 'delegation_denied',
      reason: 'own_role',
      capability: null,
    });
    const owner = await refusal(opal.members.changeRole({ tenantId: otherTenant, userId: 'olivia', role: 'readonly' }));
    expect(owner).toBeInstanceOf(OwnerRequiredError);
    expect(owner).toMatchObject({ code: 'owner_required', reason: 'owner_role' });
    const { items } = await delegated.tenantry.forRequest({ userId: 'olivia' }).audit.list({ tenantId: otherTenant, limit: 4 });
    expect(items.map((e) => [e.subjectUserId, e.metadata['attempted'], e.metadata['reason'], e.metadata['capability']])).toEqual([
      ['olivia', 'tenant_membership.role_change', 'owner_role', 'role:owner'],
      ['opal', 'tenant_membership.role_change', 'own_role', 'role:owner'],
      ['mia', 'tenant_membership.remove', 'target_exceeds_actor', 'tenant.manage'],
      ['x', 'tenant_membership.add', 'role_exceeds_actor', 'tenant.manage'],
    ]);
    // Owners are never refused by the rule: dana, a second owner, may demote alice.
    await tenantry.forRequest({ userId: 'dana' }).members.changeRole({ tenantId, userId: 'alice', role: 'readonly' });
  });

  it('pages newest first with a cursor and restricts reading to the audit capability', async () => {
    const { tenantry } = setup({ readAudit: 'audit.read' });
    const tenantId = await tenantWith(tenantry, 'alice', { max: 'manager', rita: 'readonly' });
    for (let i = 0; i < 5; i += 1) await tenantry.as(bootstrap).members.add({ tenantId, userId: `u${i}`, role: 'readonly' });
    const max = tenantry.forRequest({ userId: 'max' });
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await max.audit.list({ tenantId, limit: 3, ...(cursor ? { cursor } : {}) });
      ids.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(ids).toHaveLength(8);
    expect([...ids].sort().reverse()).toEqual(ids);
    const forbidden = await tenantry
      .forRequest({ userId: 'rita' })
      .audit.list({ tenantId })
      .catch((error: unknown) => error);
    expect(forbidden).toBeInstanceOf(ForbiddenError);
    expect(forbidden).toMatchObject({ capability: 'audit.read' });
    await expect(tenantry.forRequest({ userId: 'eve' }).audit.list({ tenantId })).rejects.toThrow(NotFoundError);
  });

  it('without readAudit only owners read the log: others get OwnerRequiredError, a system actor reads any tenant', async () => {
    const { tenantry } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { max: 'manager' });
    await expect(tenantry.forRequest({ userId: 'max' }).audit.list({ tenantId })).rejects.toThrow(OwnerRequiredError);
    expect((await tenantry.forRequest({ userId: 'alice' }).audit.list({ tenantId })).items).toHaveLength(2);
    expect((await tenantry.as(systemActor('support')).audit.list({ tenantId })).items).toHaveLength(2);
  });

  it('takes audit ids from a generator of its own instance: another instance on the same clock starts its own sequence', async () => {
    const frozen = new Date('2026-05-01T00:00:00.000Z');
    const busy = setup({ now: () => frozen });
    const tenantId = await tenantWith(busy.tenantry, 'alice', { b1: 'readonly', b2: 'readonly', b3: 'readonly' });
    const busyIds = (await busy.tenantry.forRequest({ userId: 'alice' }).audit.list({ tenantId })).items.map((e) => e.id);
    // Within one millisecond the sequence (the 12 bits after the version digit) counts up per entry.
    expect(busyIds.map((id) => id.slice(14, 18)).reverse()).toEqual(['7000', '7001', '7002', '7003']);
    const fresh = setup({ now: () => frozen });
    const other = await tenantWith(fresh.tenantry, 'alice');
    const [created] = (await fresh.tenantry.forRequest({ userId: 'alice' }).audit.list({ tenantId: other })).items;
    expect(created?.id.slice(0, 18)).toBe(busyIds.at(-1)?.slice(0, 18));
  });

  it('property: no audit entry or denial event ever contains a secret planted in inputs', async () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{24,40}$/).map((s) => `sk_live_${s}`);
    await fc.assert(
      fc.asyncProperty(secret, fc.constantFrom('userId', 'tenantId', 'role', 'label'), async (planted, where) => {
        const denials: DenialEvent[] = [];
        const { tenantry } = setup({ onDenied: (event) => denials.push(event) });
        const tenantId = await tenantWith(tenantry, 'alice');
        const alice = tenantry.forRequest({ userId: 'alice' });
        const attempt = async (fn: () => Promise<unknown>) => {
          try {
            await fn();
          } catch {
            // Refusals are expected; only what gets recorded matters here.
          }
        };
        if (where === 'userId') {
          await attempt(() => alice.members.add({ tenantId, userId: `${planted}\n`, role: 'readonly' }));
          await tenantry.forRequest({ userId: 'eve' }).check(tenantId, 'tenant.read');
        } else if (where === 'tenantId') {
          await alice.check(planted, 'tenant.read');
          await attempt(() => alice.members.add({ tenantId: planted, userId: 'x', role: 'readonly' }));
        } else if (where === 'role') {
          await attempt(() => alice.members.add({ tenantId, userId: 'x', role: planted as never }));
        } else {
          await attempt(() => tenantry.as(systemActor(planted)).members.add({ tenantId, userId: 'x', role: 'readonly' }));
        }
        const { items } = await alice.audit.list({ tenantId });
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
    const transfer = await tenantry.forRequest({ userId: 'alice' }).members.transferOwnership({ tenantId, toUserId: 'bob' });
    expect(transfer.newOwner).toMatchObject({ tenantId, userId: 'bob', role: 'owner', addedBy: { type: 'system', id: 'test' } });
    expect(transfer.previousOwner).toMatchObject({ tenantId, userId: 'alice', role: 'manager', source: 'tenant_create' });
    expect((await store.findMembership(tenantId, 'alice'))?.role).toBe('manager');
    expect((await store.findMembership(tenantId, 'bob'))?.role).toBe('owner');
    const [entry] = (await tenantry.forRequest({ userId: 'bob' }).audit.list({ tenantId, limit: 1 })).items;
    expect(entry).toMatchObject({
      action: 'tenant_membership.ownership_transfer',
      actor: { type: 'user', id: 'alice' },
      metadata: { from: 'alice', to: 'bob', previousOwnerRole: 'manager' },
    });
  });

  it('lets the caller choose the role kept, and refuses non-owners, non-members and self-transfers', async () => {
    const { tenantry, store } = setup();
    const tenantId = await tenantWith(tenantry, 'alice', { bob: 'readonly', max: 'manager' });
    const alice = tenantry.forRequest({ userId: 'alice' });
    const system = tenantry.as(bootstrap);
    const notOwner = await tenantry
      .forRequest({ userId: 'max' })
      .members.transferOwnership({ tenantId, toUserId: 'bob' })
      .catch((error: unknown) => error);
    expect(notOwner).toBeInstanceOf(OwnerRequiredError);
    expect(notOwner).toMatchObject({ code: 'owner_required', reason: 'not_owner' });
    await expect(tenantry.forRequest({ userId: 'eve' }).members.transferOwnership({ tenantId, toUserId: 'bob' })).rejects.toThrow(NotFoundError);
    await expect(alice.members.transferOwnership({ tenantId, toUserId: 'zed' })).rejects.toThrow(NotFoundError);
    await expect(alice.members.transferOwnership({ tenantId, toUserId: 'alice' })).rejects.toThrow(ValidationError);
    await expect(system.members.transferOwnership({ tenantId, toUserId: 'bob' })).rejects.toThrow(ValidationError);
    expect((await store.findMembership(tenantId, 'alice'))?.role).toBe('owner');
    await system.members.transferOwnership({ tenantId, fromUserId: 'alice', toUserId: 'bob', previousOwnerRole: 'readonly' });
    expect((await store.findMembership(tenantId, 'alice'))?.role).toBe('readonly');
  });
});
