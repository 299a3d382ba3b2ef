/**
 * Throws `RangeError` when one of `dates` is an invalid `Date` (or not a
 * `Date` at all), as the SQL adapters' drivers refuse to write one. A record
 * with an invalid date is a programming error (a host's `now()` returning
 * `new Date(NaN)`, say): it must surface as itself, and the memory adapter
 * must not keep what no database could.
 */
export function assertValidDates(...dates: readonly (Date | null)[]): void {
  for (const date of dates) {
    if (date !== null && !(date instanceof Date && Number.isFinite(date.getTime()))) throw new RangeError('Invalid time value');
  }
}
