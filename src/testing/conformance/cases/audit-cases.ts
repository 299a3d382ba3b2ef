import assert from 'node:assert/strict';
import { rejectsWithCode } from '../assertions.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { EntitlementFixtures } from '../entitlement-fixtures.js';

/** Metadata exercising every scalar type, non-ASCII text, JSON-special characters and non-integer numbers. */
const METADATA = Object.freeze({
  role: 'owner',
  note: 'quote " backslash \\ newline \n tab \t émoji 🎉 nul \u0000',
  count: 42,
  ratio: 0.1,
  negative: -7.25,
  large: 9007199254740991,
  tiny: 5e-324,
  yes: true,
  no: false,
  nothing: null,
  '': 'empty key',
});

/** appendAudit and listAudit. */
export const auditCases = [
  {
    name: 'appendAudit stores every field and metadata round-trips exactly',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'));
      const entries = [
        f.auditEntry(tenant.id, 'tenant_membership.role_change', METADATA, { createdAt: new Date('2024-02-29T23:59:59.987Z') }),
        { ...f.auditEntry(tenant.id, 'entitlement.boost_add', {}, { subjectUserId: null }), actorType: 'system' as const, actorId: 'billing' },
      ];
      for (const entry of entries) await store.appendAudit(entry);
      const listed = await store.listAudit(tenant.id, { limit: 10 });
      assert.deepEqual(listed, [...entries].reverse());
      assert.ok(listed.every((entry) => entry.createdAt instanceof Date));
    },
  },
  {
    name: 'listAudit returns entries newest first and pages with beforeId, exclusive',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const tenant = await f.seedTenant('a', f.userId('owner'));
      const entries = Array.from({ length: 7 }, (_, i) => f.auditEntry(tenant.id, 'tenant_membership.add', { index: i }));
      // Appended out of order: the listing is by id, not by insertion.
      for (const index of [3, 0, 6, 1, 5, 2, 4]) {
        const entry = entries[index];
        if (entry !== undefined) await store.appendAudit(entry);
      }
      const newestFirst = entries.map((e) => e.id).reverse();
      assert.deepEqual(
        (await store.listAudit(tenant.id, { limit: 3 })).map((e) => e.id),
        newestFirst.slice(0, 3),
      );
      const pages: string[] = [];
      let beforeId: string | undefined;
      // Bounded, so a store whose cursor is inclusive fails instead of paging forever.
      for (let turn = 0; turn < entries.length + 1; turn += 1) {
        const page = await store.listAudit(tenant.id, beforeId === undefined ? { limit: 3 } : { limit: 3, beforeId });
        if (page.length === 0) break;
        pages.push(...page.map((e) => e.id));
        beforeId = page.at(-1)?.id;
      }
      assert.deepEqual(pages, newestFirst);
      // A cursor that is no entry's id still pages by id order.
      const middle = entries[3]?.id ?? '';
      const between = `${middle.slice(0, -1)}${middle.endsWith('f') ? 'e' : 'f'}`;
      const expected = newestFirst.filter((id) => id < between);
      assert.deepEqual(
        (await store.listAudit(tenant.id, { limit: 10, beforeId: between })).map((e) => e.id),
        expected,
      );
    },
  },
  {
    name: "listAudit returns only that tenant's entries, and nothing for an unknown tenant",
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const a = await f.seedTenant('a', f.userId('owner'));
      const b = await f.seedTenant('b', f.userId('owner'));
      const forA = f.auditEntry(a.id, 'tenant.create');
      const forB = f.auditEntry(b.id, 'tenant.create');
      await store.appendAudit(forA);
      await store.appendAudit(forB);
      assert.deepEqual(await store.listAudit(a.id, { limit: 10 }), [forA]);
      assert.deepEqual(await store.listAudit(b.id, { limit: 10 }), [forB]);
      assert.deepEqual(await store.listAudit(f.tenantId('unknown'), { limit: 10 }), []);
    },
  },
  {
    name: 'appendAudit to a missing tenant throws NotFoundError and writes nothing',
    async run({ store }) {
      const f = new EntitlementFixtures(store);
      const missing = f.tenantId('missing');
      await rejectsWithCode(store.appendAudit(f.auditEntry(missing, 'tenant.create')), 'not_found');
      // Creating the tenant afterwards shows no entry was kept for it.
      await f.seedTenant('missing', f.userId('owner'));
      assert.deepEqual(await store.listAudit(missing, { limit: 10 }), []);
    },
  },
] as const satisfies readonly StoreConformanceCase[];
