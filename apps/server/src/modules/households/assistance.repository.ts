import { type Insertable, type SqlBool, sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { updateAtVersion } from '../../db/versioned.ts';
import type { HelperTable, MeasureTable, VisitTable } from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import { memberInScope } from '../../lib/scope.ts';
import { activeHelper } from './coverage.repository.ts';

/** The SQL of households' helpers (stacked assistance), of visits to them and of the measures agreed with them. */

/** A household's helpers, past and present, with their units: the primary ones first, then by start. */
export const helpersOf = (db: Executor, householdId: string) =>
  db
    .selectFrom('helpers as hp')
    .innerJoin('members as p', 'p.id', 'hp.member_id')
    .innerJoin('units as u', 'u.id', 'p.unit_id')
    .select([
      'hp.id',
      'hp.member_id',
      'p.name',
      'u.name as unit_name',
      'hp.role',
      'hp.is_primary',
      'hp.reason',
      'hp.start_on',
      'hp.end_on',
      'hp.end_reason',
      'hp.version',
    ])
    .where('hp.household_id', '=', householdId)
    .orderBy('hp.is_primary', 'desc')
    .orderBy('hp.start_on')
    .execute();

/**
 * A member who may help a household of `villageCode`: one the actor can see, or one whose unit sits above the
 * village (a county bureau's police officer, a township health centre's doctor).
 */
export const helperCandidate = (db: Executor, actor: Actor, memberId: string, villageCode: string) =>
  db
    .selectFrom('members')
    .select(['id', 'party_status'])
    .where('id', '=', memberId)
    .where((eb) => eb.or([memberInScope(actor), sql<SqlBool>`${villageCode} like members.region_code || '%'`]))
    .executeTakeFirst();

/** A household's helpers in force on that day. */
export const helpersInForce = (db: Executor, householdId: string, day: string) =>
  db
    .selectFrom('helpers as hp')
    .select(['hp.member_id', 'hp.is_primary'])
    .where('hp.household_id', '=', householdId)
    .where(activeHelper(day))
    .execute();

/** The helpers in force on that day of these households, with their names: the primary ones first, then by start. */
export const helpersInForceOf = (db: Executor, householdIds: string[], day: string) =>
  householdIds.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('helpers as hp')
        .innerJoin('members as p', 'p.id', 'hp.member_id')
        .select(['hp.household_id', 'hp.member_id', 'p.name', 'hp.is_primary'])
        .where('hp.household_id', 'in', householdIds)
        .where(activeHelper(day))
        .orderBy('hp.household_id')
        .orderBy('hp.is_primary', 'desc')
        .orderBy('hp.start_on')
        .orderBy('hp.id')
        .execute();

export const insertHelper = (tx: Executor, row: HelperTable) => tx.insertInto('helpers').values(row).execute();

/** A helper assignment of this household. */
export const helperOf = (db: Executor, householdId: string, id: string) =>
  db.selectFrom('helpers').selectAll().where('id', '=', id).where('household_id', '=', householdId).executeTakeFirst();

/** Ends the assignment if it is still at `version`; false when someone changed it meanwhile. */
export const endAssignment = (tx: Executor, id: string, version: number, endOn: string, endReason: string) =>
  updateAtVersion(tx, 'helpers', id, version, { end_on: endOn, end_reason: endReason });

/** A household's visits, newest first. */
export const visitsOf = (db: Executor, householdId: string) =>
  db
    .selectFrom('visits')
    .selectAll()
    .where('household_id', '=', householdId)
    .orderBy('visited_on', 'desc')
    .orderBy('id')
    .execute();

/** Who made these visits, by name. */
export const visitHelpers = (db: Executor, visitIds: string[]) =>
  visitIds.length
    ? db
        .selectFrom('visit_helpers as vh')
        .innerJoin('members as p', 'p.id', 'vh.member_id')
        .select(['vh.visit_id', 'p.name'])
        .where('vh.visit_id', 'in', visitIds)
        .execute()
    : Promise.resolve([]);

/** Those of these members who helped the household on that day. */
export const helpersOn = (db: Executor, householdId: string, memberIds: string[], day: string) =>
  db
    .selectFrom('helpers')
    .select('member_id')
    .where('household_id', '=', householdId)
    .where('member_id', 'in', memberIds)
    .where('start_on', '<=', day)
    .where((eb) => eb.or([eb('end_on', 'is', null), eb('end_on', '>', day)]))
    .execute();

/** A visit and who made it. */
export async function insertVisit(tx: Executor, row: Insertable<VisitTable>, helperIds: readonly string[]) {
  await tx.insertInto('visits').values(row).execute();
  for (const m of new Set(helperIds))
    await tx
      .insertInto('visit_helpers')
      .values({ visit_id: row.id as string, member_id: m })
      .execute();
}

/** A household's measures with the unit that provides each, newest first. */
export const measuresOf = (db: Executor, householdId: string) =>
  db
    .selectFrom('measures as m')
    .leftJoin('units as u', 'u.id', 'm.unit_id')
    .selectAll('m')
    .select('u.name as unit_name')
    .where('m.household_id', '=', householdId)
    .orderBy('m.start_on', 'desc')
    .orderBy('m.id')
    .execute();

export const unitExists = async (db: Executor, id: string) =>
  Boolean(await db.selectFrom('units').select('id').where('id', '=', id).executeTakeFirst());

export const insertMeasure = (tx: Executor, row: Insertable<MeasureTable>) =>
  tx.insertInto('measures').values(row).execute();

/** A measure of this household. */
export const measureOf = (db: Executor, householdId: string, id: string) =>
  db.selectFrom('measures').selectAll().where('id', '=', id).where('household_id', '=', householdId).executeTakeFirst();

export const acknowledgeMeasure = (tx: Executor, id: string, version: number, on: string) =>
  updateAtVersion(tx, 'measures', id, version, { acknowledged_on: on });
