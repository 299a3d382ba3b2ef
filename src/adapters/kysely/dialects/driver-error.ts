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
