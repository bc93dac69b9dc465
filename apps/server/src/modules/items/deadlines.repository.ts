import { DEADLINE_TARGET_DEFAULTS, type PauseReason, REPORT_CATEGORIES } from '@lianjian/shared';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { ItemChaseTable } from '../../db/types.ts';
import { hasWorkingMembership } from '../../plugins/auth.ts';
import { activeOn } from '../orgs/orgs.repository.ts';

/**
 * What an item's working-day clock is read from (DOMAIN §9a): the day it entered its list, its first response (a progress entry or its acceptance), its closure, and
 * the county it belongs to.
 */
export async function clockFacts(db: Executor, itemIds: string[]) {
  if (itemIds.length === 0) return [];
  return db
    .selectFrom('items as i')
    .innerJoin('problem_lists as l', 'l.id', 'i.list_id')
    .innerJoin('temporary_orgs as o', 'o.id', 'i.org_id')
    .select([
      'i.id',
      'i.category',
      'i.status',
      'i.created_at',
      'i.closed_at',
      'i.escalated_to_org_id',
      'i.responsible_group_id',
      'i.org_id',
      'i.problem',
      'i.no',
      'l.no as list_no',
      'i.listed_on',
      'i.due_on',
      'o.region_code as org_region_code',
      'o.name as org_name',
      sql<string | null>`(select min(ev.at) from item_events ev where ev.item_id = i.id
        and (ev.kind = 'progress' or (ev.kind = 'transition' and ev.to_status = 'in_progress')))`.as(
        'first_response_at',
      ),
    ])
    .where('i.id', 'in', itemIds)
    .execute();
}
export type ClockFacts = Awaited<ReturnType<typeof clockFacts>>[number];

/** The pauses of the items, oldest first. */
export function pausesOf(db: Executor, itemIds: string[]) {
  if (itemIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('item_pauses')
    .selectAll()
    .where('item_id', 'in', itemIds)
    .orderBy('started_at')
    .orderBy('id')
    .execute();
}
export type PauseRow = Awaited<ReturnType<typeof pausesOf>>[number];

export const runningPause = (db: Executor, itemId: string) =>
  db
    .selectFrom('item_pauses')
    .selectAll()
    .where('item_id', '=', itemId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();

export async function insertPause(
  tx: Executor,
  p: { id: string; itemId: string; reason: PauseReason; note: string; on: string; at: string; by: string },
) {
  await tx
    .insertInto('item_pauses')
    .values({
      id: p.id,
      item_id: p.itemId,
      reason: p.reason,
      note: p.note,
      started_on: p.on,
      started_at: p.at,
      started_by: p.by,
      ended_on: null,
      ended_at: null,
      ended_by: null,
    })
    .execute();
}

/** Ends the item's running pause; false when none was running. */
export async function endPause(tx: Executor, itemId: string, e: { on: string; at: string; by: string }) {
  const r = await tx
    .updateTable('item_pauses')
    .set({ ended_on: e.on, ended_at: e.at, ended_by: e.by })
    .where('item_id', '=', itemId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Ends the item's running pause as it leaves the working states (handed in, closed, escalated elsewhere): nobody could
 * resume it there. Answers the pause ended, or null when none was running.
 */
export async function endRunningPause(tx: Executor, itemId: string, e: { on: string; at: string; by: string | null }) {
  const running = await runningPause(tx, itemId);
  if (!running) return null;
  await tx
    .updateTable('item_pauses')
    .set({ ended_on: e.on, ended_at: e.at, ended_by: e.by })
    .where('id', '=', running.id)
    .where('ended_at', 'is', null)
    .execute();
  return { pauseId: running.id, reason: running.reason, since: running.started_on, until: e.on };
}

/**
 * The items a sweep looks at: not closed, not escalated elsewhere, not paused, whose organization is not dissolved.
 * A county has hundreds of open items at most; each is then measured on the calendar.
 */
export async function chaseCandidates(db: Executor, itemId?: string) {
  let q = db
    .selectFrom('items as i')
    .innerJoin('temporary_orgs as o', 'o.id', 'i.org_id')
    .select('i.id')
    .where('i.status', '!=', 'closed')
    .where('i.escalated_to_org_id', 'is', null)
    .where('o.status', '!=', 'dissolved')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('item_pauses as p')
            .select('p.id')
            .whereRef('p.item_id', '=', 'i.id')
            .where('p.ended_at', 'is', null),
        ),
      ),
    )
    .orderBy('i.id');
  if (itemId !== undefined) q = q.where('i.id', '=', itemId);
  return (await q.execute()).map((r) => r.id);
}

/** Members holding one of the roles in the organization on the day. */
export async function holdersOf(db: Executor, orgId: string, roles: ('group_leader' | 'secretary')[], day: string) {
  const rows = await db
    .selectFrom('memberships as m')
    .select('m.member_id')
    .where('m.org_id', '=', orgId)
    .where('m.role', 'in', roles)
    .where(activeOn('m', day))
    .orderBy('m.start_on')
    .execute();
  return rows.map((r) => r.member_id);
}

/**
 * The Party committee over an organization's seat: the township's (乡镇党委) for a seat in a township, else the
 * county's (a county special-task branch).
 */
export async function committeeOver(db: Executor, regionCode: string) {
  const township =
    regionCode.length >= 9
      ? await db
          .selectFrom('party_orgs')
          .select(['id', 'name'])
          .where('kind', '=', 'township_committee')
          .where('region_code', '=', regionCode.slice(0, 9))
          .executeTakeFirst()
      : undefined;
  return (
    township ??
    db
      .selectFrom('party_orgs')
      .select(['id', 'name'])
      .where('kind', '=', 'county_committee')
      .where('region_code', '=', regionCode.slice(0, 6))
      .executeTakeFirst()
  );
}

/** The Party organization that approved the organization's founding, if it was one. */
export async function approvingPartyOrg(db: Executor, orgId: string) {
  const row = await db
    .selectFrom('temporary_orgs')
    .select('approving_party_org_id')
    .where('id', '=', orgId)
    .executeTakeFirst();
  return row?.approving_party_org_id ?? null;
}

/**
 * The accounts that can work today for a member, or acting for a Party organization: active, and (for a member's or
 * a secretary's account) the member still in an organization, as signing in requires. With what their reads are
 * scoped by.
 */
export function accountsOf(db: Executor, who: { memberId: string } | { partyOrgId: string }, today: string) {
  return db
    .selectFrom('users as u')
    .leftJoin('temporary_orgs as o', 'o.id', 'u.scope_org_id')
    .select([
      'u.id',
      'u.username',
      'u.display_name',
      'u.role',
      'u.scope_region_code',
      'u.scope_org_id',
      'u.acting_party_org_id',
      'u.member_id',
      'o.path as org_path',
    ])
    .where('u.active', '=', 1)
    .where((eb) => hasWorkingMembership(eb, today))
    .where(
      'memberId' in who ? 'u.member_id' : 'u.acting_party_org_id',
      '=',
      'memberId' in who ? who.memberId : who.partyOrgId,
    )
    .orderBy('u.id')
    .execute();
}
export type AccountRow = Awaited<ReturnType<typeof accountsOf>>[number];

/** Holds the item's row for the rest of the transaction: pausing and resuming it take turns. */
export async function holdItem(tx: Executor, id: string) {
  await sql`update items set version = version where id = ${id}`.execute(tx);
}

export const chaseExists = async (db: Executor, itemId: string, target: ItemChaseTable['target'], step: number) =>
  (await db
    .selectFrom('item_chases')
    .select('id')
    .where('item_id', '=', itemId)
    .where('target', '=', target)
    .where('step', '=', step)
    .executeTakeFirst()) !== undefined;

/**
 * Writes the chase for the item, target and step unless one is there: two sweeps at once write it once (the key is
 * the item, the target and the step). True when this call wrote it.
 */
export async function insertChase(tx: Executor, c: ItemChaseTable): Promise<boolean> {
  const r = await tx
    .insertInto('item_chases')
    .values(c)
    .onConflict((oc) => oc.columns(['item_id', 'target', 'step']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

export const chasesOfItem = (db: Executor, itemId: string) =>
  db.selectFrom('item_chases').selectAll().where('item_id', '=', itemId).orderBy('on_day').orderBy('step').execute();

export const chaseById = (db: Executor, id: string) =>
  db.selectFrom('item_chases').selectAll().where('id', '=', id).executeTakeFirst();

/** Marks the chase acknowledged; false when it already was. */
export async function acknowledgeChase(tx: Executor, id: string, by: string, at: string) {
  const r = await tx
    .updateTable('item_chases')
    .set({ acknowledged_at: at, acknowledged_by: by })
    .where('id', '=', id)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The chases waiting for the receiver's acknowledgement: to the member, or to the Party organization the account acts for. */
export async function unacknowledgedChases(
  db: Executor,
  receiver: { memberId: string | null; partyOrgId: string | null },
) {
  if (!receiver.memberId && !receiver.partyOrgId) return [];
  return db
    .selectFrom('item_chases')
    .selectAll()
    .where('acknowledged_at', 'is', null)
    .where((eb) =>
      eb.or([
        ...(receiver.memberId ? [eb('receiver_member_id', '=', receiver.memberId)] : []),
        ...(receiver.partyOrgId ? [eb('receiver_party_org_id', '=', receiver.partyOrgId)] : []),
      ]),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(50)
    .execute();
}

// ---------------------------------------------------------------------------------------------------------------
// The clock in SQL
/**
 * An item's resolution clock in SQL (DOMAIN §9a), the same count as `deadline-clock.ts` `clockOf` so that a figure
 * and its drill-down agree: the working days after the day the item was listed up to `day`, less the working days
 * it was paused by then (each pause from the later of its start and the listing, up to the earlier of its end and
 * `day`; a pause begun after `day` or a closure after it plays no part). Working days are read from `calendar_days`
 * (migration 0044): a day the calendar does not know has no row, the count is null and nothing is decided about it.
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
