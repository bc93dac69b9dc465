import { todayInShanghai } from '@lianjian/shared';
import type { z } from 'zod';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { keysetPage } from '../../lib/paging.ts';
import { conflict, forbidden, invalid, notFound, versionConflict } from '../../lib/problem.ts';
import { updateAtVersion } from '../../db/versioned.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import { closedLate } from '../items/deadlines.service.ts';
import { rolesInSubtree } from '../orgs/orgs.repository.ts';
import * as policy from './records.policy.ts';
import * as repo from './records.repository.ts';
import type { AcknowledgeFeedback, FeedbackQuery, NewFeedback } from './records.schemas.ts';

/**
 * A member's duty record across all their temporary organizations, and the observations temporary
 * organizations send to members' home organizations. A temporary organization observes and reports; it never
 * appraises or disciplines (DOMAIN §4): that stays with the home organization.
 */
export class RecordService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
  ) {}

  private present(actor: Actor, r: repo.FeedbackRow) {
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
      abilities: {
        acknowledge: policy.canAcknowledge(actor, {
          homeInScope: Number(r.home_in_scope) === 1,
          acknowledged: r.acknowledged_on !== null,
        }),
      },
    };
  }

  /** One page per member: memberships over time, items, households helped, visits, meetings, feedback. */
  async record(actor: Actor, memberId: string) {
    const own = policy.isOwnRecord(actor, memberId);
    const m = await repo.memberForRecord(this.db, actor, memberId, own);
    if (!m) throw notFound('党员');
    const today = todayInShanghai();
    const [memberships, itemRows, helpers, visits, attendance, recentActivities, feedback] = await repo.recordParts(
      this.db,
      actor,
      memberId,
      own,
    );
    const count = (s: string) => Number(attendance.find((a) => a.status === s)?.n ?? 0);
    const closed = itemRows.filter((i) => i.status === 'closed');
    const late = await closedLate(
      this.db,
      closed.map((i) => i.id),
    );
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
        // On time: closed within the working-day resolution target (the one deadline, `closedLate`).
        closedOnTime: closed.filter((i) => !late.has(i.id)).length,
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
      feedback: feedback.map((f) => this.present(actor, f)),
    };
  }

  /** A temporary organization's observation of a member, sent to the member's home organization. */
  async send(actor: Actor, input: z.infer<typeof NewFeedback>) {
    return this.db.transaction().execute(async (tx) => {
      const org = await repo.orgInReach(tx, actor, input.orgId);
      if (!org) throw notFound('组织');
      const member = await repo.memberWithHome(tx, input.memberId);
      if (!member) throw notFound('党员');
      const servedInOrg = (await rolesInSubtree(tx, input.memberId, org.path)).length > 0;
      if (!servedInOrg) {
        throw invalid('只能对在本组织任职或参加过本组织的成员反馈', [
          { path: 'body.memberId', message: 'not a member of this organization' },
        ]);
      }
      if (!member.home_party_org_id) throw conflict('no_home_org', '该人员不是党员，没有所在党组织可反馈');
      if (!policy.canSendFeedback(actor, { servedInOrg, hasHomeOrg: true }))
        throw forbidden('permission_denied', '无权向所在党组织反馈');
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
      await repo.insertFeedback(tx, row);
      await recordReply(tx, actor.requestId, 201, { id: row.id });
      await this.audit.record(tx, actor, {
        action: 'feedback.send',
        entityType: 'member',
        entityId: member.id,
        after: row,
      });
      return row.id;
    });
  }

  /** Feedback sent or received, newest first, in keyset pages with their total. */
  async list(actor: Actor, q: z.infer<typeof FeedbackQuery>) {
    const open = q.open === undefined ? undefined : q.open === 'true';
    return keysetPage(
      repo.feedbackBox(this.db, actor, { box: q.box, open, memberId: q.memberId }),
      { sort: 'f.sent_on', id: 'f.id', dir: 'desc', limit: q.limit, cursor: q.cursor },
      async (rows) => rows.map((r) => this.present(actor, r)),
      (r) => r.sentOn,
    );
  }

  /** The home organization acknowledges; until then the feedback stays open in its inbox. */
  async acknowledge(actor: Actor, id: string, input: z.infer<typeof AcknowledgeFeedback>) {
    await this.db.transaction().execute(async (tx) => {
      const f = await repo.receivedFeedback(tx, actor, id);
      if (!f) throw notFound('反馈');
      if (f.acknowledged_on) throw conflict('already_acknowledged', '该反馈已签收');
      if (!policy.canAcknowledge(actor, { homeInScope: true, acknowledged: false }))
        throw forbidden('permission_denied', '无权签收反馈');
      const done = await updateAtVersion(tx, 'feedback_to_home', id, input.version, {
        acknowledged_on: todayInShanghai(),
        acknowledged_by: actor.userId,
        ack_note: input.note ?? null,
      });
      if (!done) throw versionConflict();
      await this.audit.record(tx, actor, {
        action: 'feedback.acknowledge',
        entityType: 'member',
        entityId: f.member_id,
        after: { id, note: input.note },
      });
    });
  }
}
