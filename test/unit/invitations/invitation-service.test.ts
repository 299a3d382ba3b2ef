import { describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  DelegationDeniedError,
  ForbiddenError,
  InvalidTokenError,
  InvitationAlreadyUsedError,
  NotFoundError,
  OwnerRequiredError,
  TooManyAttemptsError,
  UnknownRoleError,
  ValidationError,
  INVITATION_TOKEN_LENGTH,
  parseInvitationToken,
} from 'tenantry';
import { invitationWorld } from './invitation-catalog.js';

const DAY = 86_400_000;

async function invite(world: Awaited<ReturnType<typeof invitationWorld>>, email = 'Ina@Example.COM', role: 'member' | 'admin' | 'owner' = 'member') {
  const created = await world.owner.invitations.create({ tenantId: world.tenantId, email, role });
  if (created.outcome !== 'created') throw new Error('expected a new invitation');
  return created;
}

describe('invitations: create and accept', () => {
  it('an owner invites by email; the invitee accepts once and becomes a member with the invited role', async () => {
    const world = await invitationWorld();
    const { token, invitation } = await invite(world);
    expect(token).toHaveLength(INVITATION_TOKEN_LENGTH);
    expect(parseInvitationToken(token)).toBeDefined();
    expect(invitation).toMatchObject({ email: 'Ina@example.com', role: 'member', status: 'pending', invitedBy: { type: 'user', id: 'olga' } });
    expect(invitation.expiresAt.getTime() - invitation.createdAt.getTime()).toBe(7 * DAY);
    const ina = world.tenantry.forRequest({ userId: 'ina' });
    const accepted = await ina.invitations.accept({ token });
    expect(accepted.member).toMatchObject({ tenantId: world.tenantId, userId: 'ina', role: 'member', source: 'invitation' });
    expect(accepted.invitation).toMatchObject({ status: 'accepted', acceptedBy: 'ina' });
    expect(await ina.can(world.tenantId, 'project.read')).toBe(true);
    // A replay: the same 404-class error as a guessed token, from another user or the same one.
    await expect(world.tenantry.forRequest({ userId: 'eve' }).invitations.accept({ token })).rejects.toBeInstanceOf(InvitationAlreadyUsedError);
    await expect(ina.invitations.accept({ token })).rejects.toMatchObject({ code: 'invalid_token', status: 404, message: new InvalidTokenError().message });
  });

  it('a malformed token is InvalidTokenError before any storage access; unknown selector and wrong verifier read the same', async () => {
    const world = await invitationWorld();
    const { token } = await invite(world);
    const eve = world.tenantry.forRequest({ userId: 'eve' });
    world.store.reset();
    for (const bad of ['', 'tnv1_', token.slice(0, -1), `${token}A`, token.replace('tnv1_', 'tnv2_'), token.replace('.', '_'), token.toUpperCase(), 42, null]) {
      await expect(eve.invitations.accept({ token: bad as string })).rejects.toBeInstanceOf(InvalidTokenError);
    }
    expect(world.store.total()).toBe(0);
    const parts = parseInvitationToken(token);
    if (parts === undefined) throw new Error('unparsable');
    const wrongVerifier = `tnv1_${parts.selector}.${'A'.repeat(43)}`;
    const unknownSelector = `tnv1_${'A'.repeat(22)}.${parts.verifier}`;
    const errors = await Promise.all([wrongVerifier, unknownSelector].map((t) => eve.invitations.accept({ token: t }).catch((e: unknown) => e)));
    for (const error of errors) {
      expect(error).toBeInstanceOf(InvalidTokenError);
      expect(error).not.toBeInstanceOf(InvitationAlreadyUsedError);
      expect(error).toMatchObject({ code: 'invalid_token', message: 'Invitation not found or no longer valid.' });
    }
    // The right token still works after the failures.
    await expect(world.tenantry.forRequest({ userId: 'ina' }).invitations.accept({ token })).resolves.toBeDefined();
  });

  it('inviting an email with an open invitation returns it unchanged, without a token; normalisation makes the same address match', async () => {
    const world = await invitationWorld();
    const { invitation } = await invite(world, 'ina@example.com');
    const again = await world.admin.invitations.create({ tenantId: world.tenantId, email: '  ina@EXAMPLE.com ', role: 'admin' });
    expect(again).toEqual({ outcome: 'existing', invitation });
    expect('token' in again).toBe(false);
  });

  it('validates email, role and expiry; a malformed tenant id is the canonical 404', async () => {
    const world = await invitationWorld();
    const create = (input: Record<string, unknown>) =>
      world.owner.invitations.create({ tenantId: world.tenantId, email: 'ina@example.com', role: 'member', ...input } as never);
    for (const email of ['ina', 'ina@', '@example.com', 'ina@localhost', 'in a@example.com', 'ina@exa_mple.com', `${'a'.repeat(65)}@example.com`]) {
      await expect(create({ email })).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(create({ role: 'superuser' })).rejects.toBeInstanceOf(UnknownRoleError);
    await expect(create({ expiresInMs: 60_000 })).rejects.toBeInstanceOf(ValidationError);
    await expect(create({ expiresInMs: 31 * DAY })).rejects.toBeInstanceOf(ValidationError);
    await expect(create({ tenantId: 'not a tenant' })).rejects.toBeInstanceOf(NotFoundError);
    const custom = await create({ expiresInMs: 2 * DAY });
    expect(custom.invitation.expiresAt.getTime() - custom.invitation.createdAt.getTime()).toBe(2 * DAY);
  });

  it('a manager cannot invite to a role with capabilities it lacks, nor to the owner role; a member cannot invite; refusals are audited', async () => {
    const world = await invitationWorld();
    const { tenantId } = world;
    await expect(world.admin.invitations.create({ tenantId, email: 'a@example.com', role: 'owner' })).rejects.toBeInstanceOf(OwnerRequiredError);
    await expect(world.admin.invitations.create({ tenantId, email: 'b@example.com', role: 'admin' })).resolves.toMatchObject({ outcome: 'created' });
    const mia = world.tenantry.forRequest({ userId: 'mia' });
    await expect(mia.invitations.create({ tenantId, email: 'c@example.com', role: 'member' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      world.tenantry.forRequest({ userId: 'nobody' }).invitations.create({ tenantId, email: 'd@example.com', role: 'member' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(world.owner.invitations.create({ tenantId, email: 'e@example.com', role: 'owner' })).resolves.toMatchObject({ outcome: 'created' });
    const denied = (await world.owner.audit.list({ tenantId })).items.filter((e) => e.action === 'tenant_membership.denied');
    expect(denied.map((e) => e.metadata)).toEqual([
      { attempted: 'tenant_invitation.create', reason: 'missing_capability', capability: 'membership.manage', role: 'member' },
      { attempted: 'tenant_invitation.create', reason: 'owner_role', capability: 'role:owner', role: 'owner' },
    ]);
  });

  it('a manager whose role lacks a capability of the invited role gets DelegationDeniedError', async () => {
    const world = await invitationWorld();
    // billing.manage is the owner's only: a role holding it is beyond the admin.
    const { capabilities } = await import('./invitation-catalog.js');
    expect(capabilities.has('billing.manage')).toBe(true);
    const { defineRoles, createTenantry, systemActor } = await import('tenantry');
    const { memoryStore } = await import('tenantry/memory');
    const wide = defineRoles(capabilities, { owner: capabilities.all(), admin: ['membership.manage'], billing: ['billing.manage'] }, { ownerRole: 'owner' });
    const tenantry = createTenantry({ capabilities, roles: wide, store: memoryStore(), manageMembers: 'membership.manage' });
    const { tenant } = await tenantry.as(systemActor('t')).tenants.create({ ownerId: 'olga' });
    await tenantry.as(systemActor('t')).members.add({ tenantId: tenant.id, userId: 'adam', role: 'admin' });
    await expect(
      tenantry.forRequest({ userId: 'adam' }).invitations.create({ tenantId: tenant.id, email: 'x@example.com', role: 'billing' }),
    ).rejects.toBeInstanceOf(DelegationDeniedError);
    expect(world.tenantId).toBeDefined();
  });
});

describe('invitations: lifecycle', () => {
  it('resend rotates the token: the old one stops working at once, the expiry resets; revoke keeps the row', async () => {
    const world = await invitationWorld();
    const first = await invite(world);
    world.time.advance(8 * DAY);
    const listed = await world.owner.invitations.list({ tenantId: world.tenantId, status: 'expired' });
    expect(listed.items.map((i) => i.id)).toEqual([first.invitation.id]);
    const resent = await world.owner.invitations.resend({ tenantId: world.tenantId, invitationId: first.invitation.id });
    expect(resent.token).not.toBe(first.token);
    expect(resent.invitation).toMatchObject({ status: 'pending', resendCount: 1 });
    expect(resent.invitation.expiresAt.getTime()).toBe(world.time.now().getTime() + 7 * DAY);
    const ina = world.tenantry.forRequest({ userId: 'ina' });
    await expect(ina.invitations.accept({ token: first.token })).rejects.toBeInstanceOf(InvalidTokenError);
    const revoked = await world.owner.invitations.revoke({ tenantId: world.tenantId, invitationId: first.invitation.id });
    expect(revoked.status).toBe('revoked');
    await expect(ina.invitations.accept({ token: resent.token })).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(world.owner.invitations.revoke({ tenantId: world.tenantId, invitationId: first.invitation.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(world.owner.invitations.resend({ tenantId: world.tenantId, invitationId: first.invitation.id })).rejects.toBeInstanceOf(NotFoundError);
    expect((await world.owner.invitations.list({ tenantId: world.tenantId, status: 'revoked' })).items).toHaveLength(1);
    // The email may be invited again once the old invitation is settled.
    await expect(invite(world)).resolves.toMatchObject({ outcome: 'created' });
  });

  it('an expired token is refused with the same error; resend is limited per invitation', async () => {
    const world = await invitationWorld({ invitations: { resends: { limit: 2, windowMs: 3_600_000 } } });
    const { token, invitation } = await invite(world);
    world.time.advance(7 * DAY);
    await expect(world.tenantry.forRequest({ userId: 'ina' }).invitations.accept({ token })).rejects.toBeInstanceOf(InvalidTokenError);
    const resend = () => world.owner.invitations.resend({ tenantId: world.tenantId, invitationId: invitation.id });
    await resend();
    await resend();
    await expect(resend()).rejects.toBeInstanceOf(TooManyAttemptsError);
  });

  it('requireEmailMatch: accept fails unless the host-verified email matches (after normalisation)', async () => {
    const world = await invitationWorld();
    const created = await world.owner.invitations.create({ tenantId: world.tenantId, email: 'ina@example.com', role: 'member', requireEmailMatch: true });
    if (created.outcome !== 'created') throw new Error('expected created');
    const ina = world.tenantry.forRequest({ userId: 'ina' });
    await expect(ina.invitations.accept({ token: created.token })).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(ina.invitations.accept({ token: created.token, email: 'other@example.com' })).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(ina.invitations.accept({ token: created.token, email: ' ina@EXAMPLE.com' })).resolves.toMatchObject({ member: { userId: 'ina' } });
  });

  it('an existing member gets AlreadyExistsError and the invitation stays pending', async () => {
    const world = await invitationWorld();
    const { token, invitation } = await invite(world);
    await expect(world.tenantry.forRequest({ userId: 'mia' }).invitations.accept({ token })).rejects.toBeInstanceOf(AlreadyExistsError);
    const [row] = (await world.owner.invitations.list({ tenantId: world.tenantId })).items;
    expect(row).toMatchObject({ id: invitation.id, status: 'pending' });
  });

  it('failed accepts are limited per caller and per token (429), and every failure is audited with its reason, never the token', async () => {
    const world = await invitationWorld({ invitations: { attempts: { limit: 3, windowMs: 60_000 } } });
    const { token } = await invite(world);
    const parts = parseInvitationToken(token);
    if (parts === undefined) throw new Error('unparsable');
    const eve = world.tenantry.forRequest({ userId: 'eve' });
    const wrong = `tnv1_${parts.selector}.${'A'.repeat(43)}`;
    for (let i = 0; i < 3; i += 1)
      await expect(eve.invitations.accept({ token: wrong, callerKey: `ip-${String(i)}` })).rejects.toBeInstanceOf(InvalidTokenError);
    // The token's own limit is spent, whoever asks.
    await expect(world.tenantry.forRequest({ userId: 'ina' }).invitations.accept({ token })).rejects.toBeInstanceOf(TooManyAttemptsError);
    world.time.advance(60_000);
    await expect(world.tenantry.forRequest({ userId: 'ina' }).invitations.accept({ token })).resolves.toBeDefined();
    const entries = (await world.owner.audit.list({ tenantId: world.tenantId })).items;
    const failed = entries.filter((e) => e.action === 'tenant_invitation.accept_failed');
    expect(failed.map((e) => e.metadata.reason)).toEqual(['wrong_verifier', 'wrong_verifier', 'wrong_verifier']);
    expect(failed[0]?.metadata.email).toBe('I***@example.com');
    const text = JSON.stringify(entries);
    for (const secret of [token, parts.selector, parts.verifier, 'Ina@example.com']) expect(text).not.toContain(secret);
  });

  it('list pages by id and filters by status; readers need the managing capability', async () => {
    const world = await invitationWorld();
    for (const name of ['a', 'b', 'c']) await invite(world, `${name}@example.com`);
    const first = await world.owner.invitations.list({ tenantId: world.tenantId, limit: 2 });
    expect(first.items).toHaveLength(2);
    const second = await world.owner.invitations.list({ tenantId: world.tenantId, limit: 2, cursor: first.nextCursor ?? '' });
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    await expect(world.tenantry.forRequest({ userId: 'mia' }).invitations.list({ tenantId: world.tenantId })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(world.tenantry.forRequest({ userId: 'nobody' }).invitations.list({ tenantId: world.tenantId })).rejects.toBeInstanceOf(NotFoundError);
  });
});
