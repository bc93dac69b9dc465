import { addDays } from '@lianjian/shared';
import { type SqlBool, sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { underRegion } from '../../lib/scope.ts';
import { type CoverageRule, coverageGap } from '../households/coverage.repository.ts';
import { exitedBetween } from '../households/households.repository.ts';
import { endOfDay } from '../items/items.repository.ts';

/**
 * What a ledger is computed from (metrics.ts cuts it per organization): the activities, closed items and supervision
 * findings of its organizations over the period, and the register of the places they cover. `places` are region
 * prefixes none of which covers another.
 */

/** Households in those places: one indexed prefix match per region. */
const inPlaces = (places: string[]) =>
  places.length
    ? sql<SqlBool>`(${sql.join(
        places.map((p) => underRegion('h.region_code', p)),
        sql` or `,
      )})`
    : sql<SqlBool>`1 = 0`;

/**
 * The households in those places helped during the period (still in the register at its end, or left it during the
 * period), with their visits of the period and their primary helpers at its end; by the head's initials.
 */
export const assistedIn = (db: Executor, places: string[], from: string, to: string) =>
  db
    .selectFrom('households as h')
    .select(['h.id', 'h.head_name', 'h.region_code'])
    // Counted per household by index (visits_household, helpers_household): a join grouped by household makes
    // SQLite read every visit of the county instead.
    .select(
      sql<number>`(select count(*) from visits v where v.household_id = h.id and v.visited_on >= ${from} and v.visited_on <= ${to})`.as(
        'visits',
      ),
    )
    .select(
      sql<number>`(select count(*) from helpers hp where hp.household_id = h.id and hp.is_primary = 1 and hp.start_on <= ${to} and (hp.end_on is null or hp.end_on > ${to}))`.as(
        'primaries',
      ),
    )
    .where((eb) => eb.or([eb('h.status', 'in', ['registered', 'monitored']), exitedBetween(from, to)]))
    .where(inPlaces(places))
    .orderBy('h.head_initials')
    .orderBy('h.id')
    .execute();

/** The households in those places whose exit falls in the period. */
export const exitedIn = (db: Executor, places: string[], from: string, to: string) =>
  db
    .selectFrom('households as h')
    .select(['h.id', 'h.head_name', 'h.region_code', 'h.exit_year', 'h.exited_on'])
    .where(exitedBetween(from, to))
    .where(inPlaces(places))
    .execute();

/** The households in those places whose monitoring risk was eliminated in the period, with the day. */
export const eliminatedIn = (db: Executor, places: string[], from: string, to: string) =>
  db
    .selectFrom('monitoring_cases as m')
    .innerJoin('households as h', 'h.id', 'm.household_id')
    .select(['h.id', 'h.head_name', 'h.region_code', 'm.eliminated_on'])
    .where('m.eliminated_on', '>=', from)
    .where('m.eliminated_on', '<=', to)
    .where(inPlaces(places))
    .execute();

/** The households in those places (of one county) with a coverage gap on the day under its rules; by the head's initials. */
export const gapsIn = (db: Executor, places: string[], rules: CoverageRule[], day: string) =>
  db
    .selectFrom('households as h')
    .select(['h.id', 'h.head_name', 'h.region_code'])
    .where(inPlaces(places))
    .where(coverageGap(rules, day))
    .orderBy('h.head_initials')
    .orderBy('h.id')
    .execute();

/** These organizations' activities held in the period, with the attendance present and expected; by day. */
export const activitiesOf = (db: Executor, orgIds: string[], from: string, to: string) =>
  db
    .selectFrom('activities as a')
    .select(['a.id', 'a.org_id', 'a.kind', 'a.held_on', 'a.topic'])
    .select([
      sql<number>`(select count(*) from activity_attendance t where t.activity_id = a.id and t.status = 'present')`.as(
        'present',
      ),
      sql<number>`(select count(*) from activity_attendance t where t.activity_id = a.id)`.as('expected'),
    ])
    .where('a.org_id', 'in', orgIds)
    .where('a.held_on', '>=', from)
    .where('a.held_on', '<=', to)
    .orderBy('a.held_on')
    .orderBy('a.id')
    .execute();

/** These organizations' items closed in the period (by the day of the close), in the order they closed. */
export const closedInPeriod = (db: Executor, orgIds: string[], from: string, to: string) =>
  db
    .selectFrom('items as i')
    .select(['i.id', 'i.org_id', 'i.problem', 'i.closed_at', 'i.reopened_count', 'i.resident_confirmed_at'])
    .where('i.org_id', 'in', orgIds)
    .where('i.status', '=', 'closed')
    .where(sql<SqlBool>`substr(i.closed_at, 1, 10) >= ${from} and substr(i.closed_at, 1, 10) <= ${to}`)
    .orderBy('i.closed_at')
    .orderBy('i.id')
    .execute();

/**
 * The residents' ratings given in the period (Shanghai days, the latest rating of each item standing) on the items of
 * these organizations, by when they were given.
 */
export const ratedInPeriod = (db: Executor, orgIds: string[], from: string, to: string) =>
  db
    .selectFrom('items as i')
    .select(['i.id', 'i.org_id', 'i.problem', 'i.resident_rating'])
    .where('i.org_id', 'in', orgIds)
    .where('i.resident_rating', 'is not', null)
    .where('i.resident_rated_at', '>=', endOfDay(addDays(from, -1)))
    .where('i.resident_rated_at', '<', endOfDay(to))
    .orderBy('i.resident_rated_at')
    .orderBy('i.id')
    .execute();

/** The supervision findings on these organizations in the period, by day. */
export const findingsOf = (db: Executor, orgIds: string[], from: string, to: string) =>
  db
    .selectFrom('supervision_records as s')
    .select(['s.id', 's.org_id', 's.supervised_on', 's.findings', 's.score_effect'])
    .where('s.org_id', 'in', orgIds)
    .where('s.supervised_on', '>=', from)
    .where('s.supervised_on', '<=', to)
    .orderBy('s.supervised_on')
    .orderBy('s.id')
    .execute();
