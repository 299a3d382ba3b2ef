import { z } from 'zod';
import { MAX_PAGE_SIZE } from '../../core/paging/page.js';
import type { TenantMetadata } from '../../store/records.js';

/** Largest serialized size of a tenant's `metadata`, in UTF-8 bytes of its JSON text. */
export const TENANT_METADATA_MAX_BYTES = 8192;

/** Longest tenant name, in characters. */
export const TENANT_NAME_MAX_LENGTH = 200;

/**
 * A slug: 1 to 64 ASCII letters, digits and hyphens, starting and ending with
 * a letter or digit. Kept as written; unique ignoring case.
 */
export const TENANT_SLUG_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?$/;

/** The fields of a tenant a host describes it with (all optional). */
export interface TenantDescription {
  /** Display name, 1 to 200 characters (trimmed). */
  readonly name?: string;
  /** URL handle (see {@link TENANT_SLUG_PATTERN}); unique ignoring case. */
  readonly slug?: string;
  /** Host-defined JSON object, at most {@link TENANT_METADATA_MAX_BYTES} bytes serialized. */
  readonly metadata?: TenantMetadata;
}

/** Input of `scope.tenants.update`: the fields to change; `null` clears one. */
export interface UpdateTenantInput {
  readonly tenantId: string;
  readonly name?: string | null;
  readonly slug?: string | null;
  readonly metadata?: TenantMetadata | null;
}

/** Input of `scope.tenants.list` (system actors). */
export interface ListTenantsInput {
  /** Page size, 1 to 1000. Default is 100. */
  readonly limit?: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
  /** Only tenants whose slug starts with this, ignoring case. */
  readonly slugPrefix?: string;
}

const encoder = new TextEncoder();

/** A plain JSON object (what `JSON.parse` of an object gives back), within the size cap. */
const metadata = z
  .record(z.string(), z.json())
  .refine((value) => {
    const text = JSON.stringify(value);
    // Finite numbers only: JSON has no NaN or Infinity (they would come back as null).
    return JSON.stringify(JSON.parse(text)) === text;
  }, 'Must be JSON.')
  .refine((value) => encoder.encode(JSON.stringify(value)).length <= TENANT_METADATA_MAX_BYTES, `At most ${TENANT_METADATA_MAX_BYTES} bytes as JSON.`)
  .transform((value) => value as TenantMetadata);

const name = z.string().trim().min(1).max(TENANT_NAME_MAX_LENGTH);
const slug = z.string().regex(TENANT_SLUG_PATTERN, 'Letters, digits and inner hyphens, at most 64.');

/** Boundary schemas of the tenant inputs. */
export const tenantSchemas = Object.freeze({
  tenant: z.object({ tenantId: z.string() }).strict(),
  description: { name: name.optional(), slug: slug.optional(), metadata: metadata.optional() },
  update: z
    .object({ tenantId: z.string(), name: name.nullable().optional(), slug: slug.nullable().optional(), metadata: metadata.nullable().optional() })
    .strict(),
  list: z
    .object({
      limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
      cursor: z.string().optional(),
      slugPrefix: z
        .string()
        .regex(/^[A-Za-z0-9-]{1,64}$/, 'Letters, digits and hyphens, at most 64.')
        .optional(),
    })
    .strict(),
});
