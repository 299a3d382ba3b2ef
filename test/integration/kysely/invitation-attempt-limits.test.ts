import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { createTenantry, INVITATION_TOKEN_PREFIX, isInvalidTokenError, isTooManyAttemptsError, systemActor, type Store } from 'tenantry';
import { capabilities, roles } from '../../unit/invitations/invitation-catalog.js';
import { DATABASE_NAMES, describeDatabases } from '../../support/databases.js';

/**
 * The attempt limits of acceptance live in the store (the rate-limit
 * table), so two instances over one database share them: what one instance
 * counted, the other refuses. Three attempts per token and per caller key.
 */
const LIMIT = 3;

function instance(store: Store) {
  return createTenantry({ capabilities, roles, store, invitations: { attempts: { limit: LIMIT, windowMs: 60_000 } } });
}

/** Two instances (two "servers") over one store, a tenant and two invitations. */
async function world(store: Store) {
  const [a, b] = [instance(store), instance(store)];
  const { tenant } = await a.as(systemActor('t')).tenants.create({ ownerId: 'olga' });
  const invite = async (email: string) => {
    const created = await a.forRequest({ userId: 'olga' }).invitations.create({ tenantId: tenant.id, email, role: 'member' });
    if (created.outcome !== 'created') throw new Error('expected a new invitation');
    return created.token;
  };
  return { a, b, tenantId: tenant.id, first: await invite('ina@example.com'), second: await invite('ivo@example.com') };
}

/** A well-formed token whose selector nobody holds. */
const unknownToken = () => `${INVITATION_TOKEN_PREFIX}${randomBytes(16).toString('base64url')}.${'A'.repeat(43)}`;
const wrongVerifier = (token: string) => `${token.slice(0, token.indexOf('.') + 1)}${'A'.repeat(43)}`;
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

await describeDatabases(DATABASE_NAMES, (database) => {
  it('per token: wrong verifiers counted on one instance lock the token on the other, whoever asks', async () => {
    const { a, b, first } = await world(database.store());
    for (let i = 0; i < LIMIT; i += 1) {
      const server = i % 2 === 0 ? a : b;
      const error = await refusal(server.forRequest({ userId: 'eve' }).invitations.accept({ token: wrongVerifier(first), callerKey: `ip:${String(i)}` }));
      expect(isInvalidTokenError(error)).toBe(true);
    }
    const locked = await refusal(b.forRequest({ userId: 'ina' }).invitations.accept({ token: first, callerKey: 'ip:ina' }));
    expect(isTooManyAttemptsError(locked)).toBe(true);
    expect(locked).toMatchObject({ status: 429 });
    expect((locked as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(0);
  });

  it('per caller: one caller key guessing across instances is locked out, for every token; another caller is not', async () => {
    const { a, b, tenantId, second } = await world(database.store());
    for (let i = 0; i < LIMIT; i += 1) {
      const server = i % 2 === 0 ? b : a;
      expect(isInvalidTokenError(await refusal(server.forRequest({ userId: 'eve' }).invitations.accept({ token: unknownToken(), callerKey: 'ip:eve' })))).toBe(
        true,
      );
    }
    // The caller's budget is spent: even a valid token is refused for it, on either instance.
    expect(isTooManyAttemptsError(await refusal(a.forRequest({ userId: 'ivo' }).invitations.accept({ token: second, callerKey: 'ip:eve' })))).toBe(true);
    const accepted = await b.forRequest({ userId: 'ivo' }).invitations.accept({ token: second, callerKey: 'ip:ivo' });
    expect(accepted.member).toMatchObject({ tenantId, userId: 'ivo' });
  });
});
