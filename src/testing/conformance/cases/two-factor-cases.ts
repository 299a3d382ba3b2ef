import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { RecoveryCodeRecord, SealedSecret, TwoFactorRecord } from '../../../store/two-factor-records.js';
import type { StoreConformanceCase } from '../conformance-case.js';

const AT = new Date('2024-06-01T08:00:00.123Z');
const LATER = new Date('2024-06-01T08:05:00.456Z');

function sealed(keyId: string, tag = randomUUID()): SealedSecret {
  return { ciphertext: Buffer.from(`ct-${tag}`).toString('base64'), nonce: Buffer.from(tag.slice(0, 12)).toString('base64'), keyId };
}

function pending(userId: string, overrides: Partial<TwoFactorRecord> = {}): TwoFactorRecord {
  return {
    userId,
    status: 'pending',
    secret: sealed('k1'),
    algorithm: 'sha1',
    digits: 6,
    period: 30,
    lastStep: -1,
    createdAt: AT,
    updatedAt: AT,
    ...overrides,
  };
}

/** A user id unique to one run of a case, so cases can share a database. */
const userOfRun = (name = 'u') => `tf-${name}-${randomUUID()}`;

function codesOf(userId: string, count: number, at = AT): RecoveryCodeRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    userId,
    hash: `$argon2id$v=19$m=19456,t=2,p=1$fake${String(i)}`,
    createdAt: new Date(at.getTime() + i),
  }));
}

/** Two-factor rows and recovery codes: the guarded writes behind enrolment, replay protection, rotation and recovery. */
export const twoFactorCases = [
  {
    name: 'saveTwoFactor stores a pending factor exactly and replaces a pending one; findTwoFactor of an unknown user is undefined',
    async run({ store }) {
      const userId = userOfRun();
      assert.equal(await store.findTwoFactor(userId), undefined);
      const first = pending(userId, { algorithm: 'sha512', digits: 8, period: 60 });
      assert.equal(await store.saveTwoFactor({ record: first, replaceActive: false }), 'saved');
      assert.deepEqual(await store.findTwoFactor(userId), first);
      const second = pending(userId, { secret: sealed('k2'), createdAt: LATER, updatedAt: LATER });
      assert.equal(await store.saveTwoFactor({ record: second, replaceActive: false }), 'saved');
      assert.deepEqual(await store.findTwoFactor(userId), second);
      assert.equal(await store.findTwoFactor(userId.toUpperCase()), undefined);
    },
  },
  {
    name: 'an active factor is replaced only with replaceActive; otherwise saveTwoFactor answers active_exists and writes nothing',
    async run({ store }) {
      const userId = userOfRun();
      await store.saveTwoFactor({ record: pending(userId), replaceActive: false });
      assert.equal(await store.advanceTwoFactorStep({ userId, from: 'pending', step: 100, at: LATER }), true);
      const active = await store.findTwoFactor(userId);
      assert.equal(active?.status, 'active');
      assert.equal(await store.saveTwoFactor({ record: pending(userId, { secret: sealed('k9') }), replaceActive: false }), 'active_exists');
      assert.deepEqual(await store.findTwoFactor(userId), active);
      const replacement = pending(userId, { secret: sealed('k9') });
      assert.equal(await store.saveTwoFactor({ record: replacement, replaceActive: true }), 'saved');
      assert.deepEqual(await store.findTwoFactor(userId), replacement);
    },
  },
  {
    name: 'advanceTwoFactorStep writes only from the given status and only to a greater step (step 0 after -1 included)',
    async run({ store }) {
      const userId = userOfRun();
      assert.equal(await store.advanceTwoFactorStep({ userId, from: 'active', step: 5, at: AT }), false);
      await store.saveTwoFactor({ record: pending(userId), replaceActive: false });
      assert.equal(await store.advanceTwoFactorStep({ userId, from: 'active', step: 5, at: AT }), false);
      assert.equal(await store.advanceTwoFactorStep({ userId, from: 'pending', step: 0, at: LATER }), true);
      const activated = await store.findTwoFactor(userId);
      assert.equal(activated?.status, 'active');
      assert.equal(activated.lastStep, 0);
      assert.deepEqual(activated.updatedAt, LATER);
      assert.equal(await store.advanceTwoFactorStep({ userId, from: 'pending', step: 9, at: LATER }), false);
      assert.equal(await store.advanceTwoFactorStep({ userId, from: 'active', step: 0, at: LATER }), false);
      assert.equal(await store.advanceTwoFactorStep({ userId, from: 'active', step: 56_666_666_666, at: LATER }), true);
      assert.equal(await store.advanceTwoFactorStep({ userId, from: 'active', step: 56_666_666_665, at: LATER }), false);
      assert.equal((await store.findTwoFactor(userId))?.lastStep, 56_666_666_666);
    },
  },
  {
    name: '16 concurrent advanceTwoFactorStep calls with one step: exactly one writes, in each of 3 rounds',
    async run({ store }) {
      const userId = userOfRun();
      await store.saveTwoFactor({ record: pending(userId), replaceActive: false });
      await store.advanceTwoFactorStep({ userId, from: 'pending', step: 1, at: AT });
      for (let round = 2; round <= 4; round += 1) {
        const results = await Promise.all(Array.from({ length: 16 }, () => store.advanceTwoFactorStep({ userId, from: 'active', step: round, at: AT })));
        assert.equal(results.filter(Boolean).length, 1, `round ${String(round)}`);
        assert.equal((await store.findTwoFactor(userId))?.lastStep, round);
      }
    },
  },
  {
    name: 'deleteTwoFactor removes the factor and every recovery code of the user, and no one else’s',
    async run({ store }) {
      const userId = userOfRun();
      const other = userOfRun('other');
      for (const id of [userId, other]) {
        await store.saveTwoFactor({ record: pending(id), replaceActive: false });
        await store.replaceRecoveryCodes({ userId: id, codes: codesOf(id, 3) });
      }
      assert.equal(await store.deleteTwoFactor(userId), true);
      assert.equal(await store.findTwoFactor(userId), undefined);
      assert.deepEqual(await store.listRecoveryCodes(userId), []);
      assert.equal(await store.deleteTwoFactor(userId), false);
      assert.equal((await store.findTwoFactor(other))?.userId, other);
      assert.equal((await store.listRecoveryCodes(other)).length, 3);
    },
  },
  {
    name: 'listTwoFactorToReseal pages through factors of other keys by user id; resealTwoFactorSecret is a compare-and-set',
    async run({ store }) {
      const run = randomUUID();
      const users = ['a', 'b', 'c', 'd'].map((letter) => `tf-reseal-${run}-${letter}`);
      const current = `cur-${run.slice(0, 8)}`;
      for (const [i, userId] of users.entries())
        await store.saveTwoFactor({ record: pending(userId, { secret: sealed(i === 2 ? current : 'old') }), replaceActive: false });
      const ours = (records: readonly TwoFactorRecord[]) => records.filter((r) => r.userId.startsWith(`tf-reseal-${run}`)).map((r) => r.userId);
      const first = await store.listTwoFactorToReseal({ currentKeyId: current, afterUserId: `tf-reseal-${run}-`, limit: 2 });
      assert.deepEqual(ours(first), [users[0], users[1]]);
      const second = await store.listTwoFactorToReseal({ currentKeyId: current, afterUserId: users[1] as string, limit: 2 });
      assert.deepEqual(ours(second).slice(0, 1), [users[3]]);
      const record = first[0] as TwoFactorRecord;
      const next = sealed(current);
      assert.equal(await store.resealTwoFactorSecret({ userId: record.userId, expected: sealed('old'), secret: next }), false);
      assert.equal(await store.resealTwoFactorSecret({ userId: record.userId, expected: record.secret, secret: next }), true);
      assert.equal(await store.resealTwoFactorSecret({ userId: record.userId, expected: record.secret, secret: sealed(current) }), false);
      assert.deepEqual((await store.findTwoFactor(record.userId))?.secret, next);
    },
  },
  {
    name: 'replaceRecoveryCodes swaps the whole set; listRecoveryCodes returns unused codes oldest first; useRecoveryCode spends a code once',
    async run({ store }) {
      const userId = userOfRun();
      const old = codesOf(userId, 3);
      await store.replaceRecoveryCodes({ userId, codes: old });
      assert.deepEqual(await store.listRecoveryCodes(userId), old);
      const fresh = codesOf(userId, 4, LATER);
      await store.replaceRecoveryCodes({ userId, codes: fresh });
      assert.deepEqual(await store.listRecoveryCodes(userId), fresh);
      assert.equal(await store.useRecoveryCode({ userId, id: (old[0] as RecoveryCodeRecord).id, at: LATER }), false);
      const spent = fresh[1] as RecoveryCodeRecord;
      assert.equal(await store.useRecoveryCode({ userId: userOfRun('thief'), id: spent.id, at: LATER }), false);
      assert.equal(await store.useRecoveryCode({ userId, id: spent.id, at: LATER }), true);
      assert.equal(await store.useRecoveryCode({ userId, id: spent.id, at: LATER }), false);
      assert.deepEqual(
        await store.listRecoveryCodes(userId),
        fresh.filter((code) => code.id !== spent.id),
      );
    },
  },
  {
    name: '16 concurrent uses of one recovery code: exactly one succeeds',
    async run({ store }) {
      const userId = userOfRun();
      const codes = codesOf(userId, 2);
      await store.replaceRecoveryCodes({ userId, codes });
      const id = (codes[0] as RecoveryCodeRecord).id;
      const results = await Promise.all(Array.from({ length: 16 }, () => store.useRecoveryCode({ userId, id, at: LATER })));
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal((await store.listRecoveryCodes(userId)).length, 1);
    },
  },
  {
    name: 'two-factor writes inside a transaction that throws leave nothing behind',
    async run({ store }) {
      const userId = userOfRun();
      await store.replaceRecoveryCodes({ userId, codes: codesOf(userId, 2) });
      const before = await store.listRecoveryCodes(userId);
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.saveTwoFactor({ record: pending(userId), replaceActive: false });
          await tx.replaceRecoveryCodes({ userId, codes: codesOf(userId, 5) });
          assert.equal((await tx.listRecoveryCodes(userId)).length, 5);
          throw new Error('roll back');
        }),
        /roll back/,
      );
      assert.equal(await store.findTwoFactor(userId), undefined);
      assert.deepEqual(await store.listRecoveryCodes(userId), before);
    },
  },
] as const satisfies readonly StoreConformanceCase[];
