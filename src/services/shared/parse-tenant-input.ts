import type { z } from 'zod';
import { parseInput } from '../../core/validation/parse-input.js';
import type { TenantIdRule } from './tenant-id-rule.js';

/**
 * Parses an actor-facing input that names a tenant, in the documented order:
 * the tenant id first (malformed or missing: the canonical `NotFoundError`,
 * before anything else is looked at), then the rest (`ValidationError`).
 */
export function parseTenantInput<S extends z.ZodType<{ readonly tenantId: string }>>(rule: TenantIdRule, schema: S, input: unknown, what: string): z.output<S> {
  rule.require(typeof input === 'object' && input !== null ? (input as { readonly tenantId?: unknown }).tenantId : undefined);
  return parseInput(schema, input, what);
}
