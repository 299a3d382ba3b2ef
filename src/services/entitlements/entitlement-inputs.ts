import { z } from 'zod';
import { COUNTER_CEILING, MAX_CONSUME_AMOUNT } from '../../core/entitlements/limit.js';
import { tenantIdSchema } from '../../core/ids/identifiers.js';
import { MAX_CATALOG_KEY_LENGTH } from '../../core/entitlements/catalog-keys.js';
import { identifierTextSchema } from '../../core/validation/identifier-text.js';
import { systemActorSchema } from '../../core/actors/actor.js';

/** Namespace names: short identifiers, so they are safe in keys, logs and URLs. */
export const namespaceSchema = identifierTextSchema(64).regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, {
  message: 'Namespaces are 1 to 64 letters, digits, "_", ".", ":" or "-", starting with a letter or digit.',
});

/** Idempotency keys: 1 to 128 printable ASCII characters (UUIDs, request ids, hashes). */
export const idempotencyKeySchema = identifierTextSchema(128).regex(/^[\x21-\x7e]{1,128}$/, {
  message: 'Idempotency keys are 1 to 128 printable ASCII characters without spaces.',
});

/**
 * Feature and package keys as received; the catalog then decides whether
 * they exist. Bounded and safe text first, so no unchecked string is quoted
 * or looked up.
 */
const catalogKeySchema = identifierTextSchema(MAX_CATALOG_KEY_LENGTH);

/** What one check, consumption or release may ask for: see {@link MAX_CONSUME_AMOUNT}. */
const amountSchema = z.number().int().min(1).max(MAX_CONSUME_AMOUNT);

/** A boost's amount: any count a counter can hold (provisioning then checks the tenant's sum). */
const grantAmountSchema = z.number().int().min(1).max(COUNTER_CEILING);

/** Builds the boundary schemas for one tenant-id format. */
export function entitlementSchemas(tenantIdPattern: RegExp) {
  const tenantId = tenantIdSchema(tenantIdPattern);
  return {
    tenantId,
    usage: z.object({ amount: amountSchema, namespace: namespaceSchema.optional(), idempotencyKey: idempotencyKeySchema.optional() }).strict(),
    assign: z.object({ actor: systemActorSchema, tenantId, package: catalogKeySchema }).strict(),
    boost: z
      .object({
        actor: systemActorSchema,
        tenantId,
        feature: catalogKeySchema,
        amount: z.union([grantAmountSchema, z.literal('unlimited')]),
        expiresAt: z.date().optional(),
      })
      .strict(),
    namespaceLimit: z
      .object({ actor: systemActorSchema, tenantId, namespace: namespaceSchema, feature: catalogKeySchema, limit: z.number().int().min(0).max(COUNTER_CEILING).nullable() })
      .strict(),
  };
}
