import { CliError } from './cli-errors.js';

/** `value` as a Date, from an ISO 8601 date or date-time; a `usage` error naming the flag otherwise. */
export function parseDateFlag(flag: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime()))
    throw new CliError('usage', 'invalid_option', `--${flag} must be an ISO 8601 date or date-time, e.g. 2026-01-31 or 2026-01-31T00:00:00Z.`);
  return date;
}

/** `value` as a positive integer; a `usage` error naming the flag otherwise. */
export function parsePositiveIntegerFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]{0,8}$/.test(value)) throw new CliError('usage', 'invalid_option', `--${flag} must be a positive integer.`);
  return Number(value);
}

/** `value` as one of `choices`; a `usage` error listing them otherwise. */
export function parseChoiceFlag<T extends string>(flag: string, value: string | undefined, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) throw new CliError('usage', 'invalid_option', `--${flag} must be one of ${choices.join(', ')}.`);
  return value as T;
}
