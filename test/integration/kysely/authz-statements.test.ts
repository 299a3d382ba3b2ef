import { randomUUID } from 'node:crypto';
import type { LogEvent } from 'kysely';
import { expect, it } from 'vitest';
import { createTenantry, systemActor } from 'tenantry';
import { kyselyStore } from '../../../src/kysely.js';
import { capabilities, roles } from '../../support/catalog.js';
import { describeSqlDatabases, SQL_DATABASE_NAMES } from '../../support/databases.js';

/**
 * Statement counts of the authorization paths, pinned on every SQL dialect
 * with Kysely's `log`: one membership lookup per (request, tenant), however
 * many checks and in whatever form, and one statement for the tenant
 * switcher, after which checks on the listed tenants cost none.
 */
await describeSqlDatabases(SQL_DATABASE_NAMES, (database) => {
  /** A tenantry whose every statement is recorded, on the file's database. */
  function recorded(options: { cache?: boolean } = {}) {
    const statements: string[] = [];
    const db = database.connect({
      log: (event: LogEvent) => {
        if (event.level === 'query') statements.push(String(event.query.sql));
      },
    });
    const tenantry = createTenantry({
      capabilities,
      roles,
      store: kyselyStore(db),
      ...(options.cache ? { cache: { memberships: { max: 100, ttlMs: 60_000 } } } : {}),
    });
    return { tenantry, statements };
  }

  async function tenantOwnedBy(ownerId: string, members: Record<string, 'readonly' | 'operator'> = {}): Promise<string> {
    const seed = createTenantry({ capabilities, roles, store: database.store() }).as(systemActor('seed'));
    const { tenant } = await seed.tenants.create({ ownerId });
    for (const [userId, role] of Object.entries(members)) await seed.members.add({ tenantId: tenant.id, userId, role });
    return tenant.id;
  }

  it('a request scope reads a membership with one statement per tenant, whatever it asks afterwards', async () => {
    const owner = `owner-${randomUUID()}`;
    const first = await tenantOwnedBy(owner, { bob: 'operator' });
    const second = await tenantOwnedBy(owner);
    const { tenantry, statements } = recorded();
    const scope = tenantry.forRequest({ userId: 'bob' });
    const access = await scope.access(first);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^select .* from "?`?tenantry_memberships/s);
    for (const capability of capabilities.all()) {
      access.can(capability);
      access.check(capability);
      await scope.check(first, capability);
      await scope.can(first, capability);
      await scope.actionState(first, capability);
    }
    await scope.authorize(first, 'project.read');
    await scope.isMember(first);
    await scope.roleIn(first);
    expect(statements).toHaveLength(1);
    // A non-member's tenant is one lookup too, then memoized.
    await Promise.all([scope.check(second, 'tenant.read'), scope.access(second), scope.can(second, 'project.read')]);
    await scope.check(second, 'billing.read');
    expect(statements).toHaveLength(2);
    // A malformed id costs none.
    await scope.access('not-a-tenant-id');
    expect(statements).toHaveLength(2);
    // The next request looks up again: the memo is per request.
    await tenantry.forRequest({ userId: 'bob' }).check(first, 'tenant.read');
    expect(statements).toHaveLength(3);
  });

  it('ten concurrent first checks of one tenant are one statement', async () => {
    const tenantId = await tenantOwnedBy(`owner-${randomUUID()}`);
    const { tenantry, statements } = recorded();
    const scope = tenantry.forRequest({ userId: 'bob' });
    await Promise.all(capabilities.all().map((capability) => scope.check(tenantId, capability)));
    expect(statements).toHaveLength(1);
  });

  it('a system scope checks that a tenant exists with one statement per tenant', async () => {
    const tenantId = await tenantOwnedBy(`owner-${randomUUID()}`);
    const { tenantry, statements } = recorded();
    const system = tenantry.as(systemActor('jobs'));
    const access = await system.access(tenantId);
    for (const capability of capabilities.all()) {
      access.can(capability);
      await system.check(tenantId, capability);
    }
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^select .* from "?`?tenantry_tenants/s);
  });

  it('the tenant switcher is one statement, and checks on the listed tenants cost none', async () => {
    const userId = `switcher-${randomUUID()}`;
    const tenants: string[] = [];
    for (let i = 0; i < 12; i += 1) tenants.push(await tenantOwnedBy(`owner-${randomUUID()}`, { [userId]: i % 2 === 0 ? 'readonly' : 'operator' }));
    const { tenantry, statements } = recorded();
    const scope = tenantry.forRequest({ userId });
    const page = await scope.tenants.mine();
    expect(page.items.map((item) => item.tenantId).sort()).toEqual([...tenants].sort());
    expect(statements).toHaveLength(1);
    for (const tenantId of tenants) {
      const access = await scope.access(tenantId);
      expect(access.can('project.read')).toBe(true);
      await scope.check(tenantId, 'project.write');
    }
    expect(statements).toHaveLength(1);
  });

  it('with the cross-request cache, later requests of the same (tenant, user) issue no statement', async () => {
    const tenantId = await tenantOwnedBy(`owner-${randomUUID()}`, { bob: 'readonly' });
    const { tenantry, statements } = recorded({ cache: true });
    await tenantry.forRequest({ userId: 'bob' }).check(tenantId, 'tenant.read');
    expect(statements).toHaveLength(1);
    for (let i = 0; i < 5; i += 1) {
      const scope = tenantry.forRequest({ userId: 'bob' });
      expect((await scope.access(tenantId)).can('tenant.read')).toBe(true);
      expect(await scope.can(tenantId, 'tenant.manage')).toBe(false);
    }
    expect(statements).toHaveLength(1);
  });
});
