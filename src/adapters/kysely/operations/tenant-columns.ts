import type { NewTenant, TenantUpdate } from '../../../store/records.js';
import type { QueryContext } from './query-context.js';

/** The written form of the optional tenant columns (`0007_tenant_lifecycle`), null where the record has none. */
interface TenantColumnValues {
  name?: string | null;
  slug?: string | null;
  slug_key?: string | null;
  metadata?: string | null;
  archived_at?: Date | string | null;
}

/**
 * The optional tenant columns `fields` sets: every one it names (`null`
 * clears), none it leaves out. `slug_key`, the lower-cased slug, follows
 * `slug`: it carries the case-insensitive unique index.
 */
export function tenantColumns(ctx: QueryContext, fields: Omit<TenantUpdate, 'tenantId'> | NewTenant): TenantColumnValues {
  const values: TenantColumnValues = {};
  if (fields.name !== undefined) values.name = fields.name;
  if (fields.slug !== undefined) {
    values.slug = fields.slug;
    values.slug_key = fields.slug === null ? null : fields.slug.toLowerCase();
  }
  if (fields.metadata !== undefined) values.metadata = fields.metadata === null ? null : JSON.stringify(fields.metadata);
  if (fields.archivedAt !== undefined) values.archived_at = fields.archivedAt === null ? null : ctx.dialect.writeTimestamp(fields.archivedAt);
  return values;
}
