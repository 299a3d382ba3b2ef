import assert from 'node:assert/strict';
import { MAX_TENANT_ID_LENGTH, MAX_USER_ID_LENGTH, tenantIdSchema, userIdSchema } from '../../../core/ids/identifiers.js';
import type { StoreConformanceCase } from '../conformance-case.js';
import { CREATED_AT, Fixtures, MEMBER, OWNER } from '../fixtures.js';

/**
 * Labels that some comparison would confuse, each one an identifier tenantry
 * accepts: canonically or compatibly equivalent forms (NFC/NFD/NFKC), case
 * and case-folding variants, U+FFFD next to the astral characters a lossy
 * (utf8mb3) encoder turns into it, noncharacters and the code points around
 * the surrogate range, and spaces that a PAD SPACE collation or a trim would
 * drop or merge.
 */
const LOOK_ALIKES = [
  'e',
  'E',
  '\u00e9',
  'e\u0301',
  '\uff45',
  '\u{1d41e}',
  '\u00c5',
  '\u212b',
  'A\u030a',
  '\u00df',
  'ss',
  'SS',
  '\ufb01',
  'fi',
  '\u0130',
  'i\u0307',
  '\u0131',
  'i',
  '\ufffd',
  '\ufffd\ufffd',
  '\u{1f600}',
  '\u{1f601}',
  '\u{1f600}\ufe0f',
  '\u{10000}',
  '\u{10ffff}',
  '\ufffe',
  '\uffff',
  '\ue000',
  '\ud7ff',
  'a',
  'a ',
  'a  ',
  'a b',
  'a\u00a0b',
  'a\u200bb',
  'a\u2028b',
];

/** `count` times the one-code-point `char`, then `last`. */
const filled = (char: string, count: number, last: string) => char.repeat(count) + last;

/** Identifier cases: every pair of different accepted identifiers stays different in storage. */
export const identifierCases = [
  {
    name: 'distinct accepted identifiers are never equal: look-alikes, normalization forms, U+FFFD, astral characters, maximum lengths',
    async run({ store }) {
      const f = new Fixtures(store);
      // Room left after the case's (ASCII) namespace prefix, so the longest ids are exactly at the limit.
      const tenantRoom = MAX_TENANT_ID_LENGTH - f.tenantId('').length - 1;
      const userRoom = MAX_USER_ID_LENGTH - f.userId('').length - 1;
      const tenantIds = [
        ...LOOK_ALIKES.map((label) => f.tenantId(label)),
        // 4 UTF-8 bytes per character, the widest the varbinary(4n) columns hold.
        ...['a', 'b'].map((last) => f.tenantId(filled('\u{1f600}', tenantRoom, last))),
      ];
      const userIds = [
        ...LOOK_ALIKES.map((label) => f.userId(label)),
        ...['a', 'b'].map((last) => f.userId(filled('\u{1f600}', userRoom, last))),
        ...['a', 'b'].map((last) => f.userId(filled('\u7528', userRoom, last))),
      ];
      const tenantSchema = tenantIdSchema(/^[\s\S]*$/);
      for (const id of tenantIds) assert.ok(tenantSchema.safeParse(id).success, `the boundary accepts tenant id ${JSON.stringify(id)}`);
      for (const id of userIds) assert.ok(userIdSchema.safeParse(id).success, `the boundary accepts user id ${JSON.stringify(id)}`);
      assert.equal(new Set(tenantIds).size, tenantIds.length);
      assert.equal(new Set(userIds).size, userIds.length);

      // Tenant i is owned by user i: a collision of tenant ids is AlreadyExistsError here.
      assert.ok(tenantIds.length <= userIds.length);
      const ownerOf = (index: number) => userIds[index] ?? '';
      for (const [index, id] of tenantIds.entries()) {
        await store.createTenant(
          { id, createdBy: ownerOf(index), createdByType: 'user', createdAt: CREATED_AT },
          f.membership(id, ownerOf(index), OWNER, { source: 'tenant_create' }),
        );
      }
      for (const [index, id] of tenantIds.entries()) {
        assert.deepEqual(await store.findTenant(id), { id, createdBy: ownerOf(index), createdByType: 'user', createdAt: CREATED_AT });
        assert.deepEqual(
          (await store.listMembers(id, { limit: 10 })).map((m) => m.userId),
          [ownerOf(index)],
        );
      }

      // Every user in one tenant: a collision of user ids is AlreadyExistsError, or a lookup finds another user.
      const shared = tenantIds[0] ?? '';
      for (const userId of userIds.slice(1)) await store.insertMembership(f.membership(shared, userId, MEMBER));
      for (const [index, userId] of userIds.entries()) {
        const found = await store.findMembership(shared, userId);
        assert.equal(found?.userId, userId);
        assert.equal(found.role, index === 0 ? OWNER : MEMBER);
        const tenantsOfUser = (await store.listMembershipsOfUser(userId)).map((m) => m.tenantId);
        const expected = new Set([shared, ...(index < tenantIds.length ? [tenantIds[index] ?? ''] : [])]);
        assert.deepEqual([...tenantsOfUser].sort(), [...expected].sort());
      }
      const listed = (await store.listMembers(shared, { limit: userIds.length + 10 })).map((m) => m.userId);
      assert.deepEqual([...listed].sort(), [...userIds].sort());
    },
  },
] as const satisfies readonly StoreConformanceCase[];
