import { expect, it } from 'vitest';
import { createTenantry, InvalidTokenError, isAlreadyExistsError, isInvalidTokenError, isNotFoundError, systemActor, type Store } from 'tenantry';
import { kyselyStore } from '../../../src/kysely.js';
import { capabilities, roles } from '../../unit/invitations/invitation-catalog.js';
import { describeSqlDatabases } from '../../support/databases.js';

/**
 * Single-use acceptance under real concurrency: 16 connections race, 20
 * rounds, four races per round; after every round exactly one membership
 * came from the invitation(s) and the stored status agrees with the winners.
 */
const CONNECTIONS = 16;
const ROUNDS = 20;
const DAY = 86_400_000;

function instance(store: Store) {
  return createTenantry({
    capabilities,
    roles,
    store,
    manageMembers: 'membership.manage',
    // Attempt and resend limits are not what these races are about.
    invitations: { attempts: { limit: 1_000_000, windowMs: DAY }, resends: { limit: 1_000_000, windowMs: DAY } },
  });
}
type Instance = ReturnType<typeof instance>;

/** Settles every promise; counts the fulfilled ones and checks each rejection is an expected refusal. */
async function settle(calls: readonly Promise<unknown>[], expected: (error: unknown) => boolean): Promise<number> {
  const results = await Promise.allSettled(calls);
  for (const result of results) if (result.status === 'rejected' && !expected(result.reason)) throw result.reason;
  return results.filter((result) => result.status === 'fulfilled').length;
}

const evens = () => Array.from({ length: CONNECTIONS / 2 }, (_, i) => 2 * i);
const odds = () => Array.from({ length: CONNECTIONS / 2 }, (_, i) => 2 * i + 1);

async function round(instances: readonly Instance[], round: number): Promise<void> {
  const pick = (i: number) => instances[i % instances.length] as Instance;
  const setup = pick(0);
  const system = setup.as(systemActor('race'));
  const { tenant } = await system.tenants.create({ ownerId: 'olga' });
  const tenantId = tenant.id;
  const owner = (i: number) => pick(i).forRequest({ userId: 'olga' });
  const invite = async (email: string) => {
    const created = await owner(0).invitations.create({ tenantId, email, role: 'member' });
    if (created.outcome !== 'created') throw new Error('expected a new invitation');
    return created;
  };
  const invitedMembers = async () => (await system.members.list({ tenantId, limit: 1000 })).items.filter((m) => m.source === 'invitation');
  const statusOf = async (id: string) => (await owner(0).invitations.list({ tenantId, limit: 1000 })).items.find((i) => i.id === id)?.status;

  // 1. Sixteen users accept one token.
  const one = await invite(`one-${String(round)}@example.com`);
  const wins = await settle(
    Array.from({ length: CONNECTIONS }, (_, i) =>
      pick(i)
        .forRequest({ userId: `u${String(i)}` })
        .invitations.accept({ token: one.token }),
    ),
    (error) => error instanceof InvalidTokenError,
  );
  expect(wins).toBe(1);
  expect(await invitedMembers()).toHaveLength(1);
  expect(await statusOf(one.invitation.id)).toBe('accepted');

  // 2. One user accepts two tokens (two addresses of theirs), eight times each.
  const [a, b] = await Promise.all([invite(`a-${String(round)}@example.com`), invite(`b-${String(round)}@example.com`)]);
  const twoWins = await settle(
    Array.from({ length: CONNECTIONS }, (_, i) =>
      pick(i)
        .forRequest({ userId: 'dual' })
        .invitations.accept({ token: i % 2 === 0 ? a.token : b.token }),
    ),
    (error) => isInvalidTokenError(error) || isAlreadyExistsError(error),
  );
  expect(twoWins).toBe(1);
  expect((await invitedMembers()).filter((m) => m.userId === 'dual')).toHaveLength(1);
  const statuses = [await statusOf(a.invitation.id), await statusOf(b.invitation.id)].sort();
  expect(statuses).toEqual(['accepted', 'pending']);

  // 3. Accepts against revokes.
  const revoked = await invite(`r-${String(round)}@example.com`);
  const [accepted, revokes] = await Promise.all([
    settle(
      evens().map((i) =>
        pick(i)
          .forRequest({ userId: `r${String(i)}` })
          .invitations.accept({ token: revoked.token }),
      ),
      isInvalidTokenError,
    ),
    settle(
      odds().map((i) => owner(i).invitations.revoke({ tenantId, invitationId: revoked.invitation.id })),
      isNotFoundError,
    ),
  ]);
  expect(accepted + revokes).toBe(1);
  expect(await statusOf(revoked.invitation.id)).toBe(accepted === 1 ? 'accepted' : 'revoked');
  expect((await invitedMembers()).filter((m) => m.userId.startsWith('r'))).toHaveLength(accepted);

  // 4. Accepts of the first token against resends rotating it.
  const rotated = await invite(`s-${String(round)}@example.com`);
  const [acceptedOld, resent] = await Promise.all([
    settle(
      evens().map((i) =>
        pick(i)
          .forRequest({ userId: `s${String(i)}` })
          .invitations.accept({ token: rotated.token }),
      ),
      isInvalidTokenError,
    ),
    settle(
      odds().map((i) => owner(i).invitations.resend({ tenantId, invitationId: rotated.invitation.id })),
      isNotFoundError,
    ),
  ]);
  expect(acceptedOld).toBeLessThanOrEqual(1);
  expect((await invitedMembers()).filter((m) => m.userId.startsWith('s'))).toHaveLength(acceptedOld);
  expect(await statusOf(rotated.invitation.id)).toBe(acceptedOld === 1 ? 'accepted' : 'pending');
  if (acceptedOld === 0) expect(resent).toBeGreaterThan(0);
}

await describeSqlDatabases(['postgres', 'mysql'], (database) => {
  it(`accepts each invitation exactly once with ${String(CONNECTIONS)} pooled connections racing, ${String(ROUNDS)} rounds`, async () => {
    const store = kyselyStore(database.connect({ maxConnections: CONNECTIONS }));
    const instances = [instance(store)];
    for (let r = 0; r < ROUNDS; r += 1) await round(instances, r);
  }, 240_000);
});

await describeSqlDatabases(['sqlite-file'], (database) => {
  it(`accepts each invitation exactly once with ${String(CONNECTIONS)} connections racing on one file, ${String(ROUNDS)} rounds`, async () => {
    // Separate connections and instances, as separate processes would have.
    const instances = Array.from({ length: CONNECTIONS }, () => instance(kyselyStore(database.connect())));
    for (let r = 0; r < ROUNDS; r += 1) await round(instances, r);
  }, 240_000);
});
