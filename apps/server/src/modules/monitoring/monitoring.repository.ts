import { todayInShanghai } from '@lianjian/shared';
import { type Insertable, type SqlBool, type Updateable, sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { updateAtVersion } from '../../db/versioned.ts';
import type { MonitoringCaseTable, MonitoringEventTable } from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import { nowIso } from '../../lib/ids.ts';
import { householdInScope, householdServed } from '../../lib/scope.ts';
import { SETTING_DEFAULTS } from '../settings/settings.repository.ts';

/** All SQL of return-to-poverty monitoring (DOMAIN §7): cases, their trail, early warning, and the rows they touch. */

const served = (actor: Actor, today: string) =>
  sql<number>`case when ${householdServed(actor, today, 'h')} then 1 else 0 end`.as('served');

/** Cases the actor reads (those of households in its scope), with whether the actor's organization serves the household today. */
export function casesInScope(db: Executor, actor: Actor, today = todayInShanghai()) {
  return db
    .selectFrom('monitoring_cases as m')
    .innerJoin('households as h', 'h.id', 'm.household_id')
    .innerJoin('regions as g', 'g.code', 'h.region_code')
    .selectAll('m')
    .select(['h.head_name', 'g.name as region_name', 'h.region_code', 'h.status as household_status'])
    .select(served(actor, today))
    .select(
      sql<number>`case when exists (select 1 from household_people hp where hp.household_id = h.id and hp.labour in ('normal', 'skilled')) then 1 else 0 end`.as(
        'has_labour',
      ),
    )
    .where(householdInScope(actor, 'h'));
}

export type CaseRow = Awaited<ReturnType<ReturnType<typeof casesInScope>['executeTakeFirstOrThrow']>>;

export const eventsOf = (db: Executor, caseIds: string[]) =>
  caseIds.length
    ? db
        .selectFrom('monitoring_events')
        .selectAll()
        .where('case_id', 'in', caseIds)
        .orderBy('created_at')
        .orderBy('id')
        .execute()
    : Promise.resolve([]);

/** Not in a case still open: neither dropped nor eliminated. */
const notInOpenCase = sql<SqlBool>`not exists (select 1 from monitoring_cases m where m.household_id = h.id and m.status not in ('dropped', 'eliminated'))`;

/** The household's open case, if any (one at a time). */
export const openCaseOf = (db: Executor, householdId: string) =>
  db
    .selectFrom('monitoring_cases')
    .select('id')
    .where('household_id', '=', householdId)
    .where('status', 'not in', ['dropped', 'eliminated'])
    .executeTakeFirst();

/** The county's monitoring line for the year, in SQL: the latest year set at or before it, else the default. */
const monitoringLine = (year: number) =>
  sql<number>`cast(coalesce((select s.value from settings s where s.county_code = substr(h.region_code, 1, 6)
    and s.key = 'monitoring_line' and s.year <= ${year} order by s.year desc limit 1),
    ${SETTING_DEFAULTS.monitoring_line}) as numeric)`;

/**
 * The households that may be on the year's early warning, all of them (the service decides each one's reasons and
 * pages the list): out of poverty and in no open case, with an income per head under their county's monitoring line
 * (unless returned to poverty), or with a visit this year that recorded risks.
 */
export const warningHouseholds = (db: Executor, actor: Actor, year: number) =>
  db
    .selectFrom('households as h')
    .innerJoin('regions as g', 'g.code', 'h.region_code')
    .select(['h.id', 'h.head_name', 'g.name as region_name', 'h.status', 'h.per_capita_income', 'h.region_code'])
    .select(sql<number>`h.income_wages + h.income_business + h.income_transfer + h.income_property`.as('income'))
    .select(served(actor, todayInShanghai()))
    .where(householdInScope(actor, 'h'))
    .where('h.status', 'in', ['exited', 'risk_eliminated', 'returned'])
    .where(notInOpenCase)
    .where((eb) =>
      eb.or([
        eb.and([eb('h.status', '!=', 'returned'), eb('h.per_capita_income', '<', monitoringLine(year))]),
        eb.exists(
          eb
            .selectFrom('visits as v')
            .select('v.id')
            .whereRef('v.household_id', '=', 'h.id')
            .where('v.risks_json', 'is not', null)
            .where('v.visited_on', '>=', `${year}-01-01`)
            .where('v.visited_on', '<=', `${year}-12-31`),
        ),
      ]),
    )
    .execute();

/** The year's visits that found a risk, in households in scope not registered poor and in no open case. */
export const riskVisits = (db: Executor, actor: Actor, year: number) =>
  db
    .selectFrom('visits as v')
    .innerJoin('households as h', 'h.id', 'v.household_id')
    .select(['v.household_id', 'v.visited_on', 'v.risks_json'])
    .where(householdInScope(actor, 'h'))
    .where('h.status', '!=', 'registered')
    .where('v.risks_json', 'is not', null)
    .where('v.visited_on', '>=', `${year}-01-01`)
    .where('v.visited_on', '<=', `${year}-12-31`)
    .where(notInOpenCase)
    .execute();

export async function insertCase(tx: Executor, row: MonitoringCaseTable, event: Insertable<MonitoringEventTable>) {
  await tx.insertInto('monitoring_cases').values(row).execute();
  await tx.insertInto('monitoring_events').values(event).execute();
}

/** Moves the case on if it is still at `version`; false when someone changed it meanwhile. */
export const updateCase = (tx: Executor, id: string, version: number, set: Updateable<MonitoringCaseTable>) =>
  updateAtVersion(tx, 'monitoring_cases', id, version, set);

export const insertEvent = (tx: Executor, event: Insertable<MonitoringEventTable>) =>
  tx.insertInto('monitoring_events').values(event).execute();

/** The county's decision shows on the register: the household is monitored, or its risk eliminated. */
export const setHouseholdStatus = (tx: Executor, householdId: string, status: 'monitored' | 'risk_eliminated') =>
  tx
    .updateTable('households')
    .set((eb) => ({ status, version: eb('version', '+', 1), updated_at: nowIso() }))
    .where('id', '=', householdId)
    .execute();

/** Whether anyone in the household can work (normal or skilled labour). */
export const hasLabourCapacity = async (tx: Executor, householdId: string) =>
  Boolean(
    await tx
      .selectFrom('household_people')
      .select('id')
      .where('household_id', '=', householdId)
      .where('labour', 'in', ['normal', 'skilled'])
      .executeTakeFirst(),
  );
