import { todayInShanghai } from '@lianjian/shared';
import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { conflict, invalid, notFound, versionConflict } from '../../lib/problem.ts';
import { homeOrgInScope, householdInScope, memberInScope, orgInScope } from '../../lib/scope.ts';
import { itemInScope } from '../items/items.repository.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { rolesInSubtree } from '../orgs/orgs.repository.ts';
import type { AcknowledgeFeedback, FeedbackQuery, NewFeedback } from './records.schemas.ts';

/**
 * A member's duty record across all their temporary organizations, and the observations temporary
 * organizations send to members' home organizations. A temporary organization observes and reports; it never
 * appraises or disciplines (DOMAIN §4): that stays with the home organization.
 */
export class RecordService {
  constructor(private readonly db: Db) {}

  private feedbackRows() {
    return this.db
      .selectFrom('feedback_to_home as f')
      .innerJoin('temporary_orgs as o', 'o.id', 'f.org_id')
      .innerJoin('members as p', 'p.id', 'f.member_id')
      .innerJoin('party_orgs as po', 'po.id', 'f.home_party_org_id')
      .selectAll('f')
      .select(['o.name as org_name', 'p.name as member_name', 'po.name as home_name']);
  }

  private present(r: Awaited<ReturnType<ReturnType<typeof this.feedbackRows>['execute']>>[number]) {
    return {
      id: r.id,
      orgId: r.org_id,
      orgName: r.org_name,
      memberId: r.member_id,
      memberName: r.member_name,
      homePartyOrgName: r.home_name,
      period: r.period,
      kind: r.kind,
      text: r.text,
      sentOn: r.sent_on,
      acknowledgedOn: r.acknowledged_on,
      ackNote: r.ack_note,
      version: r.version,
    };
  }

  /** One page per member: memberships over time, items, households helped, visits, meetings, feedback. */
  async record(actor: Actor, memberId: string) {
    const own = actor.memberId === memberId;
    const m = await this.db
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
    if (!m) throw notFound('党员');
    const today = todayInShanghai();
    // The record counts all of a member's work (it is the member's record), but names only what the reader may see:
    // the households, items and meetings of the reader's own scope (all of them for the member's own record).
    const seen = (inScope: RawBuilder<SqlBool>) =>
      own ? sql<number>`1` : sql<number>`case when ${inScope} then 1 else 0 end`;
    const [memberships, itemRows, helpers, visits, attendance, recentActivities, feedback] = await Promise.all([
      this.db
        .selectFrom('memberships as s')
        .innerJoin('temporary_orgs as o', 'o.id', 's.org_id')
        .select(['s.org_id', 'o.name', 'o.level', 's.role', 's.start_on', 's.end_on', 's.end_reason'])
        .where('s.member_id', '=', memberId)
        .orderBy('s.start_on', 'desc')
        .orderBy('o.name')
        .execute(),
      this.db
        .selectFrom('item_members as im')
        .innerJoin('items as i', 'i.id', 'im.item_id')
        .innerJoin('temporary_orgs as o', 'o.id', 'i.org_id')
        .select([
          'i.id',
          'i.no',
          'i.problem',
          'i.status',
          'i.due_on',
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
      this.db
        .selectFrom('helpers as hp')
        .innerJoin('households as h', 'h.id', 'hp.household_id')
        .select(['hp.household_id', 'h.head_name', 'hp.role', 'hp.is_primary', 'hp.start_on', 'hp.end_on'])
        .select(seen(householdInScope(actor, 'h')).as('seen'))
        .where('hp.member_id', '=', memberId)
        .orderBy('hp.start_on', 'desc')
        .execute(),
      this.db
        .selectFrom('visit_helpers as vh')
        .innerJoin('visits as v', 'v.id', 'vh.visit_id')
        .select([sql<number>`count(*)`.as('n'), sql<string | null>`max(v.visited_on)`.as('last')])
        .where('vh.member_id', '=', memberId)
        .executeTakeFirstOrThrow(),
      this.db
        .selectFrom('activity_attendance')
        .select(['status', sql<number>`count(*)`.as('n')])
        .where('member_id', '=', memberId)
        .groupBy('status')
        .execute(),
      this.db
        .selectFrom('activity_attendance as t')
        .innerJoin('activities as a', 'a.id', 't.activity_id')
        .innerJoin('temporary_orgs as o', 'o.id', 'a.org_id')
        .select(['a.id', 'a.held_on', 'o.name', 'a.kind', 'a.topic', 't.status'])
        .where('t.member_id', '=', memberId)
        .where(own ? sql<SqlBool>`1 = 1` : orgInScope(actor, 'o'))
        .orderBy('a.held_on', 'desc')
        .limit(20)
        .execute(),
      this.feedbackRows().where('f.member_id', '=', memberId).orderBy('f.sent_on', 'desc').execute(),
    ]);
    const count = (s: string) => Number(attendance.find((a) => a.status === s)?.n ?? 0);
    const closed = itemRows.filter((i) => i.status === 'closed');
    return {
      member: {
        id: m.id,
        name: m.name,
        unitName: m.unit_name,
        partyStatus: m.party_status,
        homePartyOrgName: m.home_name ?? null,
        title: m.title,
      },
      memberships: memberships.map((s) => ({
        orgId: s.org_id,
        orgName: s.name,
        level: s.level,
        role: s.role,
        startOn: s.start_on,
        endOn: s.end_on,
        endReason: s.end_reason,
      })),
      items: {
        assigned: itemRows.filter((i) => i.role === 'responsible').length,
        linked: itemRows.filter((i) => i.role === 'linked').length,
        closed: closed.length,
        // On time: closed on or before the due date (items without one count as on time).
        closedOnTime: closed.filter((i) => !i.due_on || (i.closed_at ?? '').slice(0, 10) <= i.due_on).length,
        reopened: itemRows.filter((i) => i.reopened_count > 0).length,
        recent: itemRows
          .filter((i) => Number(i.seen) === 1)
          .slice(0, 20)
          .map((i) => ({
            id: i.id,
            no: i.no,
            problem: i.problem,
            status: i.status,
            role: i.role,
            orgName: i.org_name,
          })),
      },
      households: {
        current: helpers.filter((h) => h.start_on <= today && (!h.end_on || h.end_on > today)).length,
        total: new Set(helpers.map((h) => h.household_id)).size,
        list: helpers
          .filter((h) => Number(h.seen) === 1)
          .slice(0, 50)
          .map((h) => ({
            householdId: h.household_id,
            headName: h.head_name,
            role: h.role,
            primary: h.is_primary === 1,
            startOn: h.start_on,
            endOn: h.end_on,
          })),
      },
      visits: { total: Number(visits.n), lastOn: visits.last },
      activities: {
        present: count('present'),
        excused: count('excused'),
        absent: count('absent'),
        recent: recentActivities.map((a) => ({
          id: a.id,
          heldOn: a.held_on,
          orgName: a.name,
          kind: a.kind,
          topic: a.topic,
          status: a.status,
        })),
      },
      feedback: feedback.map((f) => this.present(f)),
    };
  }

  /** A temporary organization's observation of a member, sent to the member's home organization. */
  async send(actor: Actor, input: z.infer<typeof NewFeedback>) {
    return this.db.transaction().execute(async (tx) => {
      const org = await tx
        .selectFrom('temporary_orgs as o')
        .select(['o.id', 'o.path'])
        .where('o.id', '=', input.orgId)
        .where(orgInScope(actor, 'o'))
        .executeTakeFirst();
      if (!org) throw notFound('组织');
      const member = await tx
        .selectFrom('members')
        .select(['id', 'home_party_org_id'])
        .where('id', '=', input.memberId)
        .executeTakeFirst();
      if (!member) throw notFound('党员');
      if (!(await rolesInSubtree(tx, input.memberId, org.path)).length)
        throw invalid('只能对在本组织任职或参加过本组织的成员反馈', [
          { path: 'body.memberId', message: 'not a member of this organization' },
        ]);
      if (!member.home_party_org_id) throw conflict('no_home_org', '该人员不是党员，没有所在党组织可反馈');
      const row = {
        id: newId(),
        org_id: org.id,
        member_id: member.id,
        home_party_org_id: member.home_party_org_id,
        period: input.period,
        kind: input.kind,
        text: input.text,
        sent_on: todayInShanghai(),
        sent_by: actor.userId,
        acknowledged_on: null,
        acknowledged_by: null,
        ack_note: null,
        version: 1,
        created_at: nowIso(),
      };
      await tx.insertInto('feedback_to_home').values(row).execute();
      await recordReply(tx, actor.requestId, 201, { id: row.id });
      await recordAudit(tx, actor, { action: 'feedback.send', entityType: 'member', entityId: member.id, after: row });
      return row.id;
    });
  }

  async list(actor: Actor, q: z.infer<typeof FeedbackQuery>) {
    let b = this.feedbackRows();
    b = q.box === 'sent' ? b.where(orgInScope(actor, 'o')) : b.where(homeOrgInScope(actor, 'po'));
    if (q.open === 'true') b = b.where('f.acknowledged_on', 'is', null);
    if (q.open === 'false') b = b.where('f.acknowledged_on', 'is not', null);
    if (q.memberId) b = b.where('f.member_id', '=', q.memberId);
    const rows = await b
      .orderBy(sql`case when f.acknowledged_on is null then 0 else 1 end`)
      .orderBy('f.sent_on', 'desc')
      .orderBy('f.id')
      .limit(500)
      .execute();
    return { items: rows.map((r) => this.present(r)) };
  }

  /** The home organization acknowledges; until then the feedback stays open in its inbox. */
  async acknowledge(actor: Actor, id: string, input: z.infer<typeof AcknowledgeFeedback>) {
    await this.db.transaction().execute(async (tx) => {
      const f = await tx
        .selectFrom('feedback_to_home as f')
        .innerJoin('party_orgs as po', 'po.id', 'f.home_party_org_id')
        .selectAll('f')
        .where('f.id', '=', id)
        .where(homeOrgInScope(actor, 'po'))
        .executeTakeFirst();
      if (!f) throw notFound('反馈');
      if (f.acknowledged_on) throw conflict('already_acknowledged', '该反馈已签收');
      const r = await tx
        .updateTable('feedback_to_home')
        .set({
          acknowledged_on: todayInShanghai(),
          acknowledged_by: actor.userId,
          ack_note: input.note ?? null,
          version: f.version + 1,
        })
        .where('id', '=', id)
        .where('version', '=', input.version)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw versionConflict();
      await recordAudit(tx, actor, {
        action: 'feedback.acknowledge',
        entityType: 'member',
        entityId: f.member_id,
        after: { id, note: input.note },
      });
    });
  }
}
