import { sql } from 'kysely';
import { AlreadyExistsError, NotFoundError } from '../../../core/errors/index.js';
import type {
  InvitationInsertResult,
  InvitationPageRequest,
  InvitationRecord,
  InvitationWrite,
  InvitationWriteResult,
  NewInvitation,
} from '../../../store/invitation-records.js';
import { invitationValues, selectInvitations, toInvitationRecord } from './invitation-rows.js';
import type { QueryContext } from './query-context.js';
import { tenantExists } from './reads.js';

const CREATED: InvitationInsertResult = Object.freeze({ outcome: 'created' });
const MISSED: InvitationWriteResult = Object.freeze({ outcome: 'missed' });

/** The pending invitation of (tenant, email), read at its latest committed version (the snapshot may predate it). */
async function openInvitation(ctx: QueryContext, tenantId: string, email: string): Promise<InvitationRecord | undefined> {
  const row = await ctx.dialect.readLatestShared(selectInvitations(ctx).where('tenant_id', '=', tenantId).where('open_email', '=', email)).executeTakeFirst();
  return row === undefined ? undefined : toInvitationRecord(ctx, row);
}

/**
 * `Store.insertInvitation`: one insert selected from the tenant row (a
 * missing tenant inserts nothing), guarded by the unique (tenant_id,
 * open_email) key. Only a refused insert pays a second read, to tell the
 * pending invitation that blocked it from a missing tenant or a taken id.
 * The caller runs it under a savepoint inside a transaction.
 */
export async function insertInvitation(ctx: QueryContext, invitation: NewInvitation): Promise<InvitationInsertResult> {
  const { q, tables, dialect } = ctx;
  const values = invitationValues(ctx, invitation);
  const columns = Object.keys(values) as (keyof typeof values)[];
  const insert = q
    .insertInto(tables.invitations)
    .columns(['tenant_id', ...columns])
    .expression(
      q
        .selectFrom(tables.tenants)
        .select((eb) => [eb.ref('id').as('tenant_id'), ...columns.map((column) => eb.val(values[column]).as(column))])
        .where('id', '=', invitation.tenantId),
    );
  let inserted: bigint | 'duplicate';
  try {
    const result = await (dialect.duplicateInserts === 'skip' ? insert.onConflict((conflict) => conflict.doNothing()) : insert).executeTakeFirst();
    inserted = result.numInsertedOrUpdatedRows ?? 0n;
  } catch (error) {
    const kind = dialect.classifyError(error);
    if (kind === 'foreign_key_violation') throw new NotFoundError();
    if (kind !== 'unique_violation') throw error;
    inserted = 'duplicate';
  }
  if (inserted !== 'duplicate' && inserted > 0n) return CREATED;
  const existing = await openInvitation(ctx, invitation.tenantId, invitation.email);
  if (existing !== undefined) return Object.freeze({ outcome: 'existing', existing });
  if (inserted === 0n && !(await tenantExists(ctx, invitation.tenantId))) throw new NotFoundError();
  throw new AlreadyExistsError('invitation');
}

/** `Store.findInvitationBySelector`: one statement, served by the unique selector index. */
export async function findInvitationBySelector(ctx: QueryContext, selector: string): Promise<InvitationRecord | undefined> {
  const row = await selectInvitations(ctx).where('selector', '=', selector).executeTakeFirst();
  return row === undefined ? undefined : toInvitationRecord(ctx, row);
}

/** `Store.findInvitation`: one statement by primary key. */
export async function findInvitation(ctx: QueryContext, tenantId: string, invitationId: string): Promise<InvitationRecord | undefined> {
  const row = await selectInvitations(ctx).where('id', '=', invitationId).where('tenant_id', '=', tenantId).executeTakeFirst();
  return row === undefined ? undefined : toInvitationRecord(ctx, row);
}

/** `Store.listInvitations`: one keyset-paged statement, served by the (tenant_id, status) index when filtered. */
export async function listInvitations(ctx: QueryContext, tenantId: string, page: InvitationPageRequest): Promise<readonly InvitationRecord[]> {
  let query = selectInvitations(ctx).where('tenant_id', '=', tenantId);
  if (page.afterId !== undefined) query = query.where('id', '>', page.afterId);
  const now = ctx.dialect.writeTimestamp(page.now);
  if (page.status === 'pending') query = query.where('status', '=', 'pending').where('expires_at', '>', now);
  else if (page.status === 'expired') query = query.where('status', '=', 'pending').where('expires_at', '<=', now);
  else if (page.status !== undefined) query = query.where('status', '=', page.status);
  const rows = await query.orderBy('id', 'asc').limit(page.limit).execute();
  return Object.freeze(rows.map((row) => toInvitationRecord(ctx, row)));
}

/**
 * `Store.writeInvitation`: one `UPDATE` whose `WHERE` clause is the guard
 * (still pending; for an acceptance, still the verified selector and not
 * expired), then a read of the row it wrote. The caller provides the
 * transaction (under a savepoint, as a rotation may hit the selector key).
 */
export async function writeInvitation(ctx: QueryContext, write: InvitationWrite): Promise<InvitationWriteResult> {
  const { q, tables, dialect } = ctx;
  const at = dialect.writeTimestamp(write.at);
  let update = q.updateTable(tables.invitations).where('id', '=', write.invitationId).where('tenant_id', '=', write.tenantId).where('status', '=', 'pending');
  switch (write.kind) {
    case 'accept':
      update = update
        .where('selector', '=', write.selector)
        .where('expires_at', '>', at)
        .set({ status: 'accepted', open_email: null, accepted_by: write.userId, settled_at: at });
      break;
    case 'revoke':
      update = update.set({ status: 'revoked', open_email: null, settled_at: at });
      break;
    case 'rotate':
      update = update.set({
        selector: write.selector,
        verifier_hash: write.verifierHash,
        expires_at: dialect.writeTimestamp(write.expiresAt),
        resend_count: sql<number>`${sql.ref('resend_count')} + 1`,
      });
      break;
  }
  let updated: bigint;
  try {
    updated = (await update.executeTakeFirst()).numUpdatedRows;
  } catch (error) {
    if (dialect.classifyError(error) === 'unique_violation') throw new AlreadyExistsError('invitation');
    throw error;
  }
  if (updated === 0n) return MISSED;
  const invitation = await findInvitation(ctx, write.tenantId, write.invitationId);
  if (invitation === undefined) return MISSED;
  return Object.freeze({ outcome: 'applied', invitation });
}
