import type { z } from 'zod';
import { ConfigurationError, ValidationError, type ValidationIssue } from '../errors/index.js';

/** Converts zod issues to ours. Zod messages do not echo input values, and we keep it that way. */
function toIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.filter((key): key is string | number => typeof key !== 'symbol'),
    message: issue.message,
  }));
}

function describe(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

/**
 * Validates `value` at the library boundary. Throws {@link ValidationError}
 * listing every issue; nothing has been written when it throws.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = toIssues(result.error);
  throw new ValidationError(`Invalid ${what}: ${describe(issues)}.`, issues);
}

/** Like {@link parseInput} for configuration: throws {@link ConfigurationError} naming the option. */
export function parseConfig<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ConfigurationError(`Invalid ${what}: ${describe(toIssues(result.error))}.`);
}
