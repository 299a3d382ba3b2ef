import { expect, it } from 'vitest';
import { isLimitExceededError, type Store } from 'tenantry';
import { DATABASE_NAMES, describeDatabases } from '../../support/databases.js';
import { entitlementWorld } from '../../support/entitlements.js';

/**
 * Accepting an invitation takes a seat like `members.add`, in the same
 * transaction: with no seat free it is `LimitExceededError`, nothing is
 * written and the invitation stays pending (a freed seat lets the same token
 * in later). The `free` plan has 3 seats; the founding owner takes one.
 */
async function world(store: Store) {
  const w = await entitlementWorld({ store, seats: true, plan: 'free' });
  const invite = async (email: string) => {
    const created = await w.owner.invitations.create({ tenantId: w.tenantId, email, role: 'readonly' });
    if (created.outcome !== 'created') throw new Error('expected a new invitation');
    return created;
  };
  const seatsUsed = async () => (await w.system.usage.report({ tenantId: w.tenantId })).features.find((f) => f.featureKey === 'seats')?.used;
  const statusOf = async (id: string) => (await w.owner.invitations.list({ tenantId: w.tenantId, limit: 1000 })).items.find((i) => i.id === id)?.status;
  const memberIds = async () => (await w.system.members.list({ tenantId: w.tenantId, limit: 1000 })).items.map((m) => m.userId).sort();
  return { ...w, invite, seatsUsed, statusOf, memberIds };
}

await describeDatabases(DATABASE_NAMES, (database) => {
  it('accept takes a seat; with none free it fails cleanly and the invitation stays pending until a seat is freed', async () => {
    const w = await world(database.store());
    const [ina, ivo, ana] = await Promise.all(['ina@example.com', 'ivo@example.com', 'ana@example.com'].map((email) => w.invite(email)));
    if (ina === undefined || ivo === undefined || ana === undefined) throw new Error('three invitations');
    await w.tenantry.forRequest({ userId: 'ina' }).invitations.accept({ token: ina.token });
    await w.tenantry.forRequest({ userId: 'ivo' }).invitations.accept({ token: ivo.token });
    expect(await w.seatsUsed()).toBe(3);

    const refused = await w.tenantry
      .forRequest({ userId: 'ana' })
      .invitations.accept({ token: ana.token })
      .catch((error: unknown) => error);
    expect(isLimitExceededError(refused)).toBe(true);
    expect(refused).toMatchObject({ status: 403, featureKey: 'seats' });
    expect(await w.statusOf(ana.invitation.id)).toBe('pending');
    expect(await w.memberIds()).toEqual(['ina', 'ivo', 'owner']);
    expect(await w.seatsUsed()).toBe(3);

    // A freed seat: the very same token now works.
    await w.owner.members.remove({ tenantId: w.tenantId, userId: 'ivo' });
    const accepted = await w.tenantry.forRequest({ userId: 'ana' }).invitations.accept({ token: ana.token });
    expect(accepted.member).toMatchObject({ userId: 'ana', role: 'readonly', source: 'invitation' });
    expect(await w.statusOf(ana.invitation.id)).toBe('accepted');
    expect(await w.seatsUsed()).toBe(3);
  });

  it('concurrent acceptances of different invitations for the last seat: exactly one joins, the others stay pending', async () => {
    const w = await world(database.store());
    const first = await w.invite('first@example.com');
    await w.tenantry.forRequest({ userId: 'first' }).invitations.accept({ token: first.token });
    // One seat left, eight invitees racing for it.
    const racers = await Promise.all(Array.from({ length: 8 }, (_, i) => w.invite(`r${String(i)}@example.com`)));
    const results = await Promise.allSettled(
      racers.map((racer, i) => w.tenantry.forRequest({ userId: `r${String(i)}` }).invitations.accept({ token: racer.token })),
    );
    for (const result of results) if (result.status === 'rejected' && !isLimitExceededError(result.reason)) throw result.reason;
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(await w.seatsUsed()).toBe(3);
    expect(await w.memberIds()).toHaveLength(3);
    const statuses = await Promise.all(racers.map((racer) => w.statusOf(racer.invitation.id)));
    expect(statuses.filter((status) => status === 'accepted')).toHaveLength(1);
    expect(statuses.filter((status) => status === 'pending')).toHaveLength(7);
  });
});
