import type {
  IdempotentResponseLookup,
  IdempotentResponseRecord,
  IdempotentResponseSave,
  IdempotentResponseSaveResult,
  IdempotentResponseState,
} from '../../../store/idempotent-response-operations.js';
import { readText } from '../column-values.js';
import type { QueryContext } from './query-context.js';

/** The `response` column's JSON: the body as base64 (`null` when it was over the helper's cap). */
interface StoredResponse {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string | null;
}

function encodeResponse(response: IdempotentResponseRecord): string {
  const body = response.body === null ? null : Buffer.from(response.body.buffer, response.body.byteOffset, response.body.byteLength).toString('base64');
  return JSON.stringify({ status: response.status, headers: response.headers, body } satisfies StoredResponse);
}

function decodeResponse(value: string): IdempotentResponseRecord {
  const parsed = JSON.parse(value) as StoredResponse;
  return Object.freeze({
    status: parsed.status,
    headers: Object.freeze(parsed.headers.map(([name, value]) => Object.freeze([name, value] as const))),
    body: parsed.body === null ? null : new Uint8Array(Buffer.from(parsed.body, 'base64')),
  });
}

// As in idempotency.ts: fingerprints are stored JSON-encoded.
const encodeFingerprint = (fingerprint: string) => JSON.stringify(fingerprint);

/**
 * Saves the response onto the live record of the key and fingerprint, once:
 * the guard (`response is null`, not expired, same fingerprint) and the
 * write are one statement, so of two concurrent saves exactly one writes.
 * When nothing was written, one read says whether a response was there.
 */
export async function saveIdempotentResponse(ctx: QueryContext, save: IdempotentResponseSave): Promise<IdempotentResponseSaveResult> {
  const { q, tables, dialect } = ctx;
  const now = dialect.writeTimestamp(save.now);
  const ofRecord = q
    .selectFrom(tables.idempotency_keys)
    .where('tenant_id', '=', save.tenantId)
    .where('idempotency_key', '=', save.key)
    .where('fingerprint', '=', encodeFingerprint(save.fingerprint))
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
  const updated = await q
    .updateTable(tables.idempotency_keys)
    .set({ response: encodeResponse(save.response) })
    .where('tenant_id', '=', save.tenantId)
    .where('idempotency_key', '=', save.key)
    .where('fingerprint', '=', encodeFingerprint(save.fingerprint))
    .where('response', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
  if (updated.numUpdatedRows === 1n) return 'saved';
  const existing = await ofRecord.select('tenant_id').executeTakeFirst();
  return existing === undefined ? 'not_found' : 'already_saved';
}

/** The response on the live record of the key, `pending` while the record has none. One statement. */
export async function readIdempotentResponse(ctx: QueryContext, lookup: IdempotentResponseLookup): Promise<IdempotentResponseState> {
  const { q, tables, dialect } = ctx;
  const row = await q
    .selectFrom(tables.idempotency_keys)
    .select('response')
    .where('tenant_id', '=', lookup.tenantId)
    .where('idempotency_key', '=', lookup.key)
    .where('fingerprint', '=', encodeFingerprint(lookup.fingerprint))
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', dialect.writeTimestamp(lookup.now))]))
    .executeTakeFirst();
  if (row === undefined) return { state: 'none' };
  if (row.response === null) return { state: 'pending' };
  return { state: 'stored', response: decodeResponse(readText(row.response)) };
}
