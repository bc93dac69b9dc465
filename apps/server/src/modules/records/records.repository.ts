import { type Insertable, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { FeedbackToHomeTable } from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import { homeOrgInScope, householdInScope, memberInScope, orgInScope } from '../../lib/scope.ts';
import { itemInScope } from '../items/items.repository.ts';
import { orgInReach as orgInScopeById } from '../orgs/orgs.repository.ts';

/** All SQL of members' duty records and the feedback temporary organizations send to home organizations. */

/** Feedback with the names of its organization, member and home organization, and whether the actor answers for that home organization. */
export const feedbackRows = (db: Executor, actor: Actor) =>
  db
    .selectFrom('feedback_to_home as f')
    .innerJoin('temporary_orgs as o', 'o.id', 'f.org_id')
    .innerJoin('members as p', 'p.id', 'f.member_id')
    .innerJoin('party_orgs as po', 'po.id', 'f.home_party_org_id')
    .selectAll('f')
    .select(['o.name as org_name', 'p.name as member_name', 'po.name as home_name'])
    .select(sql<number>`case when ${homeOrgInScope(actor, 'po')} then 1 else 0 end`.as('home_in_scope'));

export type FeedbackRow = Awaited<ReturnType<ReturnType<typeof feedbackRows>['execute']>>[number];

/** Feedback sent by organizations in scope, or received by home organizations in scope. */
export function feedbackBox(
  db: Executor,
  actor: Actor,
  f: { box: 'sent' | 'received'; open?: boolean | undefined; memberId?: string | undefined },
) {
  let b = feedbackRows(db, actor);
  b = f.box === 'sent' ? b.where(orgInScope(actor, 'o')) : b.where(homeOrgInScope(actor, 'po'));
  if (f.open === true) b = b.where('f.acknowledged_on', 'is', null);
  if (f.open === false) b = b.where('f.acknowledged_on', 'is not', null);
  if (f.memberId) b = b.where('f.member_id', '=', f.memberId);
  return b;
}

/** The member whose record is read: in the reader's scope, or the reader's own. */
export const memberForRecord = (db: Executor, actor: Actor, memberId: string, own: boolean) =>
  db
    .selectFrom('members as members')
    .innerJoin('units as u', 'u.id', 'members.unit_id')
    .leftJoin('party_orgs as po', 'po.id', 'members.home_party_org_id')
    .select([
      'members.id',
      'members.name',
      'members.party_status',
      'members.title',
      'u.name as unit_name',
      'po.name as home_name',
    ])
    .where('members.id', '=', memberId)
    .where(own ? sql<SqlBool>`1 = 1` : memberInScope(actor, 'members'))
    .executeTakeFirst();

/**
 * The record's parts. It counts all of a member's work (it is the member's record), but names only what the reader
 * may see: the households, items and meetings of the reader's own scope (all of them for the member's own record).
 */
export function recordParts(db: Executor, actor: Actor, memberId: string, own: boolean) {
  const seen = (inScope: RawBuilder<SqlBool>) =>
    own ? sql<number>`1` : sql<number>`case when ${inScope} then 1 else 0 end`;
  return Promise.all([
    db
      .selectFrom('memberships as s')
      .innerJoin('temporary_orgs as o', 'o.id', 's.org_id')
      .select(['s.org_id', 'o.name', 'o.level', 's.role', 's.start_on', 's.end_on', 's.end_reason'])
      .where('s.member_id', '=', memberId)
      .orderBy('s.start_on', 'desc')
      .orderBy('o.name')
      .execute(),
    db
      .selectFrom('item_members as im')
      .innerJoin('items as i', 'i.id', 'im.item_id')
      .innerJoin('temporary_orgs as o', 'o.id', 'i.org_id')
      .select([
        'i.id',
        'i.no',
        'i.problem',
        'i.status',
        'i.closed_at',
        'i.reopened_count',
        'im.role',
        'im.added_on',
        'o.name as org_name',
      ])
      .select(seen(itemInScope(actor, 'i')).as('seen'))
      .where('im.member_id', '=', memberId)
      .orderBy('im.added_on', 'desc')
      .execute(),
    db
      .selectFrom('helpers as hp')
      .innerJoin('households as h', 'h.id', 'hp.household_id')
      .select(['hp.household_id', 'h.head_name', 'hp.role', 'hp.is_primary', 'hp.start_on', 'hp.end_on'])
      .select(seen(householdInScope(actor, 'h')).as('seen'))
      .where('hp.member_id', '=', memberId)
      .orderBy('hp.start_on', 'desc')
      .execute(),
    db
      .selectFrom('visit_helpers as vh')
      .innerJoin('visits as v', 'v.id', 'vh.visit_id')
      .select([sql<number>`count(*)`.as('n'), sql<string | null>`max(v.visited_on)`.as('last')])
      .where('vh.member_id', '=', memberId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('activity_attendance')
      .select(['status', sql<number>`count(*)`.as('n')])
      .where('member_id', '=', memberId)
      .groupBy('status')
      .execute(),
    db
      .selectFrom('activity_attendance as t')
      .innerJoin('activities as a', 'a.id', 't.activity_id')
      .innerJoin('temporary_orgs as o', 'o.id', 'a.org_id')
      .select(['a.id', 'a.held_on', 'o.name', 'a.kind', 'a.topic', 't.status'])
      .where('t.member_id', '=', memberId)
      .where(own ? sql<SqlBool>`1 = 1` : orgInScope(actor, 'o'))
      .orderBy('a.held_on', 'desc')
      .limit(20)
      .execute(),
    feedbackRows(db, actor).where('f.member_id', '=', memberId).orderBy('f.sent_on', 'desc').execute(),
  ]);
}

/** An organization in scope, with its path. */
/** The organization in the actor's scope, with what this module's rules read of it. */
export const orgInReach = (db: Executor, actor: Actor, id: string) =>
  orgInScopeById(db, actor, id, ['id', 'path'] as const);

export const memberWithHome = (db: Executor, id: string) =>
  db.selectFrom('members').select(['id', 'home_party_org_id']).where('id', '=', id).executeTakeFirst();

export const insertFeedback = (tx: Executor, row: Insertable<FeedbackToHomeTable>) =>
  tx.insertInto('feedback_to_home').values(row).execute();

/** Feedback received by a home organization in scope. */
export const receivedFeedback = (db: Executor, actor: Actor, id: string) =>
  db
    .selectFrom('feedback_to_home as f')
    .innerJoin('party_orgs as po', 'po.id', 'f.home_party_org_id')
    .selectAll('f')
    .where('f.id', '=', id)
    .where(homeOrgInScope(actor, 'po'))
    .executeTakeFirst();
