import { z } from 'zod';

/** The default channel of both buses. */
export const DEFAULT_CHANNEL = 'tenantry_invalidation';

/**
 * A channel name both engines accept unquoted: PostgreSQL `LISTEN` takes an
 * identifier (at most 63 bytes), so the rule is the common denominator.
 */
export const channelSchema = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected lower-case letters, digits and underscores, starting with a letter or underscore, at most 63 characters');

/** Shared timing options, validated at the boundary. */
export const timingSchema = {
  heartbeatMs: z.number().int().min(10).optional(),
  probeTimeoutMs: z.number().int().min(10).optional(),
  reconnectMinMs: z.number().int().min(1).optional(),
  reconnectMaxMs: z.number().int().min(1).optional(),
};
