import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { isStorageUnavailableError } from '../../../src/core/errors/index.js';
import { kyselyStore } from '../../../src/kysely.js';
import type { NewMembership } from '../../../src/store/records.js';
import { describeSqlDatabases } from '../../support/databases.js';

const at = new Date('2024-05-01T12:00:00.000Z');
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function membership(tenantId: string, userId: string, role = 'owner'): NewMembership {
  return { id: randomUUID(), tenantId, userId, role, createdByType: 'user', createdBy: 'u', createdAt: at, source: 'system' };
}

await describeSqlDatabases(['sqlite-file'], (database) => {
  /**
   * Holds the database's write lock from another connection for `ms`.
   * `held` resolves with the time the lock was taken; `released` once it is committed.
   */
  function holdWriteLock(tenantId: string, ms: number): { held: Promise<number>; released: Promise<void> } {
    let taken!: (at: number) => void;
    const held = new Promise<number>((resolve) => (taken = resolve));
    const released = kyselyStore(database.connect()).transaction(async (tx) => {
      await tx.insertMembership(membership(tenantId, `holder-${randomUUID()}`, 'member'));
      taken(Date.now());
      await pause(ms);
    });
    return { held, released };
  }

  it('a writer on another connection waits for the write lock instead of failing with SQLITE_BUSY', async () => {
    const tenantId = `lock-${randomUUID()}`;
    await database.store().createTenant({ id: tenantId, createdByType: 'user', createdBy: 'u', createdAt: at }, membership(tenantId, 'owner'));
    const holder = holdWriteLock(tenantId, 300);
    const heldSince = await holder.held;
    const waiter = kyselyStore(database.connect());
    await waiter.insertMembership(membership(tenantId, 'waiter', 'member'));
    // It could only have written after the holder committed.
    expect(Date.now() - heldSince).toBeGreaterThanOrEqual(250);
    await holder.released;
    expect((await waiter.listMembers(tenantId, { limit: 10 })).length).toBe(3);
  });

  it("waits no longer than the connection's busy_timeout, then fails with StorageUnavailableError, and restores busy_timeout", async () => {
    const tenantId = `lock-${randomUUID()}`;
    await database.store().createTenant({ id: tenantId, createdByType: 'user', createdBy: 'u', createdAt: at }, membership(tenantId, 'owner'));
    const impatient = database.connect();
    await sql`pragma busy_timeout = 50`.execute(impatient);
    const holder = holdWriteLock(tenantId, 600);
    await holder.held;
    const error = await kyselyStore(impatient)
      .updateMembershipRole({ tenantId, userId: 'owner', role: 'owner', ownerRole: 'owner' })
      .catch((caught: unknown) => caught);
    expect(isStorageUnavailableError(error)).toBe(true);
    expect(((error as Error).cause as { code?: string }).code).toMatch(/^SQLITE_BUSY/);
    const { rows } = await sql<{ timeout: number }>`pragma busy_timeout`.execute(impatient);
    expect(rows[0]?.timeout).toBe(50);
    await holder.released;
  });
});
