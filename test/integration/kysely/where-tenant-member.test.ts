import { sql, type Kysely } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { ActorNotAllowedError, createTenantry, NotFoundError, systemActor, ValidationError } from 'tenantry';
import { kyselyStore, whereTenantMember } from 'tenantry/kysely';
import { capabilities, roles } from '../../support/catalog.js';
import { describeSqlDatabases } from '../../support/databases.js';

/**
 * Tenant-scoped search over a host table on every SQL database: the
 * restriction is one subquery against tenantry's memberships (and tenants,
 * for the archive state), so a non-member sees no row, an archived tenant
 * hides its rows, and a result whose tenant the user has left is a 404 when
 * followed.
 */
interface HostDatabase {
  host_projects: { id: string; tenant_id: string; name: string };
}

const system = systemActor('search-test');

await describeSqlDatabases(['sqlite-memory', 'postgres', 'mysql'], (database) => {
  const tenants: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };
  const tenantry = () => createTenantry({ capabilities, roles, store: kyselyStore(database.db) });
  // The host's own typed view of the same database: its table, not tenantry's.
  const db = () => database.db as unknown as Kysely<HostDatabase>;

  beforeAll(async () => {
    await database.db.schema
      .createTable('host_projects')
      .addColumn('id', 'varchar(64)', (column) => column.primaryKey())
      .addColumn('tenant_id', 'varchar(64)', (column) => column.notNull())
      .addColumn('name', 'varchar(100)', (column) => column.notNull())
      .execute();
    const setup = tenantry().as(system);
    tenants.a = (await setup.tenants.create({ ownerId: 'alice' })).tenant.id;
    tenants.b = (await setup.tenants.create({ ownerId: 'bob' })).tenant.id;
    tenants.c = (await setup.tenants.create({ ownerId: 'dave' })).tenant.id;
    await setup.members.add({ tenantId: tenants.b, userId: 'alice', role: 'readonly' });
    await setup.members.add({ tenantId: tenants.c, userId: 'erin', role: 'operator' });
    await db()
      .insertInto('host_projects')
      .values([
        { id: 'a1', tenant_id: tenants.a, name: 'Launch' },
        { id: 'a2', tenant_id: tenants.a, name: 'Lunch' },
        { id: 'b1', tenant_id: tenants.b, name: 'Launch B' },
        { id: 'c1', tenant_id: tenants.c, name: 'Launch C' },
        // A row whose tenant does not exist: no one sees it.
        { id: 'x1', tenant_id: '00000000-0000-4000-8000-000000000000', name: 'Launch X' },
      ])
      .execute();
  });

  const search = (subject: Parameters<typeof whereTenantMember>[1], term = '%') =>
    whereTenantMember(db().selectFrom('host_projects').select(['host_projects.id', 'host_projects.tenant_id']), subject, 'host_projects.tenant_id')
      .where('host_projects.name', 'like', term)
      .orderBy('host_projects.id')
      .execute();

  it('returns only the rows of the tenants the actor is a member of, by scope or by user id, combined with the host’s filters', async () => {
    const alice = tenantry().forRequest({ userId: 'alice' });
    expect((await search(alice)).map((row) => row.id)).toEqual(['a1', 'a2', 'b1']);
    expect((await search('alice', 'Launch%')).map((row) => row.id)).toEqual(['a1', 'b1']);
    expect((await search('bob')).map((row) => row.id)).toEqual(['b1']);
    expect([...(await alice.tenantIds())].sort()).toEqual([tenants.a, tenants.b].sort());
  });

  it('a non-member sees zero rows and has no tenant ids', async () => {
    const mallory = tenantry().forRequest({ userId: 'mallory' });
    expect(await search(mallory)).toEqual([]);
    expect(await mallory.tenantIds()).toEqual([]);
  });

  it('refuses a system actor and a malformed user id before any SQL', async () => {
    expect(() => whereTenantMember(db().selectFrom('host_projects').selectAll(), tenantry().as(system), 'host_projects.tenant_id')).toThrow(
      ActorNotAllowedError,
    );
    expect(() => whereTenantMember(db().selectFrom('host_projects').selectAll(), 'x'.repeat(300), 'host_projects.tenant_id')).toThrow(ValidationError);
    expect(() => whereTenantMember(db().selectFrom('host_projects').selectAll(), '', 'host_projects.tenant_id')).toThrow(ValidationError);
    await expect(tenantry().as(system).tenantIds()).rejects.toBeInstanceOf(ActorNotAllowedError);
  });

  it('is one statement with one subquery: the user id is a bound parameter, never spliced into the SQL', () => {
    const compiled = whereTenantMember(db().selectFrom('host_projects').selectAll(), "o'brien", 'host_projects.tenant_id').compile();
    expect(compiled.sql).not.toContain("o'brien");
    expect(compiled.parameters).toContain("o'brien");
    expect(compiled.sql.match(/select/gi)).toHaveLength(2);
    expect(compiled.sql).toContain('tenantry_memberships');
  });

  it('names the tables of the store’s tablePrefix, and refuses an invalid one with ConfigurationError', () => {
    const query = () => db().selectFrom('host_projects').selectAll();
    const compiled = whereTenantMember(query(), 'alice', 'host_projects.tenant_id', { tablePrefix: 'acme_' }).compile();
    expect(compiled.sql).toContain('acme_memberships');
    expect(compiled.sql).toContain('acme_tenants');
    expect(() => whereTenantMember(query(), 'alice', 'host_projects.tenant_id', { tablePrefix: 'Bad-Prefix' })).toThrow(
      expect.objectContaining({ code: 'configuration_invalid' }) as Error,
    );
  });

  it('a result linking to a tenant the actor has since left answers 404, and disappears from the next search', async () => {
    const instance = tenantry();
    const erin = instance.forRequest({ userId: 'erin' });
    const [hit] = await search(erin);
    expect(hit).toEqual({ id: 'c1', tenant_id: tenants.c });
    await erin.members.leave({ tenantId: tenants.c });
    // The link is followed in a later request: the tenant route's guard answers 404.
    const later = instance.forRequest({ userId: 'erin' });
    expect((await later.check(String(hit?.tenant_id), 'project.read')).status).toBe(404);
    await expect(later.authorize(String(hit?.tenant_id), 'project.read')).rejects.toBeInstanceOf(NotFoundError);
    expect(await search(later)).toEqual([]);
    expect(await later.tenantIds()).toEqual([]);
  });

  it('hides an archived tenant’s rows from its members until it is restored', async () => {
    const setup = tenantry().as(system);
    await setup.tenants.archive({ tenantId: tenants.b });
    try {
      expect((await search('alice')).map((row) => row.id)).toEqual(['a1', 'a2']);
      expect(await search('bob')).toEqual([]);
      expect(await tenantry().forRequest({ userId: 'alice' }).tenantIds()).toEqual([tenants.a]);
    } finally {
      await setup.tenants.restore({ tenantId: tenants.b });
    }
    expect((await search('bob')).map((row) => row.id)).toEqual(['b1']);
  });

  it('works inside a join and in a subquery of the host’s own (any select)', async () => {
    const rows = await whereTenantMember(
      db()
        .selectFrom('host_projects as p')
        .innerJoin('host_projects as q', 'q.tenant_id', 'p.tenant_id')
        .select(['p.id', sql<number>`count(*)`.as('peers')])
        .groupBy('p.id')
        .orderBy('p.id'),
      'alice',
      'p.tenant_id',
    ).execute();
    expect(rows.map((row) => [row.id, Number(row.peers)])).toEqual([
      ['a1', 2],
      ['a2', 2],
      ['b1', 1],
    ]);
  });
});
