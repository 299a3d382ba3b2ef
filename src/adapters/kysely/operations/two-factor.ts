import type { TwoFactorEnrolment, TwoFactorRecord, TwoFactorReseal, TwoFactorResealPage, TwoFactorStepAdvance } from '../../../store/two-factor-records.js';
import { TOTP_ALGORITHMS, type TotpAlgorithm, type TotpDigits } from '../../../store/two-factor-records.js';
import { readCount, readText } from '../column-values.js';
import type { QueryContext } from './query-context.js';

function selectFactors(ctx: QueryContext) {
  return ctx.q
    .selectFrom(ctx.tables.two_factor)
    .select([
      'user_id',
      'status',
      'ciphertext',
      'nonce',
      'key_id',
      'algorithm',
      'digits',
      'period',
      'last_step',
      ctx.dialect.selectTimestamp('created_at').as('created_at'),
      ctx.dialect.selectTimestamp('updated_at').as('updated_at'),
    ]);
}

type FactorRow = Awaited<ReturnType<ReturnType<typeof selectFactors>['executeTakeFirstOrThrow']>>;

function toStatus(value: string): TwoFactorRecord['status'] {
  if (value === 'pending' || value === 'active') return value;
  throw new TypeError(`Unknown two-factor status in storage: "${value}".`);
}

function toAlgorithm(value: string): TotpAlgorithm {
  const algorithm = TOTP_ALGORITHMS.find((known) => known === value);
  if (algorithm === undefined) throw new TypeError(`Unknown TOTP algorithm in storage: "${value}".`);
  return algorithm;
}

function toDigits(value: number): TotpDigits {
  if (value === 6 || value === 7 || value === 8) return value;
  throw new TypeError(`Unsupported TOTP digits in storage: ${String(value)}.`);
}

function toRecord(ctx: QueryContext, row: FactorRow): TwoFactorRecord {
  return Object.freeze({
    userId: readText(row.user_id),
    status: toStatus(readText(row.status)),
    secret: Object.freeze({ ciphertext: readText(row.ciphertext), nonce: readText(row.nonce), keyId: readText(row.key_id) }),
    algorithm: toAlgorithm(readText(row.algorithm)),
    digits: toDigits(readCount(row.digits)),
    period: readCount(row.period),
    lastStep: readCount(row.last_step),
    createdAt: ctx.dialect.readTimestamp(row.created_at),
    updatedAt: ctx.dialect.readTimestamp(row.updated_at),
  });
}

/** `Store.findTwoFactor`: one primary-key read. */
export async function findTwoFactor(ctx: QueryContext, userId: string): Promise<TwoFactorRecord | undefined> {
  const row = await selectFactors(ctx).where('user_id', '=', userId).executeTakeFirst();
  return row === undefined ? undefined : toRecord(ctx, row);
}

/**
 * `Store.saveTwoFactor`; the caller provides the transaction. Locks the
 * user's row (`FOR UPDATE`), then updates it or inserts one. A concurrent
 * first enrolment that inserted in between shows as a duplicate insert; the
 * row is then read (locked) again and updated, so the guard against
 * replacing an active factor holds either way.
 */
export async function saveTwoFactor(ctx: QueryContext, { record, replaceActive }: TwoFactorEnrolment): Promise<'saved' | 'active_exists'> {
  const { q, dialect, tables } = ctx;
  const values = {
    status: record.status,
    ciphertext: record.secret.ciphertext,
    nonce: record.secret.nonce,
    key_id: record.secret.keyId,
    algorithm: record.algorithm,
    digits: record.digits,
    period: record.period,
    last_step: record.lastStep,
    updated_at: dialect.writeTimestamp(record.updatedAt),
  };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const existing = await dialect.lockRows(q.selectFrom(tables.two_factor).select('status').where('user_id', '=', record.userId)).executeTakeFirst();
    if (existing !== undefined) {
      if (readText(existing.status) === 'active' && !replaceActive) return 'active_exists';
      await q
        .updateTable(tables.two_factor)
        .set({ ...values, created_at: dialect.writeTimestamp(record.createdAt) })
        .where('user_id', '=', record.userId)
        .execute();
      return 'saved';
    }
    const insert = q.insertInto(tables.two_factor).values({ user_id: record.userId, created_at: dialect.writeTimestamp(record.createdAt), ...values });
    try {
      const result = await (dialect.duplicateInserts === 'skip' ? insert.onConflict((c) => c.doNothing()) : insert).executeTakeFirst();
      if ((result.numInsertedOrUpdatedRows ?? 0n) > 0n) return 'saved';
    } catch (error) {
      if (dialect.classifyError(error) !== 'unique_violation') throw error;
    }
  }
  // Two duplicates in a row would need the row to be deleted and re-created between them.
  throw new TypeError('saveTwoFactor: the row changed twice while it was being written.');
}

/** `Store.advanceTwoFactorStep`: one guarded `UPDATE ... WHERE status = ? AND last_step < ?`. */
export async function advanceTwoFactorStep(ctx: QueryContext, advance: TwoFactorStepAdvance): Promise<boolean> {
  const result = await ctx.q
    .updateTable(ctx.tables.two_factor)
    .set({ status: 'active', last_step: advance.step, updated_at: ctx.dialect.writeTimestamp(advance.at) })
    .where('user_id', '=', advance.userId)
    .where('status', '=', advance.from)
    .where('last_step', '<', advance.step)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** `Store.deleteTwoFactor`; the caller provides the transaction: the codes, then the row. */
export async function deleteTwoFactor(ctx: QueryContext, userId: string): Promise<boolean> {
  await ctx.q.deleteFrom(ctx.tables.recovery_codes).where('user_id', '=', userId).execute();
  const result = await ctx.q.deleteFrom(ctx.tables.two_factor).where('user_id', '=', userId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** `Store.listTwoFactorToReseal`: one keyset-paged read. */
export async function listTwoFactorToReseal(ctx: QueryContext, page: TwoFactorResealPage): Promise<readonly TwoFactorRecord[]> {
  let query = selectFactors(ctx).where('key_id', '<>', page.currentKeyId);
  if (page.afterUserId !== undefined) query = query.where('user_id', '>', page.afterUserId);
  const rows = await query.orderBy('user_id').limit(page.limit).execute();
  return Object.freeze(rows.map((row) => toRecord(ctx, row)));
}

/** `Store.resealTwoFactorSecret`: one compare-and-set `UPDATE`. */
export async function resealTwoFactorSecret(ctx: QueryContext, { userId, expected, secret }: TwoFactorReseal): Promise<boolean> {
  const result = await ctx.q
    .updateTable(ctx.tables.two_factor)
    .set({ ciphertext: secret.ciphertext, nonce: secret.nonce, key_id: secret.keyId })
    .where('user_id', '=', userId)
    .where('ciphertext', '=', expected.ciphertext)
    .where('nonce', '=', expected.nonce)
    .where('key_id', '=', expected.keyId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
