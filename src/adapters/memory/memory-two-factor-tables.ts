import { AlreadyExistsError } from '../../core/errors/index.js';
import type {
  RecoveryCodeRecord,
  RecoveryCodeSet,
  RecoveryCodeUse,
  SealedSecret,
  TwoFactorEnrolment,
  TwoFactorRecord,
  TwoFactorReseal,
  TwoFactorResealPage,
  TwoFactorStepAdvance,
} from '../../store/two-factor-records.js';
import type { Undo } from './memory-tables.js';
import { assertValidDates } from './valid-date.js';

interface StoredCode {
  readonly record: RecoveryCodeRecord;
  usedAt: Date | null;
}

function sameSecret(a: SealedSecret, b: SealedSecret): boolean {
  return a.ciphertext === b.ciphertext && a.nonce === b.nonce && a.keyId === b.keyId;
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Two-factor rows and recovery codes in memory. Every guarded write reads its
 * guard and writes with no `await` in between, which is what makes it atomic
 * here (see `MemoryAdapter`).
 */
export class MemoryTwoFactorTables {
  readonly #factors = new Map<string, TwoFactorRecord>();
  /** userId -> code id -> code */
  readonly #codes = new Map<string, Map<string, StoredCode>>();
  /** Recovery code ids, unique across users like the SQL primary key. */
  readonly #codeIds = new Set<string>();

  findTwoFactor(userId: string): TwoFactorRecord | undefined {
    return this.#factors.get(userId);
  }

  saveTwoFactor({ record, replaceActive }: TwoFactorEnrolment, undo: Undo[]): 'saved' | 'active_exists' {
    assertValidDates(record.createdAt, record.updatedAt);
    const previous = this.#factors.get(record.userId);
    if (previous?.status === 'active' && !replaceActive) return 'active_exists';
    this.#set(record.userId, Object.freeze({ ...record, secret: Object.freeze({ ...record.secret }) }), undo);
    return 'saved';
  }

  advanceTwoFactorStep(advance: TwoFactorStepAdvance, undo: Undo[]): boolean {
    assertValidDates(advance.at);
    const row = this.#factors.get(advance.userId);
    if (row?.status !== advance.from || !(row.lastStep < advance.step)) return false;
    this.#set(advance.userId, Object.freeze({ ...row, status: 'active', lastStep: advance.step, updatedAt: advance.at }), undo);
    return true;
  }

  deleteTwoFactor(userId: string, undo: Undo[]): boolean {
    const row = this.#factors.get(userId);
    this.#dropCodes(userId, undo);
    if (row === undefined) return false;
    this.#factors.delete(userId);
    undo.push(() => this.#factors.set(userId, row));
    return true;
  }

  listTwoFactorToReseal({ currentKeyId, afterUserId, limit }: TwoFactorResealPage): readonly TwoFactorRecord[] {
    const rows = [...this.#factors.values()]
      .filter((row) => row.secret.keyId !== currentKeyId && (afterUserId === undefined || row.userId > afterUserId))
      .sort((a, b) => byCodeUnits(a.userId, b.userId));
    return Object.freeze(rows.slice(0, limit));
  }

  resealTwoFactorSecret({ userId, expected, secret }: TwoFactorReseal, undo: Undo[]): boolean {
    const row = this.#factors.get(userId);
    if (row === undefined || !sameSecret(row.secret, expected)) return false;
    this.#set(userId, Object.freeze({ ...row, secret: Object.freeze({ ...secret }) }), undo);
    return true;
  }

  replaceRecoveryCodes({ userId, codes }: RecoveryCodeSet, undo: Undo[]): void {
    assertValidDates(...codes.map((code) => code.createdAt));
    const ids = new Set<string>();
    for (const code of codes) {
      if (code.userId !== userId) throw new RangeError('Every recovery code must belong to the user of the set.');
      if (ids.has(code.id) || (this.#codeIds.has(code.id) && this.#codes.get(userId)?.has(code.id) !== true)) throw new AlreadyExistsError('recovery code');
      ids.add(code.id);
    }
    this.#dropCodes(userId, undo);
    const fresh = new Map(codes.map((code) => [code.id, { record: Object.freeze({ ...code }), usedAt: null } satisfies StoredCode]));
    this.#codes.set(userId, fresh);
    for (const id of ids) this.#codeIds.add(id);
    undo.push(() => {
      this.#codes.delete(userId);
      for (const id of ids) this.#codeIds.delete(id);
    });
  }

  listRecoveryCodes(userId: string): readonly RecoveryCodeRecord[] {
    const codes = [...(this.#codes.get(userId)?.values() ?? [])].filter((code) => code.usedAt === null).map((code) => code.record);
    codes.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || byCodeUnits(a.id, b.id));
    return Object.freeze(codes);
  }

  useRecoveryCode({ userId, id, at }: RecoveryCodeUse, undo: Undo[]): boolean {
    assertValidDates(at);
    const code = this.#codes.get(userId)?.get(id);
    if (code === undefined || code.usedAt !== null) return false;
    code.usedAt = at;
    undo.push(() => {
      code.usedAt = null;
    });
    return true;
  }

  #set(userId: string, row: TwoFactorRecord, undo: Undo[]): void {
    const previous = this.#factors.get(userId);
    this.#factors.set(userId, row);
    undo.push(() => (previous === undefined ? this.#factors.delete(userId) : this.#factors.set(userId, previous)));
  }

  #dropCodes(userId: string, undo: Undo[]): void {
    const previous = this.#codes.get(userId);
    if (previous === undefined) return;
    this.#codes.delete(userId);
    for (const id of previous.keys()) this.#codeIds.delete(id);
    undo.push(() => {
      this.#codes.set(userId, previous);
      for (const id of previous.keys()) this.#codeIds.add(id);
    });
  }
}
