import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { householdInScope, underRegion } from '../../lib/scope.ts';
import { householdStatusOn } from '../households/households.repository.ts';
import { overdueOn } from '../items/deadlines.repository.ts';
import { endOfDay, itemInScope, reopensBy, statusAt } from '../items/items.repository.ts';

/**
 * What the cockpit reads (cockpit.ts computes its figures from it): the actor's items and households as they were at
 * the end of a day, under `region` when given, the ledgers computed by then and the townships.
 */

/** The actor's items created by the end of the day, each with its status then and its reopenings by then. */
export function itemsOn(db: Executor, actor: Actor, asOf: string, today: string, region?: string) {
  let q = db
    .selectFrom('items as i')
    .where(itemInScope(actor, 'i'))
    .where('i.created_at', '<', endOfDay(asOf))
    .select([
      'i.id',
      'i.region_code',
      'i.created_at',
      'i.closed_at',
      'i.resident_confirmed_at',
      'i.resident_rating',
      'i.resident_rated_at',
      'i.escalated_at',
    ])
    .select([
      statusAt(asOf, today).as('status_on'),
      // Overdue by the working-day clock as it stood that day (the drill-down's `overdue` filter, deadlines.repository.ts).
      sql<number>`case when ${overdueOn(asOf, statusAt(asOf, today))} then 1 else 0 end`.as('overdue'),
      // Reopenings are indexed apart (migration 0020): a small index that stays in memory.
      reopensBy(asOf).as('reopens'),
    ]);
  if (region) q = q.where(underRegion('i.region_code', region));
  return q.execute();
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
    .select(['l.scope_code', 'l.tier', 'l.version', 'l.rows_json', 'l.period_from', 'l.period_to'])
    .where(underRegion('l.scope_code', scope))
    .where('l.computed_at', '<', endOfDay(asOf))
    .orderBy('l.period_to', 'desc')
    .orderBy('l.version', 'desc')
    .execute();

/** The townships under a region, in code order. */
export const townshipsUnder = (db: Executor, region: string) =>
  db
    .selectFrom('regions')
    .select(['code', 'name'])
    .where('level', '=', 'township')
    .where(underRegion('code', region))
    .orderBy('code')
    .execute();
