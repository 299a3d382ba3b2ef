import {
  ACTOR_TYPES,
  MEMBERSHIP_SOURCES,
  type ActorType,
  type MembershipRecord,
  type MembershipSource,
  type TenantMetadata,
  type TenantRecord,
} from '../../../store/records.js';
import { readText } from '../column-values.js';
import type { QueryContext } from './query-context.js';

/** Select of membership rows with every column in a form {@link toMembershipRecord} reads. */
export function selectMemberships(ctx: QueryContext) {
  return ctx.q
    .selectFrom(ctx.tables.memberships)
    .select(['id', 'tenant_id', 'user_id', 'role', 'created_by_type', 'created_by', 'source', ctx.dialect.selectTimestamp('created_at').as('created_at')]);
}

/** Select of tenant rows with every column in a form {@link toTenantRecord} reads. */
export function selectTenants(ctx: QueryContext) {
  return ctx.q
    .selectFrom(ctx.tables.tenants)
    .select([
      'id',
      'created_by_type',
      'created_by',
      ctx.dialect.selectTimestamp('created_at').as('created_at'),
      'name',
      'slug',
      'metadata',
      ctx.dialect.selectTimestamp('archived_at').as('archived_at'),
    ]);
}

/** A membership row as selected by {@link selectMemberships}. */
export interface MembershipRow {
  readonly id: string | Uint8Array;
  readonly tenant_id: string | Uint8Array;
  readonly user_id: string | Uint8Array;
  readonly role: string | Uint8Array;
  readonly created_by_type: string | Uint8Array;
  readonly created_by: string | Uint8Array;
  readonly source: string | Uint8Array;
  readonly created_at: unknown;
}

/** A tenant row as selected by {@link selectTenants}. */
export interface TenantRow {
  readonly id: string | Uint8Array;
  readonly created_by_type: string | Uint8Array;
  readonly created_by: string | Uint8Array;
  readonly created_at: unknown;
  readonly name: string | Uint8Array | null;
  readonly slug: string | Uint8Array | null;
  readonly metadata: string | Uint8Array | null;
  readonly archived_at: unknown;
}

function toActorType(value: string): ActorType {
  const type = ACTOR_TYPES.find((known) => known === value);
  if (type === undefined) throw new TypeError(`Unknown provenance actor type in storage: "${value}".`);
  return type;
}

function toSource(value: string): MembershipSource {
  const source = MEMBERSHIP_SOURCES.find((known) => known === value);
  if (source === undefined) throw new TypeError(`Unknown membership source in storage: "${value}".`);
  return source;
}

/** A frozen {@link MembershipRecord} from a row, decoding text and timestamps the dialect's way. */
export function toMembershipRecord(ctx: QueryContext, row: MembershipRow): MembershipRecord {
  return Object.freeze({
    id: readText(row.id),
    tenantId: readText(row.tenant_id),
    userId: readText(row.user_id),
    role: readText(row.role),
    createdByType: toActorType(readText(row.created_by_type)),
    createdBy: readText(row.created_by),
    createdAt: ctx.dialect.readTimestamp(row.created_at),
    source: toSource(readText(row.source)),
  });
}

/** A frozen {@link TenantRecord} from a row; the optional fields only when set (see `TenantRecord`). */
export function toTenantRecord(ctx: QueryContext, row: TenantRow): TenantRecord {
  return Object.freeze({
    id: readText(row.id),
    createdByType: toActorType(readText(row.created_by_type)),
    createdBy: readText(row.created_by),
    createdAt: ctx.dialect.readTimestamp(row.created_at),
    ...(row.name === null ? {} : { name: readText(row.name) }),
    ...(row.slug === null ? {} : { slug: readText(row.slug) }),
    ...(row.metadata === null ? {} : { metadata: JSON.parse(readText(row.metadata)) as TenantMetadata }),
    ...(row.archived_at === null || row.archived_at === undefined ? {} : { archivedAt: ctx.dialect.readTimestamp(row.archived_at) }),
  });
}
