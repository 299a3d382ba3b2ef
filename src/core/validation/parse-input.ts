import type { z } from 'zod';
import { ConfigurationError, ValidationError, type ValidationIssue } from '../errors/index.js';
import { configIssueMessage, safeIssueMessage } from './issue-messages.js';

/**
 * Converts zod issues to ours: the path and the message only. Messages are
 * either our schemas' own or {@link safeIssueMessage}'s (passed as the
 * per-parse error map), so they never quote input. Paths only hold keys the
 * schema declares (boundary schemas are strict objects, never records keyed by
 * input), and an unknown key is reported on the path of its object, not its
 * own, so no key name of the input is echoed either.
 */
function toIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.filter((key): key is string | number => typeof key !== 'symbol'),
    message: issue.message,
  }));
}

/** One sentence listing every issue, ending in exactly one full stop. */
function describe(what: string, issues: readonly ValidationIssue[]): string {
  const list = issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
  return `Invalid ${what}: ${list.endsWith('.') ? list : `${list}.`}`;
}

/**
 * Validates `value` at the library boundary. Throws {@link ValidationError}
 * listing every issue; nothing has been written when it throws. Neither the
 * error's message nor its issues contain any value or key name from `value`.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value, { error: safeIssueMessage });
  if (result.success) return result.data;
  const issues = toIssues(result.error);
  throw new ValidationError(describe(what, issues), issues);
}

/**
 * Like {@link parseInput} for configuration: throws {@link ConfigurationError}
 * naming the option. Unlike input issues, an unknown option is named (JSON-quoted),
 * since configuration is the host's own code.
 */
export function parseConfig<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value, { error: configIssueMessage });
  if (result.success) return result.data;
  throw new ConfigurationError(describe(what, toIssues(result.error)));
}
