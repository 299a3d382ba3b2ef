/**
 * Stored HTTP responses of idempotent requests. A response is kept on the
 * idempotency record of the consumption that let the request through, so
 * it shares that record's key (tenant, scope, operation), fingerprint and
 * TTL: it expires with the record, `prune` deletes it with the record, and
 * deleting the tenant deletes it.
 */

/** The first response to an idempotent request, as the response-replay helper stores it. */
export interface IdempotentResponseRecord {
  /** The HTTP status, 100 to 599. */
  readonly status: number;
  /** The stored headers (the helper's allowlist), lower-case names, in the order they were sent. */
  readonly headers: readonly (readonly [name: string, value: string])[];
  /**
   * The body bytes, or `null` when the body was larger than the helper's
   * cap: then only the fact that it was answered is kept, and a replay is
   * refused (409) instead of answered with a truncated body.
   */
  readonly body: Uint8Array | null;
}

/** Input of `saveIdempotentResponse`. */
export interface IdempotentResponseSave {
  readonly tenantId: string;
  /** The record's key as the store keeps it (the consumption's `idempotency.key`). */
  readonly key: string;
  /** The consumption's stored fingerprint: the response is saved only onto the record of that request. */
  readonly fingerprint: string;
  readonly response: IdempotentResponseRecord;
  /** The current time: an expired record does not take a response. */
  readonly now: Date;
}

/**
 * Result of `saveIdempotentResponse`.
 *
 * - `saved`: the record now holds the response;
 * - `already_saved`: it already held one (the first save wins, it is never overwritten);
 * - `not_found`: no live record of that key and fingerprint (expired, pruned, deleted with its tenant, or taken over by another request after expiry).
 */
export type IdempotentResponseSaveResult = 'saved' | 'already_saved' | 'not_found';

/** Input of `readIdempotentResponse`. */
export interface IdempotentResponseLookup {
  readonly tenantId: string;
  readonly key: string;
  /** The request's fingerprint: a live record of the key under another fingerprint holds no response for it (`none`). */
  readonly fingerprint: string;
  readonly now: Date;
}

/**
 * Result of `readIdempotentResponse`.
 *
 * - `stored`: the record holds a response;
 * - `pending`: the record exists (its consumption committed) but no response was saved yet: the first request is still running;
 * - `none`: no live record of that key and fingerprint.
 */
export type IdempotentResponseState =
  { readonly state: 'stored'; readonly response: IdempotentResponseRecord } | { readonly state: 'pending' } | { readonly state: 'none' };

/** Storage of the response-replay helper's responses, on the idempotency records of consumptions. */
export interface IdempotentResponseOperations {
  /** Saves the first response onto a live idempotency record, once; one guarded write. */
  saveIdempotentResponse(save: IdempotentResponseSave): Promise<IdempotentResponseSaveResult>;
  /** Reads the response stored on a live idempotency record (committed state). */
  readIdempotentResponse(lookup: IdempotentResponseLookup): Promise<IdempotentResponseState>;
}
