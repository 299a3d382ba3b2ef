import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import {
  ActorNotAllowedError,
  AlreadyExistsError,
  createTenantry,
  ForbiddenError,
  LimitExceededError,
  NotFoundError,
  OwnerRequiredError,
  TENANT_METADATA_MAX_BYTES,
  ValidationError,
  type Store,
} from 'tenantry';
import { DATABASE_NAMES, describeDatabases } from '../../support/databases.js';
import { capabilities, roles } from '../../support/catalog.js';
import { billing, packages } from '../../support/entitlements.js';

/** Ids unique to one test: the SQL databases are shared by the file. */
const unique = () => randomUUID().slice(0, 8);

function instance(store: Store, options: { users?: ReadonlySet<string>; lookups?: string[][] } = {}) {
  const { users, lookups } = options;
  return createTenantry({
    capabilities,
    roles,
    store,
    manageTenant: 'tenant.manage',
    entitlements: { packages, seats: 'seats' },
    ...(users === undefined
      ? {}
      : {
          users: {
            exists: (ids: readonly string[]) => {
              lookups?.push([...ids]);
              return Promise.resolve(ids.filter((id) => users.has(id)));
            },
          },
        }),
  });
}

await describeDatabases(DATABASE_NAMES, (database) => {
  it('creation takes name, slug and metadata; get returns them; a taken slug (any case) is AlreadyExistsError and writes nothing', async () => {
    const store = database.store();
    const tenantry = instance(store);
    const owner = `owner-${unique()}`;
    const slug = `Acme-${unique()}`;
    const alice = tenantry.forRequest({ userId: owner });
    const { tenant } = await alice.tenants.create({ name: '  Acme Inc.  ', slug, metadata: { region: 'eu', tier: 2 } });
    expect(tenant).toMatchObject({ name: 'Acme Inc.', slug, metadata: { region: 'eu', tier: 2 } });
    expect(await alice.tenants.get(tenant.id)).toEqual(tenant);
    const other = `other-${unique()}`;
    const refused = await tenantry
      .forRequest({ userId: other })
      .tenants.create({ slug: slug.toUpperCase() })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AlreadyExistsError);
    expect(refused).toMatchObject({ entity: 'tenant slug' });
    expect(await store.listMembershipsOfUser(other)).toEqual([]);
  });

  it('validates name, slug and metadata at the boundary, metadata capped in bytes', async () => {
    const tenantry = instance(database.store());
    const scope = tenantry.forRequest({ userId: `u-${unique()}` });
    const big = { blob: 'é'.repeat(TENANT_METADATA_MAX_BYTES / 2) };
    for (const input of [
      { name: '   ' },
      { name: 'x'.repeat(201) },
      { slug: '-a' },
      { slug: 'a_b' },
      { slug: 'a'.repeat(65) },
      { metadata: big },
      { metadata: [] },
    ]) {
      await expect(scope.tenants.create(input as never)).rejects.toThrow(ValidationError);
    }
    expect((await scope.tenants.mine()).items).toEqual([]);
    const { tenant } = await scope.tenants.create({ metadata: { blob: 'é'.repeat(TENANT_METADATA_MAX_BYTES / 2 - 20) } });
    expect(tenant.metadata).toBeDefined();
  });

  it('update changes and clears fields for the owner and the system actor, audited with field names only; others are refused and nothing changes', async () => {
    const store = database.store();
    const tenantry = instance(store);
    const owner = `owner-${unique()}`;
    const alice = tenantry.forRequest({ userId: owner });
    const { tenant } = await tenantry.as(billing).tenants.create({ ownerId: owner, name: 'Before', slug: `before-${unique()}`, metadata: { a: 1 } });
    await tenantry.as(billing).provisioning.assignPackage({ tenantId: tenant.id, packageKey: 'pro' });
    const reader = `reader-${unique()}`;
    await alice.members.add({ tenantId: tenant.id, userId: reader, role: 'readonly' });
    const before = await store.findTenant(tenant.id);
    await expect(tenantry.forRequest({ userId: reader }).tenants.update({ tenantId: tenant.id, name: 'x' })).rejects.toThrow(ForbiddenError);
    await expect(tenantry.forRequest({ userId: `stranger-${unique()}` }).tenants.update({ tenantId: tenant.id, name: 'x' })).rejects.toThrow(NotFoundError);
    await expect(alice.tenants.update({ tenantId: tenant.id, slug: 'not valid!' })).rejects.toThrow(ValidationError);
    expect(await store.findTenant(tenant.id)).toEqual(before);
    const updated = await alice.tenants.update({ tenantId: tenant.id, name: 'After', metadata: null });
    expect(updated).toMatchObject({ name: 'After', slug: before?.slug });
    expect(updated.metadata).toBeUndefined();
    const cleared = await tenantry.as(billing).tenants.update({ tenantId: tenant.id, slug: null });
    expect(cleared.slug).toBeUndefined();
    const { items } = await alice.audit.list({ tenantId: tenant.id });
    expect(items.filter((e) => e.action === 'tenant.update').map((e) => e.metadata)).toEqual([{ fields: 'slug' }, { fields: 'metadata,name' }]);
  });

  it('without manageTenant only owners may update (OwnerRequiredError otherwise)', async () => {
    const tenantry = createTenantry({ capabilities, roles, store: database.store(), manageMembers: 'membership.manage' });
    const owner = `owner-${unique()}`;
    const { tenant } = await tenantry.forRequest({ userId: owner }).tenants.create();
    const admin = `manager-${unique()}`;
    await tenantry.forRequest({ userId: owner }).members.add({ tenantId: tenant.id, userId: admin, role: 'manager' });
    await expect(tenantry.forRequest({ userId: admin }).tenants.update({ tenantId: tenant.id, name: 'x' })).rejects.toThrow(OwnerRequiredError);
  });

  it('list is for system actors: paged by id, filtered by slug prefix ignoring case', async () => {
    const tenantry = instance(database.store());
    const prefix = `list-${unique()}`;
    const ids: string[] = [];
    for (const n of [1, 2, 3])
      ids.push((await tenantry.as(billing).tenants.create({ ownerId: `o-${unique()}`, slug: `${prefix}-${n}`.toUpperCase() })).tenant.id);
    const first = await tenantry.as(billing).tenants.list({ slugPrefix: prefix, limit: 2 });
    expect(first.items.map((t) => t.id)).toEqual([...ids].sort().slice(0, 2));
    expect(first.nextCursor).not.toBeNull();
    const second = await tenantry.as(billing).tenants.list({ slugPrefix: prefix, limit: 2, cursor: first.nextCursor ?? '' });
    expect(second.items.map((t) => t.id)).toEqual([...ids].sort().slice(2));
    expect(second.nextCursor).toBeNull();
    await expect(tenantry.forRequest({ userId: 'anyone' }).tenants.list()).rejects.toThrow(ActorNotAllowedError);
    await expect(tenantry.as(billing).tenants.list({ cursor: 'forged' })).rejects.toThrow(ValidationError);
  });

  it('the users port: one batched lookup, unknown users are NotFoundError(user) before any write, and non-members learn nothing', async () => {
    const store = database.store();
    const owner = `owner-${unique()}`;
    const known = `known-${unique()}`;
    const lookups: string[][] = [];
    const tenantry = instance(store, { users: new Set([owner, known]), lookups });
    const alice = tenantry.forRequest({ userId: owner });
    const { tenant } = await alice.tenants.create();
    await tenantry.as(billing).provisioning.assignPackage({ tenantId: tenant.id, packageKey: 'pro' });
    const ghost = `ghost-${unique()}`;
    const refused = await alice.members.add({ tenantId: tenant.id, userId: ghost, role: 'readonly' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(NotFoundError);
    expect(refused).toMatchObject({ entity: 'user' });
    expect(await store.findMembership(tenant.id, ghost)).toBeUndefined();
    // A non-member gets the tenant's 404, whether or not the user exists.
    const stranger = await tenantry
      .forRequest({ userId: `stranger-${unique()}` })
      .members.add({ tenantId: tenant.id, userId: ghost, role: 'readonly' })
      .catch((error: unknown) => error);
    expect(stranger).toBeInstanceOf(NotFoundError);
    expect((stranger as NotFoundError).entity).toBeUndefined();
    await alice.members.add({ tenantId: tenant.id, userId: known, role: 'readonly' });
    expect(lookups).toEqual([[owner], [ghost], [ghost], [known]]);
    // Tenant creation checks the founding owner.
    await expect(tenantry.as(billing).tenants.create({ ownerId: ghost })).rejects.toMatchObject({ code: 'not_found', entity: 'user' });
    expect(await store.listMembershipsOfUser(ghost)).toEqual([]);
    const { items } = await tenantry.as(billing).audit.list({ tenantId: tenant.id });
    expect(items.filter((e) => e.action === 'tenant_membership.add')).toHaveLength(1);
  });

  it('3 seats admit exactly 3 people, the founding owner included', async () => {
    const store = database.store();
    const tenantry = instance(store);
    const owner = `owner-${unique()}`;
    const alice = tenantry.forRequest({ userId: owner });
    const { tenant } = await alice.tenants.create();
    await tenantry.as(billing).provisioning.assignPackage({ tenantId: tenant.id, packageKey: 'free' });
    for (const n of [1, 2]) await alice.members.add({ tenantId: tenant.id, userId: `m${n}-${owner}`, role: 'readonly' });
    await expect(alice.members.add({ tenantId: tenant.id, userId: `m3-${owner}`, role: 'readonly' })).rejects.toThrow(LimitExceededError);
    expect(await store.listMembers(tenant.id, { limit: 10 })).toHaveLength(3);
    const seats = (await alice.usage.report({ tenantId: tenant.id })).features.find((f) => f.featureKey === 'seats');
    expect(seats).toMatchObject({ used: 3, limit: 3 });
  });
});
