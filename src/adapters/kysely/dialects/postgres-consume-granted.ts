import { sql } from 'kysely';
import { NotFoundError } from '../../../core/errors/index.js';
import type { CounterChange } from '../../../store/entitlement-records.js';
import type { GrantedConsumeRequest, GrantedConsumeResult, GrantedLimit } from '../../../store/granted-consume.js';
import { readCount } from '../column-values.js';
import { consumeFunctionName } from '../migrations/0012-consume-function.js';
import { decodeResult, encode } from '../operations/idempotency.js';
import type { Scope } from '../scope.js';

/** The row `<prefix>consume_granted` returns (see migration 0012). */
interface FunctionRow {
  readonly outcome: string;
  readonly enabled: readonly boolean[] | null;
  readonly limits: readonly (string | number | null)[] | null;
  readonly befores: readonly (string | number)[] | null;
  readonly afters: readonly (string | number)[] | null;
  readonly refused: number | null;
  readonly used: string | number | null;
  readonly anchor: Date | null;
  readonly result: string | null;
}

/** The table prefix the scope's tables were named with. */
function prefixOf(scope: Scope): string {
  return scope.tables.tenants.slice(0, -'tenants'.length);
}

/** The derived limits of the row: `null` in a limit is `'unlimited'`; a level not enabled has limit 0. */
function levelsOf(row: FunctionRow): readonly GrantedLimit[] {
  const enabled = row.enabled ?? [];
  const limits = row.limits ?? [];
  return Object.freeze(
    enabled.map((on, i) => {
      const limit = limits[i];
      return Object.freeze({ enabled: on, limit: on ? (limit === null || limit === undefined ? 'unlimited' : readCount(limit)) : 0 });
    }),
  );
}

function changesOf(row: FunctionRow): readonly CounterChange[] {
  const afters = row.afters ?? [];
  return Object.freeze((row.befores ?? []).map((before, i) => Object.freeze({ before: readCount(before), after: readCount(afters[i] ?? 0) })));
}

/**
 * `Store.consumeGranted` on PostgreSQL outside a transaction: one statement,
 * the call of the PL/pgSQL function migration `0012_consume_function`
 * installs, which derives the limits from the grants and applies every
 * guarded write (and the idempotency record) as one atomic statement. The
 * levels travel as parallel arrays in lock order; what the catalog's
 * packages grant each level as three more, flattened.
 */
export async function postgresConsumeGranted(scope: Scope, request: GrantedConsumeRequest): Promise<GrantedConsumeResult> {
  const { levels, idempotency } = request;
  const grantLevel: number[] = [];
  const grantPackage: string[] = [];
  const grantLimit: (number | null)[] = [];
  levels.forEach((level, index) => {
    for (const grant of level.packageGrants) {
      grantLevel.push(index + 1);
      grantPackage.push(grant.packageKey);
      grantLimit.push(grant.limit === 'unlimited' ? null : grant.limit);
    }
  });
  // Validated like every timestamp the store writes, then sent as ISO text (also inside arrays).
  const iso = (date: Date) => {
    const value = scope.dialect.writeTimestamp(date);
    return value instanceof Date ? value.toISOString() : value;
  };
  const anchor = request.cycleAnchor ?? null;
  const fn = sql.id(consumeFunctionName(prefixOf(scope)));
  const { rows } = await sql<FunctionRow>`select * from ${fn}(${request.tenantId}::text, ${request.amount}::bigint, ${iso(request.now)}::timestamptz,
${levels.map((l) => l.featureKey)}::text[], ${levels.map((l) => l.namespace)}::text[], ${levels.map((l) => iso(l.windowStart))}::timestamptz[],
${grantLevel}::int[], ${grantPackage}::text[], ${grantLimit}::bigint[], ${request.catalog.packageKeys}::text[], ${request.catalog.featureKeys}::text[],
${request.cycleAnchor !== undefined}::boolean, ${anchor === null ? null : iso(anchor)}::timestamptz,
${idempotency?.key ?? null}::text, ${idempotency === undefined ? null : encode(idempotency.fingerprint)}::text,
${idempotency?.expiresAt === undefined ? null : iso(idempotency.expiresAt)}::timestamptz)`.execute(scope.db);
  const row = rows[0];
  if (row === undefined) throw new TypeError('consume_granted returned no row.');
  switch (row.outcome) {
    case 'unresolved':
      return Object.freeze({ outcome: 'unresolved' });
    case 'anchor_moved':
      return Object.freeze({ outcome: 'anchor_moved', cycleAnchor: row.anchor === null ? null : new Date(row.anchor.getTime()) });
    case 'missing_tenant':
      throw new NotFoundError();
    case 'idempotency_conflict':
      return Object.freeze({ outcome: 'idempotency_conflict', levels: levelsOf(row) });
    case 'replayed': {
      const stored = decodeResult(row.result ?? '[]');
      return Object.freeze({
        outcome: 'replayed',
        counters: stored.counters,
        ...(stored.limits === undefined ? {} : { limits: stored.limits }),
        levels: levelsOf(row),
      });
    }
    case 'exceeded':
      return Object.freeze({ outcome: 'exceeded', index: row.refused ?? 0, used: readCount(row.used ?? 0), levels: levelsOf(row) });
    default:
      return Object.freeze({ outcome: 'consumed', counters: changesOf(row), levels: levelsOf(row) });
  }
}
