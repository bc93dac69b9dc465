import { todayInShanghai } from '@lianjian/shared';
import { type Insertable, type Updateable, sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { updateAtVersion } from '../../db/versioned.ts';
import type { ExitApplicationTable, ExitEventTable } from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import { nowIso } from '../../lib/ids.ts';
import { householdInScope, householdServed, underRegion } from '../../lib/scope.ts';

/** All SQL of the poverty-exit procedure (DOMAIN §6): applications, their trail, and the rows they touch. */

/**
 * Applications the actor reads (those of households in its scope), with the household's facts, the verifier's name,
 * and whether the actor's organization serves the household today (the policies' `served`).
 */
export function applicationsInScope(db: Executor, actor: Actor, today = todayInShanghai()) {
  return db
    .selectFrom('exit_applications as e')
    .innerJoin('households as h', 'h.id', 'e.household_id')
    .innerJoin('regions as g', 'g.code', 'h.region_code')
    .selectAll('e')
    .leftJoin('units as vu', 'vu.id', 'e.verified_by_unit_id')
    .leftJoin('members as vm', 'vm.id', 'e.verified_by_member_id')
    .select([
      'h.head_name',
      'h.head_initials',
      'g.name as region_name',
      'h.region_code',
      'h.per_capita_income',
      'h.status as household_status',
    ])
    .select(['vu.name as verifier_unit_name', 'vm.name as verifier_member_name', 'vm.title as verifier_member_title'])
    .select(sql<number>`case when ${householdServed(actor, today, 'h')} then 1 else 0 end`.as('served'))
    .where(householdInScope(actor, 'h'));
}

export type ApplicationRow = Awaited<ReturnType<ReturnType<typeof applicationsInScope>['executeTakeFirstOrThrow']>>;

/** The trails of these applications, oldest step first. */
export const eventsOf = (db: Executor, applicationIds: string[]) =>
  applicationIds.length
    ? db
        .selectFrom('exit_events')
        .selectAll()
        .where('application_id', 'in', applicationIds)
        .orderBy('created_at')
        .orderBy('id')
        .execute()
    : Promise.resolve([]);

/** The household's application that is neither announced nor rejected, if any (one open application at a time). */
export const openApplicationOf = (db: Executor, householdId: string) =>
  db
    .selectFrom('exit_applications')
    .select('id')
    .where('household_id', '=', householdId)
    .where('status', 'not in', ['announced', 'rejected'])
    .executeTakeFirst();

export async function insertApplication(tx: Executor, row: ExitApplicationTable, event: Insertable<ExitEventTable>) {
  await tx.insertInto('exit_applications').values(row).execute();
  await tx.insertInto('exit_events').values(event).execute();
}

/** Moves the application on if it is still at `version`; false when someone changed it meanwhile. */
export const updateApplication = (tx: Executor, id: string, version: number, set: Updateable<ExitApplicationTable>) =>
  updateAtVersion(tx, 'exit_applications', id, version, set);

export const insertEvent = (tx: Executor, event: Insertable<ExitEventTable>) =>
  tx.insertInto('exit_events').values(event).execute();

/** The announcement takes the household off the register of the poor on that day. */
export const markExited = (tx: Executor, householdId: string, on: string) =>
  tx
    .updateTable('households')
    .set((eb) => ({
      status: 'exited',
      exit_year: Number(on.slice(0, 4)),
      exited_on: on,
      version: eb('version', '+', 1),
      updated_at: nowIso(),
    }))
    .where('id', '=', householdId)
    .execute();

/** A unit of the county (the village work team that verified). */
/** A person of the county's register (the first secretary who verified). */
export const countyMember = (tx: Executor, id: string, county: string) =>
  tx
    .selectFrom('members')
    .select(['id', 'name', 'title'])
    .where('id', '=', id)
    .where(underRegion('region_code', county))
    .executeTakeFirst();
