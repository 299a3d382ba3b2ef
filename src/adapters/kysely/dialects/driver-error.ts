import type { StorageUnavailableReason } from '../../../core/errors/index.js';

/** Reads property `key` of a thrown value without trusting its shape. */
export function errorField(error: unknown, key: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[key] : undefined;
}

/**
 * Kysely's own message when a query runs after `db.destroy()`: the backend is
 * gone for this instance, whichever dialect it speaks.
 */
export function isDestroyedDriverError(error: unknown): boolean {
  return error instanceof Error && error.message === 'driver has already been destroyed';
}

/**
 * Node's socket and resolver error codes, as the drivers pass them on: the
 * network failed, so the query never completed on the server.
 */
const NETWORK_ERROR_REASONS: ReadonlyMap<string, StorageUnavailableReason> = new Map([
  ['ECONNREFUSED', 'unreachable'],
  ['ENOTFOUND', 'unreachable'],
  ['EAI_AGAIN', 'unreachable'],
  ['EHOSTUNREACH', 'unreachable'],
  ['EHOSTDOWN', 'unreachable'],
  ['ENETUNREACH', 'unreachable'],
  ['ENETDOWN', 'unreachable'],
  ['EADDRNOTAVAIL', 'unreachable'],
  ['ETIMEDOUT', 'unreachable'],
  ['ECONNRESET', 'connection_lost'],
  ['ECONNABORTED', 'connection_lost'],
  ['EPIPE', 'connection_lost'],
]);

/**
 * The reason for a Node network error (a socket or DNS failure, or the
 * `AggregateError` Node raises when every address of a host refused), or
 * `undefined` for anything else.
 */
export function networkErrorReason(error: unknown): StorageUnavailableReason | undefined {
  const code = errorField(error, 'code');
  if (typeof code === 'string') return NETWORK_ERROR_REASONS.get(code);
  if (error instanceof AggregateError && error.errors.length > 0) {
    const reasons = error.errors.map((inner: unknown) => networkErrorReason(inner));
    return reasons.every((reason) => reason !== undefined) ? reasons[0] : undefined;
  }
  return undefined;
}
