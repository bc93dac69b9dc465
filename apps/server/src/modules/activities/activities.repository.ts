import { type Insertable, sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type {
  ActivityAttendanceTable,
  ActivityDecisionTable,
  ActivityTable,
  MeetingReminderTable,
} from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import { nowIso } from '../../lib/ids.ts';
import { orgInScope } from '../../lib/scope.ts';
import { activeOn } from '../orgs/orgs.repository.ts';
import { orgInReach as orgInScopeById } from '../orgs/orgs.repository.ts';

/** All SQL of organizational life: meetings, attendance, decisions and meeting reminders (DOMAIN §5, 三会一课). */

/** An organization in the actor's scope, with what the rules of meetings look at. */
/** The organization in the actor's scope, with what this module's rules read of it. */
export const orgInReach = (db: Executor, actor: Actor, orgId: string) =>
  orgInScopeById(db, actor, orgId, [
    'id',
    'name',
    'level',
    'status',
    'path',
    'parent_id',
    'established_on',
    'dissolved_on',
  ] as const);

/** Who belonged to the organization on that day (memberships as of the day, not as of today), leaders first. */
export const membersOn = (db: Executor, orgId: string, on: string) =>
  db
    .selectFrom('memberships as m')
    .innerJoin('members as p', 'p.id', 'm.member_id')
    .innerJoin('units as u', 'u.id', 'p.unit_id')
    .select(['m.id as membership_id', 'm.member_id', 'm.role', 'p.name', 'p.name_initials', 'u.name as unit_name'])
    .where('m.org_id', '=', orgId)
    .where(activeOn('m', on))
    .orderBy(
      sql`case m.role when 'secretary' then 0 when 'deputy_secretary' then 1 when 'group_leader' then 2 when 'committee_member' then 3 else 4 end`,
    )
    .orderBy('p.name_initials')
    .execute();

/** Staff of the units linked to the organization on that day who are not its members: joint-activity guests. */
export function guestsOn(db: Executor, orgId: string, on: string, exclude: string[]) {
  let q = db
    .selectFrom('org_units as ou')
    .innerJoin('members as p', 'p.unit_id', 'ou.unit_id')
    .innerJoin('units as u', 'u.id', 'p.unit_id')
    .select(['p.id as member_id', 'p.name', 'u.name as unit_name'])
    .where('ou.org_id', '=', orgId)
    .where('ou.linked_on', '<=', on)
    .orderBy('u.name')
    .orderBy('p.name_initials')
    .limit(300);
  if (exclude.length) q = q.where('p.id', 'not in', exclude);
  return q.execute();
}

/**
 * A meeting with its attendance and decisions, in the caller's transaction; a group meeting resolves the group's open
 * reminders.
 */
export async function insertActivity(
  tx: Executor,
  row: ActivityTable,
  attendance: Insertable<ActivityAttendanceTable>[],
  decisions: Insertable<ActivityDecisionTable>[],
) {
  await tx.insertInto('activities').values(row).execute();
  for (let i = 0; i < attendance.length; i += 200)
    await tx
      .insertInto('activity_attendance')
      .values(attendance.slice(i, i + 200))
      .execute();
  for (const d of decisions) await tx.insertInto('activity_decisions').values(d).execute();
  if (row.kind === 'group_meeting') {
    await tx
      .updateTable('meeting_reminders')
      .set({ resolved_on: row.held_on, resolved_by_activity_id: row.id })
      .where('org_id', '=', row.org_id)
      .where('resolved_on', 'is', null)
      .execute();
  }
}

/** Meetings of organizations in scope, with their attendance counts and number of decisions. */
export const summaries = (db: Executor, actor: Actor) =>
  db
    .selectFrom('activities as a')
    .innerJoin('temporary_orgs as o', 'o.id', 'a.org_id')
    .where(orgInScope(actor, 'o'))
    .selectAll('a')
    .select([
      'o.name as org_name',
      sql<number>`(select count(*) from activity_attendance t where t.activity_id = a.id and t.status = 'present')`.as(
        'present',
      ),
      sql<number>`(select count(*) from activity_attendance t where t.activity_id = a.id and t.status = 'excused')`.as(
        'excused',
      ),
      sql<number>`(select count(*) from activity_attendance t where t.activity_id = a.id and t.status = 'absent')`.as(
        'absent',
      ),
      sql<number>`(select count(*) from activity_decisions d where d.activity_id = a.id)`.as('decisions'),
    ]);

export type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaries>['execute']>>[number];

/** A meeting's attendance (members first, then guests) by name. */
export const attendanceOf = (db: Executor, activityId: string) =>
  db
    .selectFrom('activity_attendance as t')
    .innerJoin('members as p', 'p.id', 't.member_id')
    .innerJoin('units as u', 'u.id', 'p.unit_id')
    .select(['t.member_id', 'p.name', 'u.name as unit_name', 't.status', 't.reason', 't.membership_id'])
    .where('t.activity_id', '=', activityId)
    .orderBy(sql`case when t.membership_id is null then 1 else 0 end`)
    .orderBy('p.name_initials')
    .execute();

/** A meeting's decisions, with the problem-list items they made. */
export const decisionsOf = (db: Executor, activityId: string) =>
  db
    .selectFrom('activity_decisions as d')
    .leftJoin('items as i', 'i.id', 'd.item_id')
    .select(['d.no', 'd.text', 'd.item_id', 'i.no as item_no', 'i.status as item_status'])
    .where('d.activity_id', '=', activityId)
    .orderBy('d.no')
    .execute();

export const memberName = async (db: Executor, id: string) =>
  (await db.selectFrom('members').select('name').where('id', '=', id).executeTakeFirst())?.name ?? null;

/** Live party groups founded by `asOf`, with their last meeting by then and their open reminders' latest days. */
export const groupsForReminders = (db: Executor, asOf: string) =>
  db
    .selectFrom('temporary_orgs as o')
    .select(['o.id', 'o.established_on', 'o.meeting_period_months'])
    .select([
      sql<
        string | null
      >`(select max(a.held_on) from activities a where a.org_id = o.id and a.kind = 'group_meeting' and a.held_on <= ${asOf})`.as(
        'last_met',
      ),
      sql<
        string | null
      >`(select max(r.raised_on) from meeting_reminders r where r.org_id = o.id and r.resolved_on is null)`.as(
        'last_raised',
      ),
      sql<
        string | null
      >`(select max(r.due_on) from meeting_reminders r where r.org_id = o.id and r.resolved_on is null)`.as('last_due'),
    ])
    .where('o.level', '=', 'group')
    .where('o.status', 'in', ['active', 'rectification'])
    .where('o.established_on', '<=', asOf)
    .execute();

export const insertReminder = (db: Executor, row: MeetingReminderTable) =>
  db.insertInto('meeting_reminders').values(row).execute();

/**
 * Party groups and branches under an organization (by its path) overdue for a meeting: the open reminders the daily
 * check raised (DOMAIN §5, 三会一课), the longest overdue first, at most `limit`.
 */
export async function openRemindersUnder(db: Executor, orgPath: string, limit: number) {
  return db
    .selectFrom('meeting_reminders as r')
    .innerJoin('temporary_orgs as o', 'o.id', 'r.org_id')
    .select(['r.id', 'r.org_id', 'o.name', 'r.last_met_on', 'r.due_on', 'r.raised_on'])
    .where('o.path', 'like', `${orgPath}%`)
    .where('r.resolved_on', 'is', null)
    .orderBy('r.due_on')
    .orderBy('r.id')
    .limit(limit)
    .execute();
}

/** Reminders of organizations in scope (under a path, when given), open ones unless `all`. */
export function remindersInScope(db: Executor, actor: Actor, f: { all?: boolean | undefined; under: string | null }) {
  let q = db
    .selectFrom('meeting_reminders as r')
    .innerJoin('temporary_orgs as o', 'o.id', 'r.org_id')
    .leftJoin('temporary_orgs as p', 'p.id', 'o.parent_id')
    .select([
      'r.id',
      'r.org_id',
      'o.name',
      'p.name as parent_name',
      'r.last_met_on',
      'r.due_on',
      'r.raised_on',
      'r.resolved_on',
    ])
    .where(orgInScope(actor, 'o'));
  if (!f.all) q = q.where('r.resolved_on', 'is', null);
  if (f.under) q = q.where('o.path', 'like', `${f.under}%`);
  return q;
}

export const setMeetingPeriod = (tx: Executor, orgId: string, months: number) =>
  tx
    .updateTable('temporary_orgs')
    .set((eb) => ({ meeting_period_months: months, version: eb('version', '+', 1), updated_at: nowIso() }))
    .where('id', '=', orgId)
    .execute();
