import { DEADLINE_TARGET_DEFAULTS, REPORT_CATEGORIES } from '@lianjian/shared';
import { type RawBuilder, type SqlBool, sql } from 'kysely';

/**
 * An item's resolution clock in SQL (DOMAIN §9a), the same count as `deadline-clock.ts` `clockOf` so that a figure
 * and its drill-down agree: the working days after the day the item was listed up to `day`, less the working days
 * it was paused by then (each pause from the later of its start and the listing, up to the earlier of its end and
 * `day`; a pause begun after `day` or a closure after it plays no part). Working days are read from `calendar_days`
 * (migration 0043): a day the calendar does not know has no row, the count is null and nothing is decided about it.
 *
 * One deadline: the working-day resolution target (the county's setting for the item's category in the year it was
 * listed, else the default), or the completion date staff set (`due_on`, 完成时限) when that comes earlier; staff may
 * tighten the deadline, never loosen it. An item is overdue on a day when it is not closed then and either has used
 * more working days than its target or that day is past the date staff set. A pause stops the working days, not a
 * date staff set (they may move it, audited).
 */

const ordinalOf = (day: RawBuilder<unknown>) =>
  sql<number | null>`(select cd.ordinal from calendar_days cd where cd.day = ${day})`;

/** The working days item `alias` had used of its resolution target by the end of `day`; null outside the calendar. */
export function resolutionUsedOn(day: string, alias = 'i'): RawBuilder<number | null> {
  const listed = sql.ref(`${alias}.listed_on`);
  const id = sql.ref(`${alias}.id`);
  const from = sql`case when p.started_on > ${listed} then p.started_on else ${listed} end`;
  const to = sql`case when p.ended_on is not null and p.ended_on < ${day} then p.ended_on else ${day} end`;
  return sql<
    number | null
  >`(${ordinalOf(sql`${day}`)} - ${ordinalOf(listed)} - coalesce((select sum(${ordinalOf(to)} - ${ordinalOf(from)})
    from item_pauses p where p.item_id = ${id} and p.started_on < ${day}
      and (${from}) < (${to})), 0))`;
}

/** The item's resolution target in working days: its county's setting for the category as of the listing year. */
export function resolutionTarget(alias = 'i'): RawBuilder<number> {
  const category = sql.ref(`${alias}.category`);
  const known = sql.join(REPORT_CATEGORIES.map((c) => sql.lit(c)));
  // A category the settings do not know counts as `other`, as the clock does.
  const key = sql`'resolution_days:' || case when ${category} in (${known}) then ${category} else 'other' end`;
  const defaults = sql.join(
    REPORT_CATEGORIES.map((c) => sql`when ${sql.lit(c)} then ${sql.lit(DEADLINE_TARGET_DEFAULTS[c].resolution)}`),
    sql` `,
  );
  return sql<number>`coalesce((select cast(s.value as integer) from settings s
      where s.county_code = (select substr(so.region_code, 1, 6) from temporary_orgs so where so.id = ${sql.ref(`${alias}.org_id`)})
        and s.year <= cast(substr(${sql.ref(`${alias}.listed_on`)}, 1, 4) as integer) and s.key = ${key}
      order by s.year desc limit 1),
    case ${category} ${defaults} else ${sql.lit(DEADLINE_TARGET_DEFAULTS.other.resolution)} end)`;
}

/**
 * Whether item `alias`, not closed on `day` (`statusOn`, its status at the end of that day), was past its resolution
 * target then: 1 or 0 on both databases, never null (a day outside the calendar is not overdue).
 */
export function overdueOn(day: string, statusOn: RawBuilder<string>, alias = 'i'): RawBuilder<SqlBool> {
  const set = sql.ref(`${alias}.due_on`);
  return sql<SqlBool>`(case when ${statusOn} <> 'closed' and (${resolutionUsedOn(day, alias)} > ${resolutionTarget(alias)}
    or (${set} is not null and ${set} < ${day})) then 1 else 0 end) = 1`;
}

/**
 * The working day item `alias`'s resolution target runs out on, counting the pauses up to `today` (a running pause
 * moves it on day by day). Null when the calendar does not reach it.
 */
export function resolutionDueOn(today: string, alias = 'i'): RawBuilder<string | null> {
  const dueOrdinal = sql`${ordinalOf(sql`${today}`)} - ${resolutionUsedOn(today, alias)} + ${resolutionTarget(alias)}`;
  return sql<
    string | null
  >`(select min(cd.day) from calendar_days cd where cd.working = 1 and cd.ordinal = ${dueOrdinal})`;
}

/**
 * The item's one deadline as of `today`: the earlier of its working-day resolution day (`resolutionDueOn`) and the
 * date staff set; what the item, the lists, the board, the export and the reminders show and sort by.
 */
export function deadlineOn(today: string, alias = 'i'): RawBuilder<string | null> {
  const set = sql.ref(`${alias}.due_on`);
  const target = resolutionDueOn(today, alias);
  return sql<string | null>`(case when ${set} is not null and (${target} is null or ${set} < ${target}) then ${set}
    else ${target} end)`;
}
