import { todayInShanghai } from '@lianjian/shared';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import { holdRow } from '../../db/locks.ts';
import type { HouseholdPersonTable, HouseholdTable } from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import { Problem, forbidden, notFound } from '../../lib/problem.ts';
import { householdInScope, householdServed } from '../../lib/scope.ts';

/** A household the actor reads (404 outside its scope): its id, village and status. */
export async function readableHousehold(db: Executor, actor: Actor, id: string) {
  const h = await db
    .selectFrom('households as h')
    .select(['h.id', 'h.region_code', 'h.status'])
    .where('h.id', '=', id)
    .where(householdInScope(actor, 'h'))
    .executeTakeFirst();
  if (!h) throw notFound('农户');
  return h;
}

/**
 * A household the actor is about to change. Outside what the actor reads it does not exist (404); inside it but not
 * served by the actor's organization (no current helper of the household is a current member there), the change is
 * refused with 403 `household_not_served`: a branch reads the households of the villages it covers, and changes
 * only those it serves.
 */
export async function servedHousehold(db: Executor, actor: Actor, id: string) {
  const h = await db
    .selectFrom('households as h')
    .select(['h.id', 'h.region_code', 'h.status', 'h.version'])
    .select(sql<number>`case when ${householdServed(actor, todayInShanghai(), 'h')} then 1 else 0 end`.as('served'))
    .where('h.id', '=', id)
    .where(householdInScope(actor, 'h'))
    .executeTakeFirst();
  if (!h) throw notFound('农户');
  if (Number(h.served) !== 1)
    throw forbidden('household_not_served', '该户不由本组织的帮扶人联系，只能查看，不能登记或修改');
  // Every change of a household checks a rule over its rows first (one primary helper, one open application, one open
  // case): writers of one household take turns, or two at once would both pass the check.
  await holdRow(db, 'households', id);
  return h;
}

/** A region by its code: its level tells a village. */
export const regionByCode = (db: Executor, code: string) =>
  db.selectFrom('regions').select(['code', 'level']).where('code', '=', code).executeTakeFirst();

/** A newly registered household and its people. */
export async function insertHousehold(tx: Executor, household: HouseholdTable, people: HouseholdPersonTable[]) {
  await tx.insertInto('households').values(household).execute();
  await tx.insertInto('household_people').values(people).execute();
}

/**
 * Refusals of people registered outside one's scope an account may meet in a day (a sliding 24 hours) before its
 * registrations pause: a township registers a person who moved from elsewhere now and then, while someone testing
 * which ID numbers the county holds needs many.
 */
export const DUPLICATE_ATTEMPTS_PER_DAY = 5;

export const registrationPaused = () =>
  new Problem(
    429,
    'registration_paused',
    `本账号 24 小时内已 ${DUPLICATE_ATTEMPTS_PER_DAY} 次登记已在其他辖区建档的人员，建档登记暂停；请联系县级管理员核实`,
  );

/**
 * The account's refusals of the last 24 hours. Read after the transaction wrote its audit row: that write holds the
 * audit head's lock (audit.service.ts) until commit, so registrations sent at the same moment are counted one after
 * another, and ten probes at once cannot all slip under the limit.
 */
export async function duplicateAttemptsOfDay(tx: Executor, actor: Actor): Promise<number> {
  const since = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString();
  const r = await tx
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('action', '=', 'household.duplicate_attempt')
    .where('user_id', '=', actor.userId)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * The people among these (by the blind index of their ID numbers) already in the register, each with its household
 * and whether the actor's scope reaches it: a registration or an import names only those in its scope.
 */
export async function peopleRegistered(db: Executor, actor: Actor, indexes: string[]) {
  const rows = await db
    .selectFrom('household_people as p')
    .innerJoin('households as h', 'h.id', 'p.household_id')
    .innerJoin('regions as g', 'g.code', 'h.region_code')
    .select(['p.id_number_index', 'h.id as household_id', 'h.head_name', 'g.name as village'])
    .select(sql<number>`case when ${householdInScope(actor, 'h')} then 1 else 0 end`.as('in_scope'))
    .where('p.id_number_index', 'in', indexes)
    .execute();
  return rows.map(({ in_scope, ...r }) => ({ ...r, inScope: Number(in_scope) === 1 }));
}

/**
 * Whether the household had left the register by `day`: from the day its exit was announced, or, for a household
 * known only by its exit year (an imported register), from the first day of that year.
 */
export function exitedBy(day: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(case when h.exited_on is not null then h.exited_on <= ${day} else h.exit_year <= ${Number(day.slice(0, 4))} end)`;
}

/** Whether the household's exit falls between `from` and `to` (by day, or by year when only the year is known). */
export function exitedBetween(from: string, to: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(case when h.exited_on is not null then h.exited_on >= ${from} and h.exited_on <= ${to}
    else h.exit_year >= ${Number(from.slice(0, 4))} and h.exit_year <= ${Number(to.slice(0, 4))} end)`;
}

/**
 * A household's status on a past day, from its dated records: registered until the day it exited, monitored
 * from the county's decision until risk elimination, risk-eliminated from then.
 */
export function householdStatusOn(status: string, day: string): RawBuilder<SqlBool> {
  const monitoredOn = sql<SqlBool>`exists (select 1 from monitoring_cases sm where sm.household_id = h.id and sm.decided_on <= ${day}
    and (sm.eliminated_on is null or sm.eliminated_on > ${day}) and sm.status <> 'dropped')`;
  switch (status) {
    case 'registered':
      return sql<SqlBool>`(((h.status in ('registered', 'returned') and h.exit_year is null) or (h.exit_year is not null and not ${exitedBy(day)})) and not ${monitoredOn})`;
    case 'exited':
      return sql<SqlBool>`(h.exit_year is not null and ${exitedBy(day)} and not ${monitoredOn})`;
    case 'monitored':
      return monitoredOn;
    case 'risk_eliminated':
      return sql<SqlBool>`exists (select 1 from monitoring_cases se where se.household_id = h.id and se.eliminated_on <= ${day})`;
    default:
      return sql<SqlBool>`h.status = ${status}`;
  }
}
