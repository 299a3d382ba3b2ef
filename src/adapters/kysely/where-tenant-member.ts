import { sql, type SelectQueryBuilder, type StringReference } from 'kysely';
import type { Actor } from '../../core/actors/actor.js';
import { ActorNotAllowedError, ValidationError } from '../../core/errors/index.js';
import { isUserId } from '../../core/ids/identifiers.js';
import { resolveTableOptions, type KyselyTableOptions } from './kysely-store-options.js';
import { tableNames } from './tables.js';

/** Whose tenants a query is restricted to: a request scope (anything with an `actor`) or a user id. */
export type TenantMemberSubject = string | { readonly actor: Actor };

function userIdOf(subject: TenantMemberSubject): string {
  if (typeof subject === 'string') {
    // A malformed id never reaches storage, as everywhere else in tenantry.
    if (!isUserId(subject))
      throw new ValidationError('Invalid user id.', [{ path: [], message: 'Expected a user id (1 to 255 characters, no control characters).' }]);
    return subject;
  }
  const { actor } = subject;
  // A system actor belongs to no tenant; a search on its behalf needs no restriction, and should say so by not calling this.
  if (actor.type !== 'user') throw new ActorNotAllowedError('user', 'whereTenantMember() restricts a query to a user’s tenants; a system actor has none.');
  return actor.userId;
}

/**
 * Restricts a host query to rows of the tenants the user is an active
 * member of: `column IN (SELECT tenant_id FROM memberships JOIN tenants
 * ... WHERE user_id = ? AND archived_at IS NULL)`, one subquery evaluated
 * by the database with the rest of the query (served by the memberships'
 * `(user_id, tenant_id)` index). A non-member sees no row; an archived
 * tenant's rows are hidden from its members too, as tenantry's own
 * checks do.
 *
 * `subject` is the request scope (`tenantry.forRequest(...)`) or a user
 * id; a system actor's scope throws `ActorNotAllowedError`, a malformed
 * user id `ValidationError` (before any SQL). Pass the same `tablePrefix`
 * (and the Kysely instance the store uses) as for `kyselyStore`.
 *
 * This scopes a listing; it does not authorize an action on a row. A link
 * from the results still goes through the tenant routes' guards, which
 * answer 404 once the user has left the tenant.
 *
 * @example
 * ```ts fragment
 * const rows = await whereTenantMember(db.selectFrom('projects').selectAll(), scope, 'projects.tenant_id')
 *   .where('projects.name', 'like', `%${term}%`)
 *   .execute();
 * ```
 */
export function whereTenantMember<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  subject: TenantMemberSubject,
  column: StringReference<DB, TB>,
  options: KyselyTableOptions = {},
): SelectQueryBuilder<DB, TB, O> {
  const userId = userIdOf(subject);
  const { tablePrefix } = resolveTableOptions(options, 'whereTenantMember() options');
  const tables = tableNames(tablePrefix);
  return query.where(
    sql<boolean>`${sql.ref(String(column))} in (select m.tenant_id from ${sql.table(tables.memberships)} m inner join ${sql.table(tables.tenants)} t on t.id = m.tenant_id where m.user_id = ${userId} and t.archived_at is null)`,
  );
}
