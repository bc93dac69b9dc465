import { addDays } from '@lianjian/shared';
import { PostgresAdapter, type RawBuilder, sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { householdInScope, underRegion } from '../../lib/scope.ts';
import { householdStatusOn } from '../households/households.repository.ts';
import { overdueOn } from '../items/deadlines.repository.ts';
import { endOfDay, itemInScope, statusAt } from '../items/items.repository.ts';

/**
 * What the cockpit reads (cockpit.ts computes its figures from it): the actor's items and households as they were at
 * the end of a day, under `region` when given, the ledgers computed by then and the townships.
 */

/** The figures of a kind, per township and status (`status`), per value (`close`, `resolver`) or per month. */
export interface ItemFigureRow {
  kind: 'status' | 'close' | 'resolver' | 'created' | 'closed';
  /** The township (first nine digits of the item's place) for `status`, the month (YYYY-MM) for `created`, `closed`. */
  k: string | null;
  /** The status at the end of the day (`status`). */
  s: string | null;
  /** Days in hundredths (`close`: listing to closure, `resolver`: to escalation), as `elapsedDays` rounds them. */
  v: number | null;
  n: number;
  overdue: number;
  closed: number;
  confirmed: number;
  stars: number;
  rated: number;
  reopened: number;
  escalated: number;
  reopened_open: number;
}

/**
 * The hundredths of a day from instant `a` to instant `b` (ISO text), as `elapsedDays` rounds them: the exact
 * milliseconds (SQLite keeps an instant as whole milliseconds behind `julianday`), then floor((ms + 432000) / 864000)
 * in integers, which is Math.round of ms / 864000 on both sides of zero.
 */
function hundredthsOfDays(db: Executor, a: RawBuilder<unknown>, b: RawBuilder<unknown>) {
  const ms =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? sql`cast(extract(epoch from (cast(${b} as timestamptz) - cast(${a} as timestamptz))) * 1000 as bigint)`
      : sql`cast(round((julianday(${b}) - julianday(${a})) * 86400000) as integer)`;
  const d = sql`(${ms} + 432000)`;
  return sql<number>`(case when ${d} >= 0 then ${d} / 864000 else -((863999 - ${d}) / 864000) end)`;
}

/**
 * The Shanghai month (YYYY-MM) of instant `at` among `months` (consecutive, oldest first), by the instants the months
 * start at; `at` is known to be at or after the first month's start and before the last one's end.
 */
function monthOf(at: RawBuilder<unknown>, months: string[]) {
  const cases = months.slice(1).map((m, k) => sql`when ${at} < ${monthStart(m)} then ${months[k]}`);
  return sql<string>`(case ${sql.join(cases, sql` `)} else ${months.at(-1)} end)`;
}

/** The instant a Shanghai month (YYYY-MM) starts, as the UTC text the tables keep. */
const monthStart = (month: string) => endOfDay(addDays(`${month}-01`, -1));

/**
 * The cockpit's item figures in one statement, counted in the database rather than from a county's 20,000 rows: the
 * actor's items created by the end of `asOf` (under `region`), each with its status then, whether it was overdue,
 * closed (its recorded closure before the day ended), confirmed, rated, reopened and escalated by then, read once into
 * a materialized table; then counted per township and status, per value of the days to close and to escalate (for the
 * medians) and per month of creation and closure among `months`.
 */
export async function itemFiguresOn(
  db: Executor,
  actor: Actor,
  asOf: string,
  today: string,
  months: string[],
  region?: string,
): Promise<ItemFigureRow[]> {
  const end = endOfDay(asOf);
  const inRegion = region ? sql`and ${underRegion('i.region_code', region)}` : sql``;
  const since = monthStart(months[0] as string);
  // Closed by the end of the day by its recorded closure, and escalated by then.
  const closed = sql`(d.status_on = 'closed' and d.closed_at is not null and d.closed_at < ${end})`;
  const escalated = sql`(d.escalated_at is not null and d.escalated_at < ${end})`;
  const stars = sql`case when ${closed} and d.resident_rating is not null and d.resident_rated_at < ${end}
    then d.resident_rating end`;
  const count = (condition: RawBuilder<unknown>) => sql`sum(case when ${condition} then 1 else 0 end)`;
  const none = sql`0, 0, 0, 0, 0, 0, 0, 0`;
  // Each item is read once, with its status then (a past day's is a lookup among the events); the clock (overdue)
  // is worked out in the count that needs it.
  const query = sql<ItemFigureRow>`with d as materialized (
      select i.id, substr(i.region_code, 1, 9) as t, i.created_at, i.closed_at, i.escalated_at,
        i.resident_confirmed_at, i.resident_rating, i.resident_rated_at, i.listed_on, i.due_on, i.category, i.org_id,
        ${statusAt(asOf, today)} as status_on,
        case when i.id in (select re.item_id from item_events re where re.from_status = 'closed' and re.at < ${end})
          then 1 else 0 end as reopened
      from items i where ${itemInScope(actor, 'i')} and i.created_at < ${end} ${inRegion}
    )
    select 'status' as kind, d.t as k, d.status_on as s, null as v, count(*) as n,
      ${count(overdueOn(asOf, sql<string>`d.status_on`, 'd'))} as overdue, ${count(closed)} as closed,
      ${count(sql`${closed} and d.resident_confirmed_at < ${end}`)} as confirmed,
      coalesce(sum(${stars}), 0) as stars, count(${stars}) as rated, sum(d.reopened) as reopened,
      ${count(escalated)} as escalated, ${count(sql`d.reopened = 1 and d.status_on <> 'closed'`)} as reopened_open
    from d group by d.t, d.status_on
    union all
    select 'close', null, null, ${hundredthsOfDays(db, sql`d.created_at`, sql`d.closed_at`)}, count(*), ${none}
    from d where ${closed} group by 4
    union all
    select 'resolver', null, null, ${hundredthsOfDays(db, sql`d.created_at`, sql`d.escalated_at`)}, count(*), ${none}
    from d where ${escalated} group by 4
    union all
    select 'created', ${monthOf(sql`d.created_at`, months)}, null, null, count(*), ${none}
    from d where d.created_at >= ${since} group by 2
    union all
    select 'closed', ${monthOf(sql`d.closed_at`, months)}, null, null, count(*), ${none}
    from d where ${closed} and d.closed_at >= ${since} group by 2`;
  return (await query.execute(db)).rows;
}

/** The actor's households registered by the end of the day. */
function householdsOn(db: Executor, actor: Actor, asOf: string, region?: string) {
  let q = db
    .selectFrom('households as h')
    .where(householdInScope(actor, 'h'))
    .where('h.created_at', '<', endOfDay(asOf));
  if (region) q = q.where(underRegion('h.region_code', region));
  return q;
}

/**
 * The households registered that day and their people, by township (the first nine digits of the place). The same
 * rule as the register at a date (`householdStatusOn`), so that a figure and its drill-down always agree.
 */
export const registeredByTownship = (db: Executor, actor: Actor, asOf: string, region?: string) =>
  householdsOn(db, actor, asOf, region)
    .where(householdStatusOn('registered', asOf))
    .select([
      sql<string>`substr(h.region_code, 1, 9)`.as('t'),
      sql<number>`count(*)`.as('n'),
      sql<number>`coalesce(sum((select count(*) from household_people p where p.household_id = h.id)), 0)`.as('people'),
    ])
    .groupBy(sql`substr(h.region_code, 1, 9)`)
    .execute();

/** The households monitored that day (decided by then, not eliminated by then, not dropped), by category. */
export const monitoredByCategory = (db: Executor, actor: Actor, asOf: string, region?: string) =>
  householdsOn(db, actor, asOf, region)
    .innerJoin('monitoring_cases as m', 'm.household_id', 'h.id')
    .where('m.decided_on', '<=', asOf)
    .where((eb) => eb.or([eb('m.eliminated_on', 'is', null), eb('m.eliminated_on', '>', asOf)]))
    .where('m.status', '<>', 'dropped')
    .select(['m.category', sql<number>`count(distinct h.id)`.as('n')])
    .groupBy('m.category')
    .execute();

/** The exit applications made by the day, each with the stage it was in then (its last dated step, else `applied`). */
export const exitStagesOn = (db: Executor, actor: Actor, asOf: string, region?: string) =>
  householdsOn(db, actor, asOf, region)
    .innerJoin('exit_applications as e', 'e.household_id', 'h.id')
    .where('e.applied_on', '<=', asOf)
    .select(
      sql<string>`coalesce((select ev.to_status from exit_events ev where ev.application_id = e.id and ev.to_status is not null and ${sql.ref('ev.on')} <= ${asOf}
        order by ${sql.ref('ev.on')} desc, ev.created_at desc limit 1), 'applied')`.as('stage'),
    )
    .execute();

/** The ledgers of scopes under `scope` computed before the day ended: the latest period first, then the latest version. */
export const ledgersComputedBy = (db: Executor, scope: string, asOf: string) =>
  db
    .selectFrom('ledgers as l')
    .select(['l.id', 'l.scope_code', 'l.tier', 'l.version', 'l.period_from', 'l.period_to'])
    .where(underRegion('l.scope_code', scope))
    .where('l.computed_at', '<', endOfDay(asOf))
    .orderBy('l.period_to', 'desc')
    .orderBy('l.version', 'desc')
    .execute();

/** The rows of the ledgers, by id. */
export const ledgerRows = (db: Executor, ids: string[]) =>
  ids.length
    ? db.selectFrom('ledgers').select(['id', 'rows_json']).where('id', 'in', ids).execute()
    : Promise.resolve([]);

/** The townships under a region, in code order. */
export const townshipsUnder = (db: Executor, region: string) =>
  db
    .selectFrom('regions')
    .select(['code', 'name'])
    .where('level', '=', 'township')
    .where(underRegion('code', region))
    .orderBy('code')
    .execute();
