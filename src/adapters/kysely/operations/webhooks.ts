import { sql } from 'kysely';
import { AlreadyExistsError, NotFoundError } from '../../../core/errors/index.js';
import type {
  NewWebhookDelivery,
  WebhookAttemptRecord,
  WebhookClaim,
  WebhookCompletion,
  WebhookDeliveryRecord,
  WebhookEndpointChange,
  WebhookEndpointRecord,
  WebhookRequeue,
} from '../../../store/webhook-records.js';
import { readText } from '../column-values.js';
import type { StoreDialect } from '../dialects/store-dialect.js';
import type { QueryContext } from './query-context.js';
import { attemptOf, deliveryOf, endpointOf, selectAttempts, selectDeliveries, selectEndpoints } from './webhook-rows.js';

/** A nullable timestamp as the dialect writes it. */
function writeNullable(dialect: StoreDialect, date: Date | null): Date | string | null {
  return date === null ? null : dialect.writeTimestamp(date);
}

/** Maps unique and foreign-key violations of an insert to the tenantry errors they mean. */
async function inserting(ctx: QueryContext, entity: string, insert: () => Promise<unknown>): Promise<void> {
  try {
    await insert();
  } catch (error) {
    const kind = ctx.dialect.classifyError(error);
    if (kind === 'unique_violation') throw new AlreadyExistsError(entity);
    if (kind === 'foreign_key_violation') throw new NotFoundError();
    throw error;
  }
}

/** `Store.insertWebhookEndpoint`: one insert; the tenant foreign key reports a missing tenant. */
export function insertWebhookEndpoint(ctx: QueryContext, endpoint: WebhookEndpointRecord): Promise<void> {
  const { dialect } = ctx;
  return inserting(ctx, 'webhook endpoint', () =>
    ctx.q
      .insertInto(ctx.tables.webhook_endpoints)
      .values({
        id: endpoint.id,
        tenant_id: endpoint.tenantId,
        url: endpoint.url,
        events: JSON.stringify(endpoint.events),
        description: endpoint.description,
        status: endpoint.status,
        secret: endpoint.secret,
        previous_secret: endpoint.previousSecret,
        previous_secret_expires_at: writeNullable(dialect, endpoint.previousSecretExpiresAt),
        failing_since: writeNullable(dialect, endpoint.failingSince),
        created_at: dialect.writeTimestamp(endpoint.createdAt),
        updated_at: dialect.writeTimestamp(endpoint.updatedAt),
      })
      .execute(),
  );
}

/** `Store.findWebhookEndpoint`. */
export async function findWebhookEndpoint(ctx: QueryContext, tenantId: string, endpointId: string): Promise<WebhookEndpointRecord | undefined> {
  const row = await selectEndpoints(ctx).where('id', '=', endpointId).where('tenant_id', '=', tenantId).executeTakeFirst();
  return row === undefined ? undefined : endpointOf(ctx.dialect, row);
}

/** `Store.listWebhookEndpoints`: oldest first, then by id. */
export async function listWebhookEndpoints(ctx: QueryContext, tenantId: string): Promise<readonly WebhookEndpointRecord[]> {
  const rows = await selectEndpoints(ctx).where('tenant_id', '=', tenantId).orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
  return Object.freeze(rows.map((row) => endpointOf(ctx.dialect, row)));
}

/** `Store.updateWebhookEndpoint`: one update of the given fields, then the row read back in the same unit. */
export async function updateWebhookEndpoint(ctx: QueryContext, change: WebhookEndpointChange): Promise<WebhookEndpointRecord | undefined> {
  const { dialect } = ctx;
  const result = await ctx.q
    .updateTable(ctx.tables.webhook_endpoints)
    .set({
      updated_at: dialect.writeTimestamp(change.updatedAt),
      ...(change.url === undefined ? {} : { url: change.url }),
      ...(change.events === undefined ? {} : { events: JSON.stringify(change.events) }),
      ...(change.description === undefined ? {} : { description: change.description }),
      ...(change.status === undefined ? {} : { status: change.status }),
      ...(change.secret === undefined ? {} : { secret: change.secret }),
      ...(change.previousSecret === undefined ? {} : { previous_secret: change.previousSecret }),
      ...(change.previousSecretExpiresAt === undefined ? {} : { previous_secret_expires_at: writeNullable(dialect, change.previousSecretExpiresAt) }),
      ...(change.failingSince === undefined ? {} : { failing_since: writeNullable(dialect, change.failingSince) }),
    })
    .where('id', '=', change.id)
    .where('tenant_id', '=', change.tenantId)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return undefined;
  return findWebhookEndpoint(ctx, change.tenantId, change.id);
}

/** `Store.deleteWebhookEndpoint`: one delete; deliveries and attempts go by `ON DELETE CASCADE`. */
export async function deleteWebhookEndpoint(ctx: QueryContext, tenantId: string, endpointId: string): Promise<boolean> {
  const result = await ctx.q.deleteFrom(ctx.tables.webhook_endpoints).where('id', '=', endpointId).where('tenant_id', '=', tenantId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** `Store.insertWebhookDeliveries`: one multi-row insert, all or none. */
export async function insertWebhookDeliveries(ctx: QueryContext, deliveries: readonly NewWebhookDelivery[]): Promise<void> {
  if (deliveries.length === 0) return;
  const { dialect } = ctx;
  // The endpoint must belong to the delivery's tenant: the foreign key alone only checks it exists.
  const endpointIds = [...new Set(deliveries.map((delivery) => delivery.endpointId))];
  const owned = await ctx.q.selectFrom(ctx.tables.webhook_endpoints).select(['id', 'tenant_id']).where('id', 'in', endpointIds).execute();
  const tenantOf = new Map(owned.map((row) => [readText(row.id), readText(row.tenant_id)]));
  if (deliveries.some((delivery) => tenantOf.get(delivery.endpointId) !== delivery.tenantId)) throw new NotFoundError();
  await inserting(ctx, 'webhook delivery', () =>
    ctx.q
      .insertInto(ctx.tables.webhook_deliveries)
      .values(
        deliveries.map((delivery) => ({
          id: delivery.id,
          tenant_id: delivery.tenantId,
          endpoint_id: delivery.endpointId,
          event_id: delivery.eventId,
          event_type: delivery.eventType,
          payload: delivery.payload,
          status: 'pending',
          attempts: 0,
          next_attempt_at: dialect.writeTimestamp(delivery.nextAttemptAt),
          claim_token: null,
          claimed_until: null,
          created_at: dialect.writeTimestamp(delivery.createdAt),
          updated_at: dialect.writeTimestamp(delivery.createdAt),
        })),
      )
      .execute(),
  );
}

/**
 * `Store.claimWebhookDeliveries`, in one transaction: select the due rows
 * `FOR UPDATE SKIP LOCKED` (PostgreSQL, MySQL 8, MariaDB 10.6+), so a
 * concurrent claimer skips the rows this one is taking instead of waiting
 * for them or taking them too; mark them with this claim's token; read them
 * back by token. SQLite's immediate transaction excludes every other writer,
 * so there the select needs no lock.
 */
export async function claimWebhookDeliveries(ctx: QueryContext, claim: WebhookClaim): Promise<readonly WebhookDeliveryRecord[]> {
  const { dialect } = ctx;
  const now = dialect.writeTimestamp(claim.now);
  const due = ctx.q
    .selectFrom(ctx.tables.webhook_deliveries)
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
        eb.and([eb('status', '=', 'delivering'), eb('claimed_until', '<', now)]),
      ]),
    )
    .$if(claim.tenantId !== undefined, (query) => query.where('tenant_id', '=', claim.tenantId ?? ''))
    .orderBy('next_attempt_at', 'asc')
    .orderBy('id', 'asc')
    .limit(claim.limit);
  const rows = await (dialect.name === 'sqlite' ? due : due.forUpdate().skipLocked()).execute();
  if (rows.length === 0) return Object.freeze([]);
  await ctx.q
    .updateTable(ctx.tables.webhook_deliveries)
    .set({ status: 'delivering', claim_token: claim.claimToken, claimed_until: dialect.writeTimestamp(claim.claimedUntil) })
    .where(
      'id',
      'in',
      rows.map((row) => readText(row.id)),
    )
    .execute();
  const claimed = await selectDeliveries(ctx).where('claim_token', '=', claim.claimToken).orderBy('next_attempt_at', 'asc').orderBy('id', 'asc').execute();
  return Object.freeze(claimed.map((row) => deliveryOf(dialect, row)));
}

/** `Store.completeWebhookDelivery`: an update guarded by the claim token, then the attempt's log row, in one unit. */
export async function completeWebhookDelivery(ctx: QueryContext, completion: WebhookCompletion): Promise<boolean> {
  const { dialect } = ctx;
  const result = await ctx.q
    .updateTable(ctx.tables.webhook_deliveries)
    .set({
      status: completion.status,
      attempts: sql<number>`attempts + 1`,
      next_attempt_at: dialect.writeTimestamp(completion.nextAttemptAt),
      claim_token: null,
      claimed_until: null,
      updated_at: dialect.writeTimestamp(completion.updatedAt),
    })
    .where('id', '=', completion.deliveryId)
    .where('status', '=', 'delivering')
    .where('claim_token', '=', completion.claimToken)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return false;
  const attempt = completion.attempt;
  await ctx.q
    .insertInto(ctx.tables.webhook_attempts)
    .values({
      delivery_id: attempt.deliveryId,
      attempt: attempt.attempt,
      started_at: dialect.writeTimestamp(attempt.startedAt),
      duration_ms: attempt.durationMs,
      response_status: attempt.responseStatus,
      response_body: attempt.responseBody,
      error_class: attempt.errorClass,
    })
    .execute();
  return true;
}

/** `Store.listWebhookDeliveries`: newest first. */
export async function listWebhookDeliveries(ctx: QueryContext, tenantId: string, endpointId: string | undefined): Promise<readonly WebhookDeliveryRecord[]> {
  let query = selectDeliveries(ctx).where('tenant_id', '=', tenantId);
  if (endpointId !== undefined) query = query.where('endpoint_id', '=', endpointId);
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  return Object.freeze(rows.map((row) => deliveryOf(ctx.dialect, row)));
}

/** `Store.listWebhookAttempts`: first attempt first. */
export async function listWebhookAttempts(ctx: QueryContext, deliveryId: string): Promise<readonly WebhookAttemptRecord[]> {
  const rows = await selectAttempts(ctx).where('delivery_id', '=', deliveryId).orderBy('attempt', 'asc').execute();
  return Object.freeze(rows.map((row) => attemptOf(ctx.dialect, row)));
}

/** `Store.requeueWebhookDelivery`: one update, refused while a worker holds the delivery. */
export async function requeueWebhookDelivery(ctx: QueryContext, requeue: WebhookRequeue): Promise<boolean> {
  const { dialect } = ctx;
  const result = await ctx.q
    .updateTable(ctx.tables.webhook_deliveries)
    .set({ status: 'pending', next_attempt_at: dialect.writeTimestamp(requeue.nextAttemptAt), updated_at: dialect.writeTimestamp(requeue.updatedAt) })
    .where('id', '=', requeue.deliveryId)
    .where('tenant_id', '=', requeue.tenantId)
    .where('status', '!=', 'delivering')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** `Store.pruneWebhookDeliveries`: one delete; attempts go by `ON DELETE CASCADE`. */
export async function pruneWebhookDeliveries(ctx: QueryContext, before: Date): Promise<number> {
  const result = await ctx.q
    .deleteFrom(ctx.tables.webhook_deliveries)
    .where('status', 'in', ['succeeded', 'failed'])
    .where('updated_at', '<', ctx.dialect.writeTimestamp(before))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
