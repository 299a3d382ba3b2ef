import { AlreadyExistsError, NotFoundError } from '../../../core/errors/index.js';
import type { TenantRoleChange, TenantRoleDeletion, TenantRoleDeletionResult, TenantRoleRecord } from '../../../store/tenant-role-records.js';
import { readCount, readText } from '../column-values.js';
import type { StoreDialect } from '../dialects/store-dialect.js';
import type { QueryContext } from './query-context.js';

function selectRoles(ctx: QueryContext) {
  const { dialect } = ctx;
  return ctx.q
    .selectFrom(ctx.tables.tenant_roles)
    .select([
      'tenant_id',
      'name',
      'capabilities',
      'description',
      dialect.selectTimestamp('created_at').as('created_at'),
      dialect.selectTimestamp('updated_at').as('updated_at'),
    ]);
}

type RoleRow = Awaited<ReturnType<ReturnType<typeof selectRoles>['executeTakeFirstOrThrow']>>;

function roleOf(dialect: StoreDialect, row: RoleRow): TenantRoleRecord {
  return Object.freeze({
    tenantId: readText(row.tenant_id),
    name: readText(row.name),
    capabilities: Object.freeze(JSON.parse(readText(row.capabilities)) as string[]),
    description: row.description === null ? null : readText(row.description),
    createdAt: dialect.readTimestamp(row.created_at),
    updatedAt: dialect.readTimestamp(row.updated_at),
  });
}

/** `Store.insertTenantRole`: one insert; the primary key refuses a duplicate name, the tenant foreign key a missing tenant. */
export async function insertTenantRole(ctx: QueryContext, role: TenantRoleRecord): Promise<void> {
  const { dialect } = ctx;
  try {
    await ctx.q
      .insertInto(ctx.tables.tenant_roles)
      .values({
        tenant_id: role.tenantId,
        name: role.name,
        capabilities: JSON.stringify(role.capabilities),
        description: role.description,
        created_at: dialect.writeTimestamp(role.createdAt),
        updated_at: dialect.writeTimestamp(role.updatedAt),
      })
      .execute();
  } catch (error) {
    const kind = dialect.classifyError(error);
    if (kind === 'unique_violation') throw new AlreadyExistsError('tenant role');
    if (kind === 'foreign_key_violation') throw new NotFoundError();
    throw error;
  }
}

/** `Store.listTenantRoles`: one read of the primary key's prefix, by name. */
export async function listTenantRoles(ctx: QueryContext, tenantId: string): Promise<readonly TenantRoleRecord[]> {
  const rows = await selectRoles(ctx).where('tenant_id', '=', tenantId).orderBy('name', 'asc').execute();
  return Object.freeze(rows.map((row) => roleOf(ctx.dialect, row)));
}

async function findTenantRole(ctx: QueryContext, tenantId: string, name: string): Promise<TenantRoleRecord | undefined> {
  const row = await selectRoles(ctx).where('tenant_id', '=', tenantId).where('name', '=', name).executeTakeFirst();
  return row === undefined ? undefined : roleOf(ctx.dialect, row);
}

/** `Store.updateTenantRole`: one update, then the row read back in the same unit. */
export async function updateTenantRole(ctx: QueryContext, change: TenantRoleChange): Promise<TenantRoleRecord | undefined> {
  const result = await ctx.q
    .updateTable(ctx.tables.tenant_roles)
    .set({
      capabilities: JSON.stringify(change.capabilities),
      updated_at: ctx.dialect.writeTimestamp(change.updatedAt),
      ...(change.description === undefined ? {} : { description: change.description }),
    })
    .where('tenant_id', '=', change.tenantId)
    .where('name', '=', change.name)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return undefined;
  return findTenantRole(ctx, change.tenantId, change.name);
}

/**
 * `Store.deleteTenantRole`, run all or nothing by the caller. The role row is
 * locked first (`FOR UPDATE`; SQLite's immediate transaction excludes every
 * writer already), then the members holding it are counted on the
 * (tenant_id, role) index, moved to `reassignTo` when given, and the row
 * deleted. The service holds the tenant lock around it, which every
 * membership write takes too, so no member can be given the role between
 * the count and the delete.
 */
export async function deleteTenantRole(ctx: QueryContext, deletion: TenantRoleDeletion): Promise<TenantRoleDeletionResult> {
  const { q, tables, dialect } = ctx;
  const lookup = q.selectFrom(tables.tenant_roles).select('name').where('tenant_id', '=', deletion.tenantId).where('name', '=', deletion.name);
  const found = await (dialect.name === 'sqlite' ? lookup : lookup.forUpdate()).executeTakeFirst();
  if (found === undefined) return { outcome: 'not_found' };
  const holders = q.selectFrom(tables.memberships).where('tenant_id', '=', deletion.tenantId).where('role', '=', deletion.name);
  const counted = await holders.select((eb) => eb.fn.countAll().as('members')).executeTakeFirstOrThrow();
  const members = readCount(counted.members);
  if (members > 0 && deletion.reassignTo === undefined) return { outcome: 'in_use', members };
  if (members > 0 && deletion.reassignTo !== undefined) {
    await q
      .updateTable(tables.memberships)
      .set({ role: deletion.reassignTo })
      .where('tenant_id', '=', deletion.tenantId)
      .where('role', '=', deletion.name)
      .execute();
  }
  await q.deleteFrom(tables.tenant_roles).where('tenant_id', '=', deletion.tenantId).where('name', '=', deletion.name).execute();
  return { outcome: 'deleted', reassigned: members };
}
