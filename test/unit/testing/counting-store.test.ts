import { describe, expect, it } from 'vitest';
import { memoryStore } from 'tenantry/memory';
import { countingStore } from 'tenantry/testing';

const tenant = { id: 't1', createdByType: 'user' as const, createdBy: 'a', createdAt: new Date(0) };
const owner = {
  id: 'm1',
  tenantId: 't1',
  userId: 'a',
  role: 'owner',
  createdByType: 'user' as const,
  createdBy: 'a',
  createdAt: new Date(0),
  source: 'tenant_create' as const,
};

describe('countingStore', () => {
  it('counts each operation, including those made inside a transaction, and resets', async () => {
    const store = countingStore(memoryStore());
    await store.createTenant(tenant, owner);
    await store.findMembership('t1', 'a');
    await store.transaction(async (tx) => {
      await tx.findMembership('t1', 'a');
      await tx.listMembers('t1', { limit: 10 });
    });
    expect(store.counts).toMatchObject({ createTenant: 1, findMembership: 2, listMembers: 1, transaction: 1 });
    expect(store.total()).toBe(4);
    store.reset();
    expect(store.total()).toBe(0);
    expect(store.counts.transaction).toBe(0);
  });

  it('passes results and errors through unchanged', async () => {
    const store = countingStore(memoryStore());
    await store.createTenant(tenant, owner);
    expect(await store.findMembership('t1', 'a')).toEqual(owner);
    await expect(store.createTenant(tenant, owner)).rejects.toMatchObject({ code: 'already_exists' });
  });
});
