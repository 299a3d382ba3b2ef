import { sql, type Kysely, type Migration } from 'kysely';
import type { ResolvedTableOptions } from '../kysely-store-options.js';
import { resolveDialect } from '../dialects/resolve-dialect.js';

// RELEASED MIGRATIONS ARE NEVER EDITED (see 0001). A later change to the
// function is a new migration that replaces it (`create or replace`).

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on the host's instance, typed with any schema.
type AnyKysely = Kysely<any>;

/** `Number.MAX_SAFE_INTEGER`: no counter holds more (see `counterCeiling`). */
const CEILING = '9007199254740991';

/**
 * The body of `<prefix>consume_granted`. Arguments are the levels in lock
 * order as parallel arrays (feature, namespace, window start), what each
 * catalog package grants each level (`grant_level` is the level's 1-based
 * position, a `null` limit is `'unlimited'`), the catalog's package and
 * feature keys, the anchor to confirm, and the idempotency record (all
 * `null` without a key). One row comes back; see `postgres-consume-granted.ts`.
 *
 * Every comparison with an argument names `collate "C"`: the key columns
 * are `collate "C"`, the arguments carry the database default, and an
 * explicit collation is what makes the comparison exact and index-served.
 * A refusal raises `TR001` inside the inner block, which rolls back that
 * block's writes (its own subtransaction) while the variables keep what
 * the handler reports.
 */
function functionBody(prefix: string): string {
  const t = (name: string) => `"${prefix}${name}"`;
  return `
declare
  n int := coalesce(array_length(p_features, 1), 0);
  v_enabled boolean[] := '{}';
  v_limits bigint[] := '{}';
  v_befores bigint[] := '{}';
  v_afters bigint[] := '{}';
  v_stored timestamptz;
  v_any boolean;
  v_unlimited boolean;
  v_total numeric;
  v_limit bigint;
  v_ceiling bigint;
  v_after bigint;
  v_used bigint;
  v_refused int := 0;
  v_fingerprint text;
  v_result text;
begin
  if exists (select 1 from ${t('package_assignments')} a where a.tenant_id = p_tenant collate "C" and a.cancelled_at is null
               and not exists (select 1 from unnest(p_packages) k(key) where a.package_key = k.key collate "C"))
     or exists (select 1 from ${t('boosts')} b where b.tenant_id = p_tenant collate "C"
               and not exists (select 1 from unnest(p_catalog) k(key) where b.feature_key = k.key collate "C")) then
    return query select 'unresolved'::text, null::boolean[], null::bigint[], null::bigint[], null::bigint[], null::int, null::bigint, null::timestamptz, null::text, null::text;
    return;
  end if;
  if p_check_anchor then
    select c.cycle_anchor into v_stored from ${t('billing_cycles')} c where c.tenant_id = p_tenant collate "C";
    if v_stored is distinct from p_anchor then
      return query select 'anchor_moved'::text, null::boolean[], null::bigint[], null::bigint[], null::bigint[], null::int, null::bigint, v_stored, null::text, null::text;
      return;
    end if;
  end if;
  for i in 1..n loop
    if p_namespaces[i] = '' then
      select count(*) > 0, coalesce(bool_or(x.lim is null), false), sum(x.lim) into v_any, v_unlimited, v_total
        from (select g.lim::numeric as lim
                from ${t('package_assignments')} a
                join unnest(p_grant_level, p_grant_package, p_grant_limit) g(lvl, pkg, lim) on g.lvl = i and a.package_key = g.pkg collate "C"
               where a.tenant_id = p_tenant collate "C" and a.cancelled_at is null
              union all
              select b.amount::numeric
                from ${t('boosts')} b
               where b.tenant_id = p_tenant collate "C" and b.feature_key = p_features[i] collate "C" and (b.expires_at is null or b.expires_at > p_now)) x;
      v_enabled := v_enabled || v_any;
      v_limits := v_limits || (case when not v_any then 0 when v_unlimited then null else least(v_total, ${CEILING})::bigint end);
    else
      v_limit := null;
      select l.usage_limit into v_limit from ${t('namespace_limits')} l
       where l.tenant_id = p_tenant collate "C" and l.namespace = p_namespaces[i] collate "C" and l.feature_key = p_features[i] collate "C";
      v_enabled := v_enabled || true;
      v_limits := v_limits || v_limit;
    end if;
  end loop;
  begin
    if p_key is not null then
      insert into ${t('idempotency_keys')} (tenant_id, idempotency_key, fingerprint, result, created_at, expires_at)
      values (p_tenant, p_key, p_fingerprint, null, p_now, p_expires) on conflict do nothing;
      if not found then
        update ${t('idempotency_keys')} k set fingerprint = p_fingerprint, result = null, created_at = p_now, expires_at = p_expires
         where k.tenant_id = p_tenant collate "C" and k.idempotency_key = p_key collate "C" and k.expires_at <= p_now;
        if not found then
          select k.fingerprint, k.result into v_fingerprint, v_result from ${t('idempotency_keys')} k
           where k.tenant_id = p_tenant collate "C" and k.idempotency_key = p_key collate "C" for share;
          if v_result is null then
            raise exception 'An idempotency record exists but is not visible to this transaction; retry the request.' using errcode = '40001';
          end if;
          return query select (case when v_fingerprint = p_fingerprint then 'replayed' else 'idempotency_conflict' end)::text,
            v_enabled, v_limits, null::bigint[], null::bigint[], null::int, null::bigint, null::timestamptz, null::text, v_result;
          return;
        end if;
      end if;
    elsif n = 0 and not exists (select 1 from ${t('tenants')} tn where tn.id = p_tenant collate "C") then
      return query select 'missing_tenant'::text, null::boolean[], null::bigint[], null::bigint[], null::bigint[], null::int, null::bigint, null::timestamptz, null::text, null::text;
      return;
    end if;
    for i in 1..n loop
      v_ceiling := case when v_enabled[i] then coalesce(v_limits[i], ${CEILING}) else 0 end;
      v_after := null;
      if p_amount <= v_ceiling then
        insert into ${t('usage_counters')} as c (tenant_id, feature_key, namespace, window_start, used)
        values (p_tenant, p_features[i], p_namespaces[i], p_windows[i], p_amount)
        on conflict (tenant_id, feature_key, namespace, window_start) do update set used = c.used + excluded.used
          where c.used + excluded.used <= v_ceiling
        returning c.used into v_after;
      end if;
      if v_after is null then
        -- The refused upsert locked an existing row, so this read sees the value that refused it.
        select c.used into v_used from ${t('usage_counters')} c
         where c.tenant_id = p_tenant collate "C" and c.feature_key = p_features[i] collate "C"
           and c.namespace = p_namespaces[i] collate "C" and c.window_start = p_windows[i];
        if v_used is null and not exists (select 1 from ${t('tenants')} tn where tn.id = p_tenant collate "C") then
          v_refused := -1;
        else
          v_refused := i;
        end if;
        raise exception 'refused' using errcode = 'TR001';
      end if;
      v_befores := v_befores || (v_after - p_amount);
      v_afters := v_afters || v_after;
    end loop;
    if p_key is not null then
      update ${t('idempotency_keys')} k
         set result = (select json_agg(json_build_object('before', v_befores[j], 'after', v_afters[j], 'limit', v_limits[j]) order by j)::text
                         from generate_subscripts(v_befores, 1) j)
       where k.tenant_id = p_tenant collate "C" and k.idempotency_key = p_key collate "C";
    end if;
    return query select 'consumed'::text, v_enabled, v_limits, v_befores, v_afters, null::int, null::bigint, null::timestamptz, null::text, null::text;
  exception when sqlstate 'TR001' then
    if v_refused < 0 then
      return query select 'missing_tenant'::text, null::boolean[], null::bigint[], null::bigint[], null::bigint[], null::int, null::bigint, null::timestamptz, null::text, null::text;
    else
      return query select 'exceeded'::text, v_enabled, v_limits, null::bigint[], null::bigint[], v_refused - 1, coalesce(v_used, 0), null::timestamptz, null::text, null::text;
    end if;
  end;
end`;
}

/** The function's name for a table prefix. */
export function consumeFunctionName(prefix: string): string {
  return `${prefix}consume_granted`;
}

const SIGNATURE = `(text, bigint, timestamptz, text[], text[], timestamptz[], int[], text[], bigint[], text[], text[], boolean, timestamptz, text, text, timestamptz)`;

/**
 * `0012_consume_function`: on PostgreSQL, the function `<prefix>consume_granted`
 * that runs `Store.consumeGranted` in one statement: it derives every
 * level's limit from the tenant's grants (active packages, unexpired
 * boosts, namespace limits), confirms the billing-cycle anchor, claims the
 * idempotency key and applies every guarded increment, all or nothing. As a
 * PL/pgSQL function its statements are planned once per connection, not on
 * every call. On MySQL and SQLite it does nothing: their stores run the same
 * steps in one transaction.
 */
export function consumeFunction(options: ResolvedTableOptions): Migration {
  const prefix = options.tablePrefix;
  const name = consumeFunctionName(prefix);
  return Object.freeze<Migration>({
    async up(host) {
      const db: AnyKysely = host.withoutPlugins();
      if (resolveDialect(db, options.dialect).name !== 'postgres') return;
      await sql
        .raw(
          `create or replace function "${name}"(
  p_tenant text, p_amount bigint, p_now timestamptz,
  p_features text[], p_namespaces text[], p_windows timestamptz[],
  p_grant_level int[], p_grant_package text[], p_grant_limit bigint[],
  p_packages text[], p_catalog text[],
  p_check_anchor boolean, p_anchor timestamptz,
  p_key text, p_fingerprint text, p_expires timestamptz)
returns table (outcome text, enabled boolean[], limits bigint[], befores bigint[], afters bigint[], refused int, used bigint, anchor timestamptz, fingerprint text, result text)
language plpgsql volatile as $tenantry$${functionBody(prefix)}$tenantry$`,
        )
        .execute(db);
    },
    async down(host) {
      const db: AnyKysely = host.withoutPlugins();
      if (resolveDialect(db, options.dialect).name !== 'postgres') return;
      await sql.raw(`drop function if exists "${name}"${SIGNATURE}`).execute(db);
    },
  });
}
