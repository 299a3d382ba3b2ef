import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import {
  createTenantry,
  INVITATION_TOKEN_PREFIX,
  InvalidTokenError,
  InvitationAlreadyUsedError,
  isTenantryError,
  parseInvitationToken,
  systemActor,
  type Invitation,
  type InvitationStatus,
  type Store,
} from 'tenantry';
import { capabilities, roles, type Role } from '../../../unit/invitations/invitation-catalog.js';

/**
 * Model-based sequences of the invitation lifecycle through the public API:
 * create, resend (rotation), revoke, accept with the current, a stale, a
 * wrong-verifier or an unknown token, list by status, and time moving on an
 * injected clock. An explicit model predicts every outcome; after every
 * command the tenant's members must be exactly the model's, with one
 * membership per accepted invitation.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The instance default; advancing by exactly this hits the expiry boundary (`expiresAt <= now` is expired). */
const EXPIRES_IN_MS = 7 * DAY;
const OWNER = 'olga';
const EMAILS = ['ina@example.com', 'Ivo@Example.com', 'ana@example.org'] as const;
const USERS = [OWNER, 'ina', 'ivo', 'ana'] as const;
const ROLES: readonly Role[] = ['member', 'admin', 'owner'];
// Steps that land exactly on an expiry (a default one, or a one-hour one) come up often: the boundary is where off-by-ones hide.
const CLOCK_STEPS = [HOUR, HOUR, DAY, 3 * DAY, EXPIRES_IN_MS, EXPIRES_IN_MS] as const;
const STATUSES: readonly (InvitationStatus | undefined)[] = [undefined, 'pending', 'accepted', 'revoked', 'expired'];

/** How an acceptance presents its token. */
type TokenKind = 'current' | 'stale' | 'wrongVerifier' | 'unknownSelector';

/** One invitation as the model knows it. */
interface ModelInvitation {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
  stored: 'pending' | 'accepted' | 'revoked';
  expiresAt: number;
  /** The token the last create or resend returned: the only one that may work. */
  token: string;
  /** Tokens replaced by a resend: each must stop working at once. */
  readonly staleTokens: string[];
}

/** The model of one run: the clock, the invitations and the members of the run's tenant. */
export interface InvitationModel {
  now: number;
  readonly invitations: ModelInvitation[];
  /** The open invitation per normalised email (pending in storage, expired or not). */
  readonly open: Map<string, ModelInvitation>;
  /** userId → role. */
  readonly members: Map<string, string>;
}

type Instance = ReturnType<typeof instance>;

/** The system under test: an instance over the store, with the run's tenant. */
export interface InvitationReal {
  readonly tenantry: Instance;
  readonly tenantId: string;
}

function instance(store: Store, now: () => Date) {
  return createTenantry({
    capabilities,
    roles,
    store,
    now,
    manageMembers: 'membership.manage',
    // Limits are not what these sequences are about; the limiter has its own tests.
    invitations: { expiresInMs: EXPIRES_IN_MS, attempts: { limit: 1_000_000, windowMs: DAY }, resends: { limit: 1_000_000, windowMs: DAY } },
  });
}

/** A fresh run over `store`: a tenant owned by `olga`, an empty model and a clock both sides read. */
export async function invitationRun(store: Store, start: number): Promise<{ model: InvitationModel; real: InvitationReal }> {
  const model: InvitationModel = { now: start, invitations: [], open: new Map(), members: new Map([[OWNER, 'owner']]) };
  const tenantry = instance(store, () => new Date(model.now));
  const { tenant } = await tenantry.as(systemActor('model')).tenants.create({ ownerId: OWNER });
  return { model, real: { tenantry, tenantId: tenant.id } };
}

const statusOf = (invitation: ModelInvitation, now: number): InvitationStatus =>
  invitation.stored === 'pending' && invitation.expiresAt <= now ? 'expired' : invitation.stored;

/** The normalisation the service applies to the pool's addresses: lower-case domain only. */
function normalised(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, at)}${email.slice(at).toLowerCase()}`;
}

/** `error` is the one refusal every unusable token gets: same class family, code, status and message. */
function assertTokenRefused(error: unknown, used: boolean): void {
  assert.ok(error instanceof InvalidTokenError, `expected InvalidTokenError, got ${String(error)}`);
  assert.equal(error instanceof InvitationAlreadyUsedError, used);
  assert.equal(error.code, 'invalid_token');
  assert.equal(error.status, 404);
  assert.equal(error.message, new InvalidTokenError().message);
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a refusal, got a success');
}

function assertView(actual: Invitation, expected: ModelInvitation, now: number): void {
  assert.equal(actual.id, expected.id);
  assert.equal(actual.email, expected.email);
  assert.equal(actual.role, expected.role);
  assert.equal(actual.status, statusOf(expected, now));
  assert.equal(actual.expiresAt.getTime(), expected.expiresAt);
}

/**
 * The invariant after every command: the tenant's members are the model's,
 * and the invitation-sourced ones are exactly the accepted invitations (one
 * membership each).
 */
async function assertMembers(model: InvitationModel, real: InvitationReal): Promise<void> {
  const page = await real.tenantry.as(systemActor('model')).members.list({ tenantId: real.tenantId, limit: 1000 });
  const actual = new Map(page.items.map((member) => [member.userId, member.role]));
  assert.deepStrictEqual(actual, model.members);
  const accepted = model.invitations.filter((invitation) => invitation.stored === 'accepted').length;
  assert.equal(page.items.filter((member) => member.source === 'invitation').length, accepted);
}

type Command = fc.AsyncCommand<InvitationModel, InvitationReal>;

abstract class InvitationCommand implements Command {
  check(_model: Readonly<InvitationModel>): boolean {
    return true;
  }
  async run(model: InvitationModel, real: InvitationReal): Promise<void> {
    await this.step(model, real);
    await assertMembers(model, real);
  }
  abstract step(model: InvitationModel, real: InvitationReal): Promise<void>;
  abstract toString(): string;
}

/** The owner invites `EMAILS[email]` as `role`, for the default or a given validity. */
class Create extends InvitationCommand {
  constructor(
    readonly email: number,
    readonly role: Role,
    readonly expiresInMs: number | undefined,
  ) {
    super();
  }
  async step(model: InvitationModel, real: InvitationReal): Promise<void> {
    const email = EMAILS[this.email] ?? EMAILS[0];
    const result = await real.tenantry.forRequest({ userId: OWNER }).invitations.create({
      tenantId: real.tenantId,
      email,
      role: this.role,
      ...(this.expiresInMs === undefined ? {} : { expiresInMs: this.expiresInMs }),
    });
    const open = model.open.get(normalised(email));
    if (open !== undefined) {
      // One open invitation per (tenant, email): returned unchanged, without a token.
      assert.equal(result.outcome, 'existing');
      assertView(result.invitation, open, model.now);
      return;
    }
    assert.equal(result.outcome, 'created');
    assert.ok(parseInvitationToken(result.token) !== undefined);
    const created: ModelInvitation = {
      id: result.invitation.id,
      email: normalised(email),
      role: this.role,
      stored: 'pending',
      expiresAt: model.now + (this.expiresInMs ?? EXPIRES_IN_MS),
      token: result.token,
      staleTokens: [],
    };
    assertView(result.invitation, created, model.now);
    model.invitations.push(created);
    model.open.set(created.email, created);
  }
  toString(): string {
    return `create(${String(this.email)}, ${this.role}, ${String(this.expiresInMs)})`;
  }
}

/** Picks one of the run's invitations by a random index (modulo how many there are). */
abstract class OnInvitation extends InvitationCommand {
  constructor(readonly pick: number) {
    super();
  }
  override check(model: Readonly<InvitationModel>): boolean {
    return model.invitations.length > 0;
  }
  target(model: InvitationModel): ModelInvitation {
    const invitation = model.invitations[this.pick % model.invitations.length];
    assert.ok(invitation !== undefined);
    return invitation;
  }
}

/** The owner resends: a pending (even expired) invitation gets a new token and expiry; the old token is stale at once. */
class Resend extends OnInvitation {
  async step(model: InvitationModel, real: InvitationReal): Promise<void> {
    const target = this.target(model);
    const call = real.tenantry.forRequest({ userId: OWNER }).invitations.resend({ tenantId: real.tenantId, invitationId: target.id });
    if (target.stored !== 'pending') {
      assert.equal(((await failure(call)) as { code?: unknown }).code, 'not_found');
      return;
    }
    const resent = await call;
    assert.notEqual(resent.token, target.token);
    target.staleTokens.push(target.token);
    target.token = resent.token;
    target.expiresAt = model.now + EXPIRES_IN_MS;
    assertView(resent.invitation, target, model.now);
  }
  toString(): string {
    return `resend(${String(this.pick)})`;
  }
}

/** The owner revokes: a pending (even expired) invitation becomes `revoked`; a settled one is `NotFoundError`. */
class Revoke extends OnInvitation {
  async step(model: InvitationModel, real: InvitationReal): Promise<void> {
    const target = this.target(model);
    const call = real.tenantry.forRequest({ userId: OWNER }).invitations.revoke({ tenantId: real.tenantId, invitationId: target.id });
    if (target.stored !== 'pending') {
      assert.equal(((await failure(call)) as { code?: unknown }).code, 'not_found');
      return;
    }
    const revoked = await call;
    target.stored = 'revoked';
    model.open.delete(target.email);
    assertView(revoked, target, model.now);
  }
  toString(): string {
    return `revoke(${String(this.pick)})`;
  }
}

/** `USERS[user]` accepts the picked invitation with a token of `kind`. */
class Accept extends OnInvitation {
  constructor(
    pick: number,
    readonly kind: TokenKind,
    readonly user: number,
  ) {
    super(pick);
  }
  #token(target: ModelInvitation): string {
    switch (this.kind) {
      case 'current':
        return target.token;
      case 'stale':
        return target.staleTokens.at(-1) ?? target.token;
      case 'wrongVerifier': {
        const parts = parseInvitationToken(target.token);
        assert.ok(parts !== undefined);
        const verifier = parts.verifier === 'A'.repeat(43) ? 'B'.repeat(42) + 'A' : 'A'.repeat(43);
        return `${INVITATION_TOKEN_PREFIX}${parts.selector}.${verifier}`;
      }
      case 'unknownSelector': {
        const parts = parseInvitationToken(target.token);
        assert.ok(parts !== undefined);
        return `${INVITATION_TOKEN_PREFIX}${randomBytes(16).toString('base64url')}.${parts.verifier}`;
      }
    }
  }
  async step(model: InvitationModel, real: InvitationReal): Promise<void> {
    const target = this.target(model);
    const userId = USERS[this.user] ?? OWNER;
    const current = this.kind === 'current' || (this.kind === 'stale' && target.staleTokens.length === 0);
    const call = real.tenantry.forRequest({ userId }).invitations.accept({ token: this.#token(target) });
    if (!current) {
      // A rotated-away, wrong or unknown token: the plain 404, whatever the invitation's state.
      assertTokenRefused(await failure(call), false);
      return;
    }
    const status = statusOf(target, model.now);
    if (status !== 'pending') {
      assertTokenRefused(await failure(call), status === 'accepted');
      return;
    }
    if (model.members.has(userId)) {
      // A member already: told plainly; the invitation stays pending.
      const error = await failure(call);
      assert.ok(isTenantryError(error) && error.code === 'already_exists', `expected already_exists, got ${String(error)}`);
      return;
    }
    const accepted = await call;
    target.stored = 'accepted';
    model.open.delete(target.email);
    model.members.set(userId, target.role);
    assertView(accepted.invitation, target, model.now);
    assert.equal(accepted.invitation.acceptedBy, userId);
    assert.deepStrictEqual([accepted.member.userId, accepted.member.role, accepted.member.source], [userId, target.role, 'invitation']);
  }
  override toString(): string {
    return `accept(${String(this.pick)}, ${this.kind}, ${USERS[this.user] ?? OWNER})`;
  }
}

/** The owner lists the tenant's invitations, all or by (derived) status. */
class List extends InvitationCommand {
  constructor(readonly status: InvitationStatus | undefined) {
    super();
  }
  async step(model: InvitationModel, real: InvitationReal): Promise<void> {
    const page = await real.tenantry.forRequest({ userId: OWNER }).invitations.list({
      tenantId: real.tenantId,
      limit: 1000,
      ...(this.status === undefined ? {} : { status: this.status }),
    });
    const expected = model.invitations
      .filter((invitation) => this.status === undefined || statusOf(invitation, model.now) === this.status)
      .map((invitation) => [invitation.id, statusOf(invitation, model.now)])
      .sort(([a], [b]) => ((a as string) < (b as string) ? -1 : 1));
    assert.deepStrictEqual(
      page.items.map((invitation) => [invitation.id, invitation.status]),
      expected,
    );
  }
  toString(): string {
    return `list(${String(this.status)})`;
  }
}

/** Time moves on; `EXPIRES_IN_MS` lands exactly on the expiry of an invitation created at the previous instant. */
class Advance extends InvitationCommand {
  constructor(readonly ms: number) {
    super();
  }
  step(model: InvitationModel): Promise<void> {
    model.now += this.ms;
    return Promise.resolve();
  }
  toString(): string {
    return `advance(${String(this.ms / HOUR)}h)`;
  }
}

const pick = fc.nat({ max: 15 });

/** Command arbitraries for `fc.commands`: creates and accepts dominate, so invitations get used (about one run in two has an acceptance that joins). */
export const invitationCommands: fc.Arbitrary<Command>[] = [
  fc
    .tuple(fc.nat({ max: EMAILS.length - 1 }), fc.constantFrom(...ROLES), fc.option(fc.constantFrom(HOUR, 2 * DAY, 30 * DAY), { nil: undefined }))
    .map(([email, role, expiresInMs]) => new Create(email, role, expiresInMs)),
  fc
    .tuple(fc.nat({ max: EMAILS.length - 1 }), fc.constantFrom(...ROLES), fc.option(fc.constantFrom(HOUR, 2 * DAY, 30 * DAY), { nil: undefined }))
    .map(([email, role, expiresInMs]) => new Create(email, role, expiresInMs)),
  pick.map((index) => new Resend(index)),
  pick.map((index) => new Revoke(index)),
  fc
    .tuple(pick, fc.constantFrom<TokenKind>('current', 'current', 'stale', 'wrongVerifier', 'unknownSelector'), fc.nat({ max: USERS.length - 1 }))
    .map(([index, kind, user]) => new Accept(index, kind, user)),
  fc.tuple(pick, fc.constantFrom<TokenKind>('current', 'stale'), fc.nat({ max: USERS.length - 1 })).map(([index, kind, user]) => new Accept(index, kind, user)),
  fc.tuple(pick, fc.nat({ max: USERS.length - 1 })).map(([index, user]) => new Accept(index, 'current', user)),
  fc.constantFrom(...STATUSES).map((status) => new List(status)),
  fc.constantFrom(...CLOCK_STEPS).map((ms) => new Advance(ms)),
];
