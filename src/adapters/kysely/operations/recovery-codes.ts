import type { RecoveryCodeRecord, RecoveryCodeSet, RecoveryCodeUse } from '../../../store/two-factor-records.js';
import { AlreadyExistsError } from '../../../core/errors/index.js';
import { readText } from '../column-values.js';
import type { QueryContext } from './query-context.js';

/** `Store.replaceRecoveryCodes`; the caller provides the transaction: delete the user's codes, insert the new set. */
export async function replaceRecoveryCodes(ctx: QueryContext, { userId, codes }: RecoveryCodeSet): Promise<void> {
  const { q, tables, dialect } = ctx;
  if (codes.some((code) => code.userId !== userId)) throw new RangeError('Every recovery code must belong to the user of the set.');
  await q.deleteFrom(tables.recovery_codes).where('user_id', '=', userId).execute();
  if (codes.length === 0) return;
  const rows = codes.map((code) => ({ id: code.id, user_id: userId, hash: code.hash, created_at: dialect.writeTimestamp(code.createdAt), used_at: null }));
  try {
    await q.insertInto(tables.recovery_codes).values(rows).execute();
  } catch (error) {
    // The enclosing unit rolls back (the delete too), so a collision leaves the old set in place.
    if (dialect.classifyError(error) === 'unique_violation') throw new AlreadyExistsError('recovery code');
    throw error;
  }
}

/** `Store.listRecoveryCodes`: the user's unused codes, oldest first. */
export async function listRecoveryCodes(ctx: QueryContext, userId: string): Promise<readonly RecoveryCodeRecord[]> {
  const rows = await ctx.q
    .selectFrom(ctx.tables.recovery_codes)
    .select(['id', 'user_id', 'hash', ctx.dialect.selectTimestamp('created_at').as('created_at')])
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return Object.freeze(
    rows.map((row) =>
      Object.freeze({ id: readText(row.id), userId: readText(row.user_id), hash: readText(row.hash), createdAt: ctx.dialect.readTimestamp(row.created_at) }),
    ),
  );
}

/** `Store.useRecoveryCode`: one guarded `UPDATE ... WHERE used_at IS NULL`. */
export async function useRecoveryCode(ctx: QueryContext, use: RecoveryCodeUse): Promise<boolean> {
  const result = await ctx.q
    .updateTable(ctx.tables.recovery_codes)
    .set({ used_at: ctx.dialect.writeTimestamp(use.at) })
    .where('id', '=', use.id)
    .where('user_id', '=', use.userId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
