import type {
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookDeliveryStatus,
  WebhookEndpointRecord,
  WebhookEndpointStatus,
} from '../../../store/webhook-records.js';
import { readCount, readText } from '../column-values.js';
import type { StoreDialect } from '../dialects/store-dialect.js';
import type { QueryContext } from './query-context.js';

/** Select of endpoint rows with every column in a form {@link endpointOf} reads. */
export function selectEndpoints(ctx: QueryContext) {
  const { dialect } = ctx;
  return ctx.q
    .selectFrom(ctx.tables.webhook_endpoints)
    .select([
      'id',
      'tenant_id',
      'url',
      'events',
      'description',
      'status',
      'secret',
      'previous_secret',
      dialect.selectTimestamp('previous_secret_expires_at').as('previous_secret_expires_at'),
      dialect.selectTimestamp('failing_since').as('failing_since'),
      dialect.selectTimestamp('created_at').as('created_at'),
      dialect.selectTimestamp('updated_at').as('updated_at'),
    ]);
}

/** Select of delivery rows with every column in a form {@link deliveryOf} reads. */
export function selectDeliveries(ctx: QueryContext) {
  const { dialect } = ctx;
  return ctx.q
    .selectFrom(ctx.tables.webhook_deliveries)
    .select([
      'id',
      'tenant_id',
      'endpoint_id',
      'event_id',
      'event_type',
      'payload',
      'status',
      'attempts',
      'claim_token',
      dialect.selectTimestamp('next_attempt_at').as('next_attempt_at'),
      dialect.selectTimestamp('claimed_until').as('claimed_until'),
      dialect.selectTimestamp('created_at').as('created_at'),
      dialect.selectTimestamp('updated_at').as('updated_at'),
    ]);
}

/** Select of attempt-log rows with every column in a form {@link attemptOf} reads. */
export function selectAttempts(ctx: QueryContext) {
  return ctx.q
    .selectFrom(ctx.tables.webhook_attempts)
    .select([
      'delivery_id',
      'attempt',
      'duration_ms',
      'response_status',
      'response_body',
      'error_class',
      ctx.dialect.selectTimestamp('started_at').as('started_at'),
    ]);
}

type EndpointRow = Awaited<ReturnType<ReturnType<typeof selectEndpoints>['executeTakeFirstOrThrow']>>;
type DeliveryRow = Awaited<ReturnType<ReturnType<typeof selectDeliveries>['executeTakeFirstOrThrow']>>;
type AttemptRow = Awaited<ReturnType<ReturnType<typeof selectAttempts>['executeTakeFirstOrThrow']>>;

/**
 * The column reads every webhook mapper needs, bound to one row and the
 * dialect: drivers differ in what they return for text (strings or bytes),
 * counts (numbers, strings or bigints) and timestamps, and `NULL` may come
 * back as `null` or `undefined`. Each mapper is then a list of fields.
 */
function columnsOf<R extends object>(dialect: StoreDialect, row: R) {
  const at = (name: keyof R): unknown => row[name];
  const absent = (value: unknown): value is null | undefined => value === null || value === undefined;
  return {
    text: (name: keyof R): string => readText(at(name)),
    textOrNull: (name: keyof R): string | null => (absent(at(name)) ? null : readText(at(name))),
    count: (name: keyof R): number => readCount(at(name)),
    countOrNull: (name: keyof R): number | null => (absent(at(name)) ? null : readCount(at(name))),
    time: (name: keyof R): Date => dialect.readTimestamp(at(name)),
    timeOrNull: (name: keyof R): Date | null => (absent(at(name)) ? null : dialect.readTimestamp(at(name))),
  };
}

/** An endpoint row as the store record. */
export function endpointOf(dialect: StoreDialect, row: EndpointRow): WebhookEndpointRecord {
  const c = columnsOf(dialect, row);
  return Object.freeze({
    id: c.text('id'),
    tenantId: c.text('tenant_id'),
    url: c.text('url'),
    events: Object.freeze(JSON.parse(c.text('events')) as string[]),
    description: c.textOrNull('description'),
    status: c.text('status') as WebhookEndpointStatus,
    secret: c.text('secret'),
    previousSecret: c.textOrNull('previous_secret'),
    previousSecretExpiresAt: c.timeOrNull('previous_secret_expires_at'),
    failingSince: c.timeOrNull('failing_since'),
    createdAt: c.time('created_at'),
    updatedAt: c.time('updated_at'),
  });
}

/** A delivery (outbox) row as the store record. */
export function deliveryOf(dialect: StoreDialect, row: DeliveryRow): WebhookDeliveryRecord {
  const c = columnsOf(dialect, row);
  return Object.freeze({
    id: c.text('id'),
    tenantId: c.text('tenant_id'),
    endpointId: c.text('endpoint_id'),
    eventId: c.text('event_id'),
    eventType: c.text('event_type'),
    payload: c.text('payload'),
    status: c.text('status') as WebhookDeliveryStatus,
    attempts: c.count('attempts'),
    nextAttemptAt: c.time('next_attempt_at'),
    claimToken: c.textOrNull('claim_token'),
    claimedUntil: c.timeOrNull('claimed_until'),
    createdAt: c.time('created_at'),
    updatedAt: c.time('updated_at'),
  });
}

/** An attempt-log row as the store record. */
export function attemptOf(dialect: StoreDialect, row: AttemptRow): WebhookAttemptRecord {
  const c = columnsOf(dialect, row);
  return Object.freeze({
    deliveryId: c.text('delivery_id'),
    attempt: c.count('attempt'),
    startedAt: c.time('started_at'),
    durationMs: c.count('duration_ms'),
    responseStatus: c.countOrNull('response_status'),
    responseBody: c.textOrNull('response_body'),
    errorClass: c.textOrNull('error_class'),
  });
}
