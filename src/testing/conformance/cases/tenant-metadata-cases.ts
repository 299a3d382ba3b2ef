import assert from 'node:assert/strict';
import type { NewTenant, TenantMetadata } from '../../../store/records.js';
import { rejectsWithCode } from '../assertions.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { Fixtures, OWNER } from '../fixtures.js';

/** Metadata with what a JSON round trip through text can lose: nesting, Unicode, key order, numbers. */
const METADATA: TenantMetadata = { plan: 'pro', zeta: 1, alpha: [1.5, 1e21, true, null, 'ß😀'], nested: { b: { c: [] }, a: {} } };

/** A tenant of `f` with the lifecycle fields (`0007_tenant_lifecycle`) set. */
function described(f: Fixtures, label: string, slug: string, extra: Partial<NewTenant> = {}): NewTenant {
  return { ...f.tenant(label), name: `Tenant ${label} — Ünïcode`, slug, metadata: METADATA, ...extra };
}

async function create(f: Fixtures, store: Parameters<StoreConformanceCase['run']>[0]['store'], tenant: NewTenant): Promise<void> {
  await store.createTenant(tenant, f.membership(tenant.id, f.userId('owner'), OWNER, { source: 'tenant_create' }));
}

/** Tenant name, slug, metadata and archive time: createTenant, updateTenant, listTenants. */
export const tenantMetadataCases = [
  {
    name: 'createTenant stores name, slug and metadata exactly; unset fields are absent',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = described(f, 'full', `${f.namespace}-Full`);
      await create(f, store, tenant);
      const found = await store.findTenant(tenant.id);
      assert.deepEqual(found, { ...tenant, metadata: METADATA });
      assert.equal(JSON.stringify(found.metadata), JSON.stringify(METADATA), 'metadata keeps its key order');
      const bare = await f.seedTenant('bare', f.userId('owner'));
      const plain = await store.findTenant(bare.id);
      assert.deepEqual(plain, bare);
      assert.deepEqual(Object.keys(plain).sort(), ['createdAt', 'createdBy', 'createdByType', 'id']);
    },
  },
  {
    name: 'slugs are unique ignoring case: createTenant refuses a taken slug with AlreadyExistsError(tenant slug) and writes nothing',
    async run({ store }) {
      const f = new Fixtures(store);
      await create(f, store, described(f, 'first', `${f.namespace}-Acme`));
      const second = described(f, 'second', `${f.namespace}-ACME`);
      await rejectsWithCode(
        store.createTenant(second, f.membership(second.id, f.userId('other'), OWNER, { source: 'tenant_create' })),
        'already_exists',
        'tenant slug',
      );
      assert.equal(await store.findTenant(second.id), undefined);
      assert.deepEqual(await store.listMembershipsOfUser(f.userId('other')), []);
      // A taken id is still reported as the tenant, slug or not.
      await rejectsWithCode(
        store.createTenant(described(f, 'first', `${f.namespace}-fresh`), f.membership(f.tenantId('first'), f.userId('other'), OWNER)),
        'already_exists',
        'tenant',
      );
    },
  },
  {
    name: 'updateTenant changes the named fields, keeps absent ones, clears null ones and returns the tenant',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = described(f, 'a', `${f.namespace}-a`);
      await create(f, store, tenant);
      const archivedAt = new Date('2031-07-04T05:06:07.089Z');
      const renamed = await store.updateTenant({ tenantId: tenant.id, name: 'Renamed', archivedAt });
      assert.deepEqual(renamed, { ...tenant, name: 'Renamed', archivedAt });
      assert.deepEqual(await store.findTenant(tenant.id), renamed);
      const cleared = await store.updateTenant({ tenantId: tenant.id, slug: null, metadata: null, archivedAt: null });
      const { slug: _slug, metadata: _metadata, ...rest } = tenant;
      assert.deepEqual(cleared, { ...rest, name: 'Renamed' });
      assert.deepEqual(await store.updateTenant({ tenantId: tenant.id }), cleared, 'an empty update changes nothing');
      assert.equal(await store.updateTenant({ tenantId: f.tenantId('missing'), name: 'x' }), undefined);
      assert.equal(await store.findTenant(f.tenantId('missing')), undefined);
    },
  },
  {
    name: 'updateTenant refuses a slug another tenant holds (any case) and changes nothing; its own slug in another case is fine',
    async run({ store }) {
      const f = new Fixtures(store);
      const a = described(f, 'a', `${f.namespace}-alpha`);
      const b = described(f, 'b', `${f.namespace}-beta`);
      await create(f, store, a);
      await create(f, store, b);
      await rejectsWithCode(store.updateTenant({ tenantId: b.id, slug: `${f.namespace}-ALPHA`, name: 'changed' }), 'already_exists', 'tenant slug');
      assert.deepEqual(await store.findTenant(b.id), b);
      assert.equal((await store.updateTenant({ tenantId: a.id, slug: `${f.namespace}-Alpha` }))?.slug, `${f.namespace}-Alpha`);
      // A cleared slug is free again.
      await store.updateTenant({ tenantId: a.id, slug: null });
      assert.equal((await store.updateTenant({ tenantId: b.id, slug: `${f.namespace}-alpha` }))?.slug, `${f.namespace}-alpha`);
      // Inside a transaction the refusal undoes only itself.
      await store.transaction(async (tx) => {
        await tx.updateTenant({ tenantId: a.id, name: 'kept' });
        await rejectsWithCode(tx.updateTenant({ tenantId: a.id, slug: `${f.namespace}-ALPHA` }), 'already_exists', 'tenant slug');
      });
      assert.equal((await store.findTenant(a.id))?.name, 'kept');
      assert.equal((await store.findTenant(a.id))?.slug, undefined);
    },
  },
  {
    name: 'updateTenant in a transaction that throws is rolled back',
    async run({ store }) {
      const f = new Fixtures(store);
      const tenant = described(f, 'a', `${f.namespace}-a`);
      await create(f, store, tenant);
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.updateTenant({ tenantId: tenant.id, name: 'gone', slug: `${f.namespace}-b`, archivedAt: new Date('2030-01-01T00:00:00.000Z') });
          throw new Error('abort');
        }),
        /abort/,
      );
      assert.deepEqual(await store.findTenant(tenant.id), tenant);
      // The slug it tried to take is still free.
      await create(f, store, described(f, 'b', `${f.namespace}-B`));
    },
  },
  {
    name: 'listTenants pages by tenant id and filters by slug prefix ignoring case',
    async run({ store }) {
      const f = new Fixtures(store);
      const labels = ['d', 'a', 'c', 'b', 'e'];
      for (const label of labels) await create(f, store, described(f, label, `${f.namespace}-${label === 'c' ? 'Other' : `Team-${label}`}`));
      const prefix = `${f.namespace}-team-`;
      const first = await store.listTenants({ limit: 2, slugPrefix: prefix });
      assert.deepEqual(
        first.map((t) => t.id),
        [f.tenantId('a'), f.tenantId('b')],
      );
      const rest = await store.listTenants({ limit: 10, slugPrefix: prefix, afterId: f.tenantId('b') });
      assert.deepEqual(
        rest.map((t) => t.id),
        [f.tenantId('d'), f.tenantId('e')],
      );
      assert.deepEqual(rest[0], { ...described(f, 'd', `${f.namespace}-Team-d`), metadata: METADATA });
      const all = await store.listTenants({ limit: 1000, afterId: f.tenantId('a') });
      assert.ok(all.some((t) => t.id === f.tenantId('c')));
      assert.ok(all.every((t) => t.id > f.tenantId('a')));
      assert.deepEqual(await store.listTenants({ limit: 10, slugPrefix: `${f.namespace}-nobody` }), []);
    },
  },
] as const satisfies readonly StoreConformanceCase[];
