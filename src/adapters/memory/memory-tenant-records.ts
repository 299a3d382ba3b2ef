import type { NewTenant, TenantMetadata, TenantRecord, TenantUpdate } from '../../store/records.js';

/**
 * A deep-frozen copy of JSON metadata, so no caller can change what the
 * store holds. Copied through JSON text, as the SQL adapters store it, so
 * both read back the same values (`-0` becomes `0` in either).
 */
function frozenCopy(metadata: TenantMetadata): TenantMetadata {
  const freeze = (value: unknown): unknown => {
    if (typeof value === 'object' && value !== null) {
      for (const inner of Object.values(value)) freeze(inner);
      Object.freeze(value);
    }
    return value;
  };
  return freeze(JSON.parse(JSON.stringify(metadata))) as TenantMetadata;
}

/**
 * The stored form of a tenant: a frozen copy holding only the optional keys
 * that have a value, as the SQL adapters return it (a key set to `undefined`
 * would make the two differ under `deepEqual`).
 */
export function tenantRecordOf(tenant: NewTenant): TenantRecord {
  const { name, slug, metadata, archivedAt, ...required } = tenant;
  return Object.freeze({
    ...required,
    ...(name === undefined ? {} : { name }),
    ...(slug === undefined ? {} : { slug }),
    ...(metadata === undefined ? {} : { metadata: frozenCopy(metadata) }),
    ...(archivedAt === undefined ? {} : { archivedAt: new Date(archivedAt.getTime()) }),
  });
}

/** `record` with the fields of `update` applied (`null` clears a field, an absent one keeps it). */
export function withUpdate(record: TenantRecord, update: TenantUpdate): TenantRecord {
  // `undefined` keeps the record's value; `null` clears it (?? would not tell the two apart).
  const name = update.name === undefined ? record.name : update.name;
  const slug = update.slug === undefined ? record.slug : update.slug;
  const metadata = update.metadata === undefined ? record.metadata : update.metadata;
  const archivedAt = update.archivedAt === undefined ? record.archivedAt : update.archivedAt;
  return tenantRecordOf({
    id: record.id,
    createdByType: record.createdByType,
    createdBy: record.createdBy,
    createdAt: record.createdAt,
    ...(name == null ? {} : { name }),
    ...(slug == null ? {} : { slug }),
    ...(metadata == null ? {} : { metadata }),
    ...(archivedAt == null ? {} : { archivedAt }),
  });
}
