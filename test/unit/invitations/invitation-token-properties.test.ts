import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INVITATION_TOKEN_PREFIX, InvalidTokenError, parseInvitationToken, type DenialEvent } from 'tenantry';
import { mintToken } from '../../../src/services/invitations/token-secrets.js';
import { invitationWorld } from './invitation-catalog.js';

const DAY = 86_400_000;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// The last character of a canonical selector (16 bytes) carries 2 bits, of a verifier (32 bytes) 4 bits.
const SELECTOR_LAST = 'AQgw';
// ASCII only: one array element per character.
const ALPHABET_CHARS: readonly string[] = Array.from(ALPHABET);
const VERIFIER_LAST = 'AEIMQUYcgkosw048';

type World = Awaited<ReturnType<typeof invitationWorld>>;

/** Every audit entry of the tenant, page after page. */
async function allAudit(world: World) {
  const entries: unknown[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await world.owner.audit.list({ tenantId: world.tenantId, limit: 100, ...(cursor === undefined ? {} : { cursor }) });
    entries.push(...page.items);
    if (page.nextCursor === null) return entries;
    cursor = page.nextCursor;
  }
}

/** Everything an error exposes: message, own enumerable fields (JSON), stack, and the same of its cause. */
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return `${JSON.stringify(error)} ${String(error)}`;
  return [error.message, JSON.stringify(error), String(error), error.stack ?? '', error.cause === undefined ? '' : errorText(error.cause)].join('\n');
}

/** A mutation of a well-formed token that the format must refuse. */
const nearMiss: fc.Arbitrary<(token: string) => string> = fc.oneof(
  // Wrong prefix or version.
  fc.constantFrom('tnv0_', 'tnv2_', 'TNV1_', 'tnv1-', 'tnv1', 'tnv11_', '').map((prefix) => (t: string) => prefix + t.slice(INVITATION_TOKEN_PREFIX.length)),
  // A half one character too short or too long.
  fc.tuple(fc.constantFrom('selector', 'verifier'), fc.boolean(), fc.constantFrom(...ALPHABET_CHARS)).map(([half, longer, c]) => (t: string) => {
    const [head, verifier] = t.split('.') as [string, string];
    if (half === 'selector') return `${longer ? head + c : head.slice(0, -1)}.${verifier}`;
    return `${head}.${longer ? verifier + c : verifier.slice(0, -1)}`;
  }),
  // A character outside base64url, anywhere after the prefix.
  fc.tuple(fc.nat({ max: 65 }), fc.constantFrom('+', '/', '=', ' ', '.', '\u00e9', '\u0000', '\n', '%', '\u{1F600}')).map(([i, c]) => (t: string) => {
    const at = INVITATION_TOKEN_PREFIX.length + i;
    return t.slice(0, at) + c + t.slice(at + 1);
  }),
  // A non-canonical last character (unused low bits set).
  fc.constantFrom(...ALPHABET_CHARS.filter((c) => !SELECTOR_LAST.includes(c))).map((c) => (t: string) => {
    const dot = t.indexOf('.');
    return t.slice(0, dot - 1) + c + t.slice(dot);
  }),
  fc.constantFrom(...ALPHABET_CHARS.filter((c) => !VERIFIER_LAST.includes(c))).map((c) => (t: string) => t.slice(0, -1) + c),
  // No separator, or a doubled one, or padding.
  fc.constantFrom(
    (t: string) => t.replace('.', ''),
    (t: string) => t.replace('.', '..'),
    (t: string) => `${t}=`,
    (t: string) => ` ${t}`,
    (t: string) => `${t}\n`,
  ),
);

describe('invitation tokens: malformed input never reaches storage', () => {
  it('random strings and near-miss tokens are InvalidTokenError with zero store calls', async () => {
    const world = await invitationWorld({ invitations: { attempts: { limit: 100_000, windowMs: 60_000 } } });
    const created = await world.owner.invitations.create({ tenantId: world.tenantId, email: 'ina@example.com', role: 'member' });
    if (created.outcome !== 'created') throw new Error('expected a new invitation');
    const eve = world.tenantry.forRequest({ userId: 'eve' });
    const candidates = fc.oneof(
      fc.string({ maxLength: 120 }),
      fc.string({ unit: 'binary', minLength: 60, maxLength: 80 }),
      fc.string({ unit: fc.constantFrom(...ALPHABET_CHARS, '.', '_'), minLength: 66, maxLength: 76 }).map((s) => `tnv1_${s}`),
      nearMiss.map((mutate) => mutate(created.token)),
      nearMiss.map((mutate) => mutate(mintToken().token)),
    );
    await fc.assert(
      fc.asyncProperty(candidates, async (token) => {
        fc.pre(token !== created.token);
        expect(parseInvitationToken(token)).toBeUndefined();
        world.store.reset();
        await expect(eve.invitations.accept({ token })).rejects.toBeInstanceOf(InvalidTokenError);
        expect(world.store.total()).toBe(0);
        expect(world.store.counts.transaction).toBe(0);
      }),
      { numRuns: 500 },
    );
    // The real token still works: the refusals did not disturb it.
    await expect(world.tenantry.forRequest({ userId: 'ina' }).invitations.accept({ token: created.token })).resolves.toBeDefined();
  });
});

describe('invitation tokens: format and entropy', () => {
  it('minted tokens are distinct, with a selector of at least 96 and a verifier of at least 128 random bits, and round-trip through the parser', () => {
    const count = 2000;
    const minted = Array.from({ length: count }, () => mintToken());
    expect(new Set(minted.map((m) => m.token)).size).toBe(count);
    expect(new Set(minted.map((m) => m.selector)).size).toBe(count);
    expect(new Set(minted.map((m) => m.verifier)).size).toBe(count);
    for (const { token, selector, verifier } of minted) {
      expect(token).toMatch(/^tnv1_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      expect(token).toBe(`tnv1_${selector}.${verifier}`);
      const selectorBytes = Buffer.from(selector, 'base64url');
      const verifierBytes = Buffer.from(verifier, 'base64url');
      expect(selectorBytes.length * 8).toBeGreaterThanOrEqual(96);
      expect(verifierBytes.length * 8).toBeGreaterThanOrEqual(128);
      // Canonical: the bytes re-encode to the same text.
      expect(selectorBytes.toString('base64url')).toBe(selector);
      expect(verifierBytes.toString('base64url')).toBe(verifier);
      expect(parseInvitationToken(token)).toEqual({ selector, verifier });
    }
    // Every character position varies: no constant or low-variety position hides in the random part.
    for (const half of ['selector', 'verifier'] as const) {
      const texts = minted.map((m) => m[half]);
      const length = texts[0]?.length ?? 0;
      for (let i = 0; i < length - 1; i += 1) expect(new Set(texts.map((t) => t[i])).size).toBeGreaterThan(50);
      expect(new Set(texts.map((t) => t[length - 1])).size).toBe(half === 'selector' ? SELECTOR_LAST.length : VERIFIER_LAST.length);
    }
  });

  it('tokens the service hands out parse to their halves and are distinct across creates and resends', async () => {
    const world = await invitationWorld({ invitations: { resends: { limit: 100, windowMs: 60_000 } } });
    const tokens: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const created = await world.owner.invitations.create({ tenantId: world.tenantId, email: `u${String(i)}@example.com`, role: 'member' });
      if (created.outcome !== 'created') throw new Error('expected a new invitation');
      tokens.push(created.token);
      tokens.push((await world.owner.invitations.resend({ tenantId: world.tenantId, invitationId: created.invitation.id })).token);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
    for (const token of tokens) {
      const parts = parseInvitationToken(token);
      expect(parts).toBeDefined();
      if (parts !== undefined) expect(`tnv1_${parts.selector}.${parts.verifier}`).toBe(token);
    }
  });
});

/** One step of a random invitation history. `pick` chooses among the invitations created so far. */
type Step =
  | { readonly kind: 'create'; readonly email: number }
  | { readonly kind: 'resend' | 'revoke' | 'accept' | 'replay' | 'wrongVerifier' | 'asMember'; readonly pick: number }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'advance'; readonly days: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('create' as const), email: fc.nat({ max: 5 }) }), weight: 3 },
  {
    arbitrary: fc.record({
      kind: fc.constantFrom('resend' as const, 'revoke' as const, 'accept' as const, 'replay' as const, 'wrongVerifier' as const, 'asMember' as const),
      pick: fc.nat(),
    }),
    weight: 6,
  },
  { arbitrary: fc.constant({ kind: 'unknown' as const }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('advance' as const), days: fc.integer({ min: 1, max: 9 }) }), weight: 1 },
);

describe('invitation tokens: never in audit entries, errors or hook events', () => {
  it('random create/resend/accept/revoke histories with every failure mode leak no token, selector or verifier', async () => {
    // Failure reasons the audit log recorded over all runs: proves the histories reach every mode.
    const reasons = new Set<unknown>();
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const events: unknown[] = [];
        const world = await invitationWorld({
          invitations: { attempts: { limit: 10_000, windowMs: 60_000 }, resends: { limit: 10_000, windowMs: 60_000 } },
          onDenied: (event: DenialEvent) => void events.push(event),
          onError: (error: unknown) => void events.push(error),
        });
        const secrets = new Set<string>();
        const plant = (token: string) => {
          const parts = parseInvitationToken(token);
          if (parts === undefined) throw new Error(`unparsable token`);
          secrets.add(token).add(parts.selector).add(parts.verifier);
        };
        // Current token per invitation, and every token ever used.
        const open: { id: string; token: string }[] = [];
        const errors: unknown[] = [];
        let users = 0;
        const attempt = async (work: () => Promise<unknown>) => {
          try {
            await work();
          } catch (error) {
            errors.push(error);
          }
        };
        for (const s of steps) {
          const target = 'pick' in s ? open[s.pick % Math.max(1, open.length)] : undefined;
          switch (s.kind) {
            case 'create':
              await attempt(async () => {
                const created = await world.owner.invitations.create({ tenantId: world.tenantId, email: `p${String(s.email)}@example.com`, role: 'member' });
                if (created.outcome === 'created') {
                  plant(created.token);
                  open.push({ id: created.invitation.id, token: created.token });
                }
              });
              break;
            case 'resend':
              if (target !== undefined)
                await attempt(async () => {
                  const resent = await world.owner.invitations.resend({ tenantId: world.tenantId, invitationId: target.id });
                  plant(resent.token);
                  target.token = resent.token;
                });
              break;
            case 'revoke':
              if (target !== undefined) await attempt(() => world.owner.invitations.revoke({ tenantId: world.tenantId, invitationId: target.id }));
              break;
            case 'accept':
            case 'replay':
              // A fresh user accepts (valid, expired or revoked); a replay then meets a used invitation.
              if (target !== undefined) {
                users += 1;
                const user = world.tenantry.forRequest({ userId: `user-${String(users)}` });
                await attempt(() => user.invitations.accept({ token: target.token }));
                if (s.kind === 'replay') await attempt(() => user.invitations.accept({ token: target.token }));
              }
              break;
            case 'wrongVerifier':
              if (target !== undefined) {
                const parts = parseInvitationToken(target.token);
                const other = mintToken();
                plant(other.token);
                if (parts !== undefined)
                  await attempt(() => world.tenantry.forRequest({ userId: 'eve' }).invitations.accept({ token: `tnv1_${parts.selector}.${other.verifier}` }));
              }
              break;
            case 'asMember':
              if (target !== undefined) await attempt(() => world.tenantry.forRequest({ userId: 'mia' }).invitations.accept({ token: target.token }));
              break;
            case 'unknown': {
              const unknown = mintToken();
              plant(unknown.token);
              await attempt(() => world.tenantry.forRequest({ userId: 'eve' }).invitations.accept({ token: unknown.token }));
              break;
            }
            case 'advance':
              world.time.advance(s.days * DAY);
              break;
          }
        }
        const audit = await allAudit(world);
        for (const entry of audit as { action: string; metadata: Record<string, unknown> }[])
          if (entry.action === 'tenant_invitation.accept_failed') reasons.add(entry.metadata.reason);
        const texts = [JSON.stringify(audit), ...errors.map(errorText), ...events.map((e) => (e instanceof Error ? errorText(e) : JSON.stringify(e)))];
        for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret);
        // Every error of the history was a typed tenantry error, not a crash of the property itself.
        for (const error of errors) expect(error).toHaveProperty('code');
      }),
      {
        numRuns: 60,
        // One history that surely reaches every failure mode, so the coverage check below never depends on luck.
        examples: [
          [
            [
              { kind: 'create', email: 0 },
              { kind: 'wrongVerifier', pick: 0 },
              { kind: 'asMember', pick: 0 },
              { kind: 'replay', pick: 0 },
              { kind: 'create', email: 1 },
              { kind: 'revoke', pick: 1 },
              { kind: 'accept', pick: 1 },
              { kind: 'create', email: 2 },
              { kind: 'advance', days: 8 },
              { kind: 'accept', pick: 2 },
              { kind: 'unknown' },
            ],
          ],
        ],
      },
    );
    expect([...reasons].sort()).toEqual(['already_member', 'expired', 'revoked', 'used', 'wrong_verifier']);
  });
  it('a refused acceptance of a known invitation fires onDenied with its reason and the tenant, never the token; the caller sees one error', async () => {
    const events: DenialEvent[] = [];
    const world = await invitationWorld({ onDenied: (event: DenialEvent) => void events.push(event) });
    const create = async (email: string, requireEmailMatch = false) => {
      const created = await world.owner.invitations.create({ tenantId: world.tenantId, email, role: 'member', requireEmailMatch });
      if (created.outcome !== 'created') throw new Error('expected a new invitation');
      return created;
    };
    const eve = world.tenantry.forRequest({ userId: 'eve' });
    const wrong = await create('a@example.com');
    const wrongParts = parseInvitationToken(wrong.token);
    if (wrongParts === undefined) throw new Error('unparsable');
    await expect(eve.invitations.accept({ token: `tnv1_${wrongParts.selector}.${mintToken().verifier}` })).rejects.toBeInstanceOf(InvalidTokenError);
    const revoked = await create('b@example.com');
    await world.owner.invitations.revoke({ tenantId: world.tenantId, invitationId: revoked.invitation.id });
    await expect(eve.invitations.accept({ token: revoked.token })).rejects.toBeInstanceOf(InvalidTokenError);
    const bound = await create('c@example.com', true);
    await expect(eve.invitations.accept({ token: bound.token, email: 'eve@example.com' })).rejects.toBeInstanceOf(InvalidTokenError);
    const used = await create('d@example.com');
    await world.tenantry.forRequest({ userId: 'dora' }).invitations.accept({ token: used.token });
    await expect(eve.invitations.accept({ token: used.token })).rejects.toMatchObject({ status: 404 });
    // Told plainly to the caller, so not a hidden denial: no event.
    await expect(world.tenantry.forRequest({ userId: 'mia' }).invitations.accept({ token: wrong.token })).rejects.toMatchObject({ code: 'already_exists' });
    // An unknown selector names no tenant: audited nowhere, no event.
    await expect(eve.invitations.accept({ token: mintToken().token })).rejects.toBeInstanceOf(InvalidTokenError);
    const expiring = await create('e@example.com');
    world.time.advance(8 * DAY);
    await expect(eve.invitations.accept({ token: expiring.token })).rejects.toBeInstanceOf(InvalidTokenError);
    const eveRef = { type: 'user', id: 'eve' };
    expect(events).toEqual(
      ['invitation_wrong_verifier', 'invitation_revoked', 'invitation_email_mismatch', 'invitation_used', 'invitation_expired'].map((reason) => ({
        capability: null,
        tenantId: world.tenantId,
        actor: eveRef,
        reason,
        status: 404,
      })),
    );
    const text = JSON.stringify(events);
    for (const token of [wrong.token, revoked.token, bound.token, used.token, expiring.token]) {
      const parts = parseInvitationToken(token);
      for (const secret of [token, parts?.selector, parts?.verifier]) expect(text).not.toContain(secret);
    }
  });
});
