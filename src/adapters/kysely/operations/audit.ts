import { NotFoundError } from '../../../core/errors/index.js';
import { AUDIT_ACTIONS, type AuditAction, type AuditMetadata, type AuditPageRequest, type AuditRecord } from '../../../store/audit-records.js';
import { readText } from '../column-values.js';
import type { QueryContext } from './query-context.js';

function toAction(value: string): AuditAction {
  const action = AUDIT_ACTIONS.find((known) => known === value);
  if (action === undefined) throw new TypeError(`Unknown audit action in storage: "${value}".`);
  return action;
}

function toActorType(value: string): AuditRecord['actorType'] {
  if (value === 'user' || value === 'system') return value;
  throw new TypeError(`Unknown audit actor type in storage: "${value}".`);
}

/** Metadata is a flat map of scalars, stored as JSON text: it reads back exactly as written. */
function toMetadata(value: string): AuditMetadata {
  const parsed: unknown = JSON.parse(value);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('Audit metadata in storage is not a JSON object.');
  return Object.freeze(parsed as AuditMetadata);
}

/**
 * `Store.appendAudit`: one statement. The entry is selected from the tenant
 * row (`INSERT ... SELECT ... FROM tenants WHERE id = ?`), so a missing tenant
 * inserts nothing instead of raising a foreign-key error that would abort a
 * PostgreSQL transaction; that is reported as `NotFoundError`.
 */
export async function appendAudit(ctx: QueryContext, entry: AuditRecord): Promise<void> {
  const { q, tables, dialect } = ctx;
  const result = await q
    .insertInto(tables.audit_log)
    .columns(['id', 'tenant_id', 'action', 'actor_type', 'actor_id', 'subject_user_id', 'metadata', 'created_at'])
    .expression(
      q
        .selectFrom(tables.tenants)
        .select((eb) => [
          eb.val(entry.id).as('id'),
          eb.ref('id').as('tenant_id'),
          eb.val(entry.action).as('action'),
          eb.val(entry.actorType).as('actor_type'),
          eb.val(entry.actorId).as('actor_id'),
          eb.val(entry.subjectUserId).as('subject_user_id'),
          eb.val(JSON.stringify(entry.metadata)).as('metadata'),
          eb.val(dialect.writeTimestamp(entry.createdAt)).as('created_at'),
        ])
        .where('id', '=', entry.tenantId),
    )
    .executeTakeFirst();
  if ((result.numInsertedOrUpdatedRows ?? 0n) === 0n) throw new NotFoundError();
}

/** `Store.listAudit`: one keyset-paged statement, newest first, served by the (tenant_id, id) index. */
export async function listAudit(ctx: QueryContext, tenantId: string, page: AuditPageRequest): Promise<readonly AuditRecord[]> {
  let query = ctx.q
    .selectFrom(ctx.tables.audit_log)
    .select(['id', 'tenant_id', 'action', 'actor_type', 'actor_id', 'subject_user_id', 'metadata', ctx.dialect.selectTimestamp('created_at').as('created_at')])
    .where('tenant_id', '=', tenantId);
  if (page.beforeId !== undefined) query = query.where('id', '<', page.beforeId);
  const rows = await query.orderBy('id', 'desc').limit(page.limit).execute();
  return Object.freeze(
    rows.map((row) =>
      Object.freeze({
        id: readText(row.id),
        tenantId: readText(row.tenant_id),
        action: toAction(readText(row.action)),
        actorType: toActorType(readText(row.actor_type)),
        actorId: readText(row.actor_id),
        subjectUserId: row.subject_user_id === null ? null : readText(row.subject_user_id),
        metadata: toMetadata(readText(row.metadata)),
        createdAt: ctx.dialect.readTimestamp(row.created_at),
      }),
    ),
  );
}
