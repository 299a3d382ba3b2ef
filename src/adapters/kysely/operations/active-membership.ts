import { CompiledQuery } from 'kysely';
import type { MembershipRecord } from '../../../store/records.js';
import type { QueryContext } from './query-context.js';
import { selectMemberships, toMembershipRecord, type MembershipRow } from './rows.js';

/** Stand-ins bound while compiling, to find which parameter is which; NUL cannot occur in a validated id. */
const TENANT = '\u0000tenant';
const USER = '\u0000user';

/** The compiled statement, with where each argument goes among its parameters. */
interface CompiledLookup {
  /** A raw query node and query id, reused by every call (the store runs without plugins, which are what tell query ids apart). */
  readonly base: CompiledQuery;
  readonly text: string;
  readonly name: string;
  readonly slots: readonly ('tenant' | 'user')[];
}

/**
 * `Store.findActiveMembership`, the one statement behind every cold access
 * decision: the membership row, filtered by a sub-select of the tenant row
 * that is not archived (served by the two primary keys).
 *
 * The statement never changes for a store, so it is built with Kysely's
 * builder once, on the first call, and then sent as the same text with new
 * parameters: no builder, no compiler and no query-id per call. Where the
 * dialect has named statements (PostgreSQL through `pg`, see
 * `named-statement.ts`) it is sent as one, so the server parses and plans it
 * once per connection. Rows are mapped by the same {@link toMembershipRecord}
 * as every other membership read, and a failure propagates unchanged to the
 * store's error classification.
 */
export class ActiveMembershipLookup {
  #compiled: CompiledLookup | undefined;
  readonly #prepared: boolean;

  /** `prepared`: send it as a named statement where the dialect has them. */
  constructor(prepared: boolean) {
    this.#prepared = prepared;
  }

  async find(ctx: QueryContext, tenantId: string, userId: string): Promise<MembershipRecord | undefined> {
    const compiled = (this.#compiled ??= compile(ctx));
    const { namedStatement } = ctx.dialect;
    const text = this.#prepared && namedStatement !== undefined ? namedStatement(compiled.name, compiled.text) : compiled.text;
    const parameters = compiled.slots.map((slot) => (slot === 'tenant' ? tenantId : userId));
    const query: CompiledQuery<MembershipRow> = { query: compiled.base.query, queryId: compiled.base.queryId, sql: text, parameters };
    const { rows } = await ctx.q.executeQuery(query);
    const row = rows[0];
    return row === undefined ? undefined : toMembershipRecord(ctx, row);
  }
}

function compile(ctx: QueryContext): CompiledLookup {
  const active = ctx.q.selectFrom(ctx.tables.tenants).select('id').where('id', '=', TENANT).where('archived_at', 'is', null);
  const query = selectMemberships(ctx).where('tenant_id', '=', TENANT).where('user_id', '=', USER).where('tenant_id', 'in', active).compile();
  const slots = query.parameters.map((parameter) => {
    if (parameter === TENANT) return 'tenant' as const;
    if (parameter === USER) return 'user' as const;
    throw new Error(`findActiveMembership compiled with an unexpected parameter: ${String(parameter)}`);
  });
  // The text depends only on the table names; the name must differ whenever the text does.
  return Object.freeze({
    base: CompiledQuery.raw(query.sql),
    text: query.sql,
    name: `tenantry_active_membership_${ctx.tables.memberships}`,
    slots: Object.freeze(slots),
  });
}
