import type { Insertable } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { updateAtVersion } from '../../db/versioned.ts';
import type { MeasureTable, VisitTable } from '../../db/types.ts';

/** The SQL of visits to households and of the assistance measures agreed with them. */

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
