import { z } from 'zod';

/** True for any function. Used with `z.custom`, so the host's function is kept as given, never wrapped. */
export const isFunction = (value: unknown): value is (...args: never[]) => unknown => typeof value === 'function';

/** RFC 9110 token: what a header name may contain. */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** A header name option: validated as an RFC 9110 token. */
export const headerNameSchema = z.string().regex(HEADER_NAME, { message: 'expected a header name' });

/** A positive safe integer option (amounts, limits, costs). */
export const positiveIntegerSchema = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
