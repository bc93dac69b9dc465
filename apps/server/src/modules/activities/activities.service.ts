import { todayInShanghai } from '@lianjian/shared';
import type { z } from 'zod';
import type { Db, Executor } from '../../db/index.ts';
import type { ActivityTable } from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { cleanPhotos, photoIds, storePhotos } from '../../lib/photos.ts';
import { forbidden, invalid, notFound } from '../../lib/problem.ts';
import { assertLive } from '../../lib/live.ts';
import { keysetPage } from '../../lib/paging.ts';
import { factDay } from '../../lib/step-dates.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import type { ItemService } from '../items/items.service.ts';
import * as policy from './activities.policy.ts';
import * as repo from './activities.repository.ts';
import type { ActivityListQuery, NewActivity } from './activities.schemas.ts';
import { known } from '../../lib/known.ts';

/** `2020-01-31` + 1 month → `2020-02-29`: the same day of the month, or the month's last day. */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

/** Organizational life: meetings and study sessions, attendance as of the day, decisions, reminders. */
export class ActivityService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
    private readonly items: ItemService,
  ) {}

  private async org(actor: Actor, orgId: string, db: Executor = this.db) {
    const org = await repo.orgInReach(db, actor, orgId);
    if (!org) throw notFound('组织');
    return org;
  }

  async roster(actor: Actor, orgId: string, on: string) {
    await this.org(actor, orgId);
    const members = await repo.membersOn(this.db, orgId, on);
    const guests = await repo.guestsOn(
      this.db,
      orgId,
      on,
      members.map((m) => m.member_id),
    );
    return {
      orgId,
      on,
      members: members.map((m) => ({
        memberId: m.member_id,
        name: m.name,
        unitName: m.unit_name,
        role: m.role,
        membershipId: m.membership_id,
      })),
      guests: guests.map((g) => ({ memberId: g.member_id, name: g.name, unitName: g.unit_name })),
    };
  }

  /** Records a meeting: attendance of the day's members, decisions (which may create a problem list), photos. */
  async create(actor: Actor, input: z.infer<typeof NewActivity>) {
    const cleaned = await cleanPhotos(input.photos);
    return this.db.transaction().execute(async (tx) => {
      const org = await this.org(actor, input.orgId, tx);
      assertLive(org);
      if (!policy.canRecordMeeting(actor, org)) throw forbidden('permission_denied', '无权记录会议');
      if (!policy.holds(org, input.kind)) {
        throw invalid(
          org.level === 'group'
            ? '党小组召开党小组会，不召开支部委员会或党员大会'
            : '支部会议由支部召开；党小组会由党小组召开',
          [{ path: 'body.kind', message: input.kind }],
        );
      }
      factDay(input.heldOn, 'body.heldOn', '会议日期', { on: org.established_on, what: '组织成立日期' });
      if (org.dissolved_on && input.heldOn >= org.dissolved_on) {
        throw invalid('会议日期不在组织存续期内', [{ path: 'body.heldOn', message: org.established_on }]);
      }
      const roster = await repo.membersOn(tx, org.id, input.heldOn);
      const byMember = new Map(roster.map((m) => [m.member_id, m]));
      const guests =
        input.kind === 'joint_activity'
          ? new Set(
              (
                await repo.guestsOn(
                  tx,
                  org.id,
                  input.heldOn,
                  roster.map((m) => m.member_id),
                )
              ).map((g) => g.member_id),
            )
          : new Set<string>();
      const seen = new Set<string>();
      for (const [i, a] of input.attendance.entries()) {
        if (seen.has(a.memberId))
          throw invalid('同一人重复登记', [{ path: `body.attendance.${i}.memberId`, message: 'duplicate' }]);
        seen.add(a.memberId);
        if (!byMember.has(a.memberId) && !guests.has(a.memberId)) {
          throw invalid('只能登记会议当天本组织的成员（联合活动可含联建单位人员）', [
            { path: `body.attendance.${i}.memberId`, message: 'not a member on that day' },
          ]);
        }
        if (a.status === 'excused' && !a.reason)
          throw invalid('请假须写明原因', [{ path: `body.attendance.${i}.reason`, message: 'required' }]);
      }
      if (input.hostMemberId && !byMember.has(input.hostMemberId))
        throw invalid('主持人须是本组织成员', [{ path: 'body.hostMemberId', message: 'not a member' }]);
      const now = nowIso();
      const row: ActivityTable = {
        id: newId(),
        org_id: org.id,
        kind: input.kind,
        held_on: input.heldOn,
        place: input.place,
        topic: input.topic,
        host_member_id: input.hostMemberId ?? null,
        agenda: input.agenda ?? null,
        minutes: input.minutes ?? null,
        list_id: null,
        created_by: actor.userId,
        version: 1,
        created_at: now,
        updated_at: now,
      };
      // Decisions that put items on a problem list make one list, owned by the branch (a group's branch).
      const withItems = input.decisions.filter((d) => d.item);
      let itemIds: string[] = [];
      if (withItems.length) {
        const listOrg = org.level === 'group' ? known(org.parent_id, 'a party group’s branch') : org.id;
        const list = await this.items.lists.createListIn(tx, actor, {
          orgId: listOrg,
          title: input.listTitle ?? `${input.topic}（${input.heldOn}）`,
          listedOn: input.heldOn,
          items: withItems.map((d) => {
            const it = d.item as NonNullable<typeof d.item>;
            return {
              kind: 'problem' as const,
              problem: it.problem,
              category: it.category,
              reportIds: [],
              responsibleMemberIds: [],
              unitIds: [],
              ...(it.responsibleGroupId ? { responsibleGroupId: it.responsibleGroupId } : {}),
              ...(it.dueOn ? { dueOn: it.dueOn } : {}),
              ...(it.measures ? { measures: it.measures } : {}),
            };
          }),
        });
        row.list_id = list.id;
        itemIds = list.itemIds;
      }
      const attendance = [
        ...roster.map((m) => {
          const a = input.attendance.find((x) => x.memberId === m.member_id);
          return {
            activity_id: row.id,
            member_id: m.member_id,
            status: a?.status ?? 'absent',
            reason: a?.reason ?? null,
            membership_id: m.membership_id,
          };
        }),
        ...input.attendance
          .filter((a) => !byMember.has(a.memberId))
          .map((a) => ({
            activity_id: row.id,
            member_id: a.memberId,
            status: a.status,
            reason: a.reason ?? null,
            membership_id: null,
          })),
      ];
      let k = 0;
      const decisions = input.decisions.map((d, i) => ({
        id: newId(),
        activity_id: row.id,
        no: i + 1,
        text: d.text,
        item_id: d.item ? (itemIds[k++] ?? null) : null,
      }));
      await repo.insertActivity(tx, row, attendance, decisions);
      await storePhotos(tx, 'activity', row.id, cleaned);
      const created = { id: row.id, listId: row.list_id, itemIds };
      await recordReply(tx, actor.requestId, 201, created);
      await this.audit.record(tx, actor, {
        action: 'activity.create',
        entityType: 'activity',
        entityId: row.id,
        after: { ...row, attendance: attendance.length, decisions: input.decisions.length, items: itemIds },
      });
      return created;
    });
  }

  private summary(r: repo.SummaryRow) {
    return {
      id: r.id,
      orgId: r.org_id,
      orgName: r.org_name,
      kind: r.kind,
      heldOn: r.held_on,
      place: r.place,
      topic: r.topic,
      present: Number(r.present),
      excused: Number(r.excused),
      absent: Number(r.absent),
      decisions: Number(r.decisions),
    };
  }

  /** An organization's calendar: its own activities and its party groups', in a date range, newest first, in pages. */
  async list(actor: Actor, q: z.infer<typeof ActivityListQuery>) {
    let b = repo.summaries(this.db, actor);
    if (q.orgId) {
      const org = await this.org(actor, q.orgId);
      b = b.where('o.path', 'like', `${org.path}%`);
    }
    if (q.from) b = b.where('a.held_on', '>=', q.from);
    if (q.to) b = b.where('a.held_on', '<=', q.to);
    if (q.kind) b = b.where('a.kind', '=', q.kind);
    return keysetPage(
      b,
      { sort: 'a.held_on', id: 'a.id', dir: 'desc', limit: q.limit, cursor: q.cursor },
      async (rows) => rows.map((r) => this.summary(r)),
      (r) => r.heldOn,
    );
  }

  async get(actor: Actor, id: string) {
    const r = await repo.summaries(this.db, actor).where('a.id', '=', id).executeTakeFirst();
    if (!r) throw notFound('活动');
    const [attendance, decisions, hostName, photos] = await Promise.all([
      repo.attendanceOf(this.db, id),
      repo.decisionsOf(this.db, id),
      r.host_member_id ? repo.memberName(this.db, r.host_member_id) : null,
      photoIds(this.db, 'activity', [id]),
    ]);
    return {
      ...this.summary(r),
      hostName,
      agenda: r.agenda,
      minutes: r.minutes,
      listId: r.list_id,
      attendance: attendance.map((a) => ({
        memberId: a.member_id,
        name: a.name,
        unitName: a.unit_name,
        status: a.status,
        reason: a.reason,
        guest: a.membership_id === null,
      })),
      decisionList: decisions.map((d) => ({
        no: d.no,
        text: d.text,
        itemId: d.item_id,
        itemNo: d.item_no ?? null,
        itemStatus: d.item_status ?? null,
      })),
      photoIds: photos.get(id) ?? [],
      version: r.version,
    };
  }

  /**
   * Raises a reminder for every active party group that has not held a group meeting within its period
   * (monthly unless set) by `asOf`. While it still does not meet, a further reminder follows each period after
   * the last one was raised. Recording a group meeting resolves them. Returns how many were raised.
   */
  async runReminders(asOf = todayInShanghai(), db: Executor = this.db): Promise<number> {
    const groups = await repo.groupsForReminders(db, asOf);
    let raised = 0;
    for (const g of groups) {
      const period = g.meeting_period_months ?? 1;
      let due: string;
      if (g.last_raised && g.last_due) {
        if (addMonths(g.last_raised, period) >= asOf) continue;
        due = addMonths(g.last_due, period);
      } else {
        due = addMonths(g.last_met ?? g.established_on, period);
        if (asOf <= due) continue;
      }
      await repo.insertReminder(db, {
        id: newId(),
        org_id: g.id,
        last_met_on: g.last_met,
        due_on: due,
        raised_on: asOf,
        resolved_on: null,
        resolved_by_activity_id: null,
      });
      raised++;
    }
    return raised;
  }

  /**
   * For the account of an organization (a branch secretary): its party groups, and itself, overdue for a meeting,
   * as entries of the inbox. Other accounts read the reminders page.
   */
  async meetingsDue(actor: Actor) {
    if (!actor.orgPath) return [];
    const rows = await repo.openRemindersUnder(this.db, actor.orgPath, 50);
    return rows.map((r) => ({
      itemId: null,
      orgId: r.org_id,
      kind: 'meeting_due' as const,
      text: `${r.name}应于 ${r.due_on} 前开会${r.last_met_on ? `（上次 ${r.last_met_on}）` : '（尚无会议记录）'}`,
      at: `${r.due_on}T00:00:00+08:00`,
      read: false,
    }));
  }

  /** Reminders for the caller's party groups: open ones, or all of them; newest first, in keyset pages with their total. */
  async reminders(
    actor: Actor,
    f: { all?: boolean; orgId?: string | undefined; limit?: number; cursor?: string | undefined } = {},
  ) {
    const under = f.orgId ? (await this.org(actor, f.orgId)).path : null;
    const q = repo.remindersInScope(this.db, actor, { all: f.all, under });
    return keysetPage(
      q,
      { sort: 'r.raised_on', id: 'r.id', dir: 'desc', limit: f.limit, cursor: f.cursor },
      async (rows) =>
        rows.map((r) => ({
          id: r.id,
          orgId: r.org_id,
          orgName: r.name,
          parentName: r.parent_name ?? null,
          lastMetOn: r.last_met_on,
          dueOn: r.due_on,
          raisedOn: r.raised_on,
          resolvedOn: r.resolved_on,
        })),
      (r) => r.raisedOn,
    );
  }

  /** Sets how often a party group should meet (months). */
  async setMeetingPeriod(actor: Actor, orgId: string, months: number) {
    await this.db.transaction().execute(async (tx) => {
      const org = await this.org(actor, orgId, tx);
      if (org.level !== 'group') throw invalid('只有党小组设定会议周期', [{ path: 'params.id', message: org.level }]);
      if (!policy.canSetMeetingPeriod(actor, org)) throw forbidden('permission_denied', '无权设定会议周期');
      await repo.setMeetingPeriod(tx, orgId, months);
      await this.audit.record(tx, actor, {
        action: 'org.meeting_period',
        entityType: 'temporary_org',
        entityId: orgId,
        after: { months },
      });
    });
  }
}
