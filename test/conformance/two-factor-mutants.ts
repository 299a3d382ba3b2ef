import type { StoreConformanceCaseName } from 'tenantry/testing';
import type { Store } from '../../src/store/store.js';
import { noTransaction, patched } from './store-mutants.js';

/** For every two-factor case, a store broken in the way that case exists to catch. */
export const TWO_FACTOR_MUTANTS = {
  'saveTwoFactor stores a pending factor exactly and replaces a pending one; findTwoFactor of an unknown user is undefined': patched((ops) => ({
    saveTwoFactor: (e) => ops.saveTwoFactor({ ...e, record: { ...e.record, digits: 6 } }),
  })),
  'an active factor is replaced only with replaceActive; otherwise saveTwoFactor answers active_exists and writes nothing': patched((ops) => ({
    saveTwoFactor: (e) => ops.saveTwoFactor({ ...e, replaceActive: true }),
  })),
  'advanceTwoFactorStep writes only from the given status and only to a greater step (step 0 after -1 included)': patched((ops) => ({
    // Forgets the step guard: a row in the right status always "accepts".
    advanceTwoFactorStep: async (a) => (await ops.advanceTwoFactorStep(a)) || (await ops.findTwoFactor(a.userId))?.status === a.from,
  })),
  '16 concurrent advanceTwoFactorStep calls with one step: exactly one writes, in each of 3 rounds': patched((ops) => ({
    // Read, then write: the check and the write are two steps, so concurrent callers all pass the check.
    advanceTwoFactorStep: async (a) => {
      const row = await ops.findTwoFactor(a.userId);
      if (row?.status !== a.from || row.lastStep >= a.step) return false;
      await ops.advanceTwoFactorStep(a);
      return true;
    },
  })),
  'deleteTwoFactor removes the factor and every recovery code of the user, and no one else’s': patched((ops) => ({
    deleteTwoFactor: async (userId) => {
      const codes = await ops.listRecoveryCodes(userId);
      const deleted = await ops.deleteTwoFactor(userId);
      await ops.replaceRecoveryCodes({ userId, codes });
      return deleted;
    },
  })),
  'listTwoFactorToReseal pages through factors of other keys by user id; resealTwoFactorSecret is a compare-and-set': patched((ops) => ({
    resealTwoFactorSecret: async (r) => {
      const row = await ops.findTwoFactor(r.userId);
      return row === undefined ? false : ops.resealTwoFactorSecret({ ...r, expected: row.secret });
    },
  })),
  'replaceRecoveryCodes swaps the whole set; listRecoveryCodes returns unused codes oldest first; useRecoveryCode spends a code once': patched((ops) => ({
    useRecoveryCode: async (u) => {
      await ops.useRecoveryCode(u);
      return true;
    },
  })),
  '16 concurrent uses of one recovery code: exactly one succeeds': patched((ops) => ({
    useRecoveryCode: async (u) => {
      const unused = await ops.listRecoveryCodes(u.userId);
      if (!unused.some((code) => code.id === u.id)) return false;
      await ops.useRecoveryCode(u);
      return true;
    },
  })),
  'two-factor writes inside a transaction that throws leave nothing behind': patched(() => ({}), noTransaction),
} satisfies Partial<Record<StoreConformanceCaseName, () => Store>>;
