import { known } from '../../lib/known.ts';
import { maskPhone } from '../../lib/mask.ts';
import type { DataCipher } from '../../lib/crypto.ts';
import { messageBranch, messageReporters, orgNameOf } from '../../lib/resident-messages.ts';
import { CATEGORY_SKILL, todayInShanghai } from '@lianjian/shared';
import type { z } from 'zod';
import type { Db, Executor } from '../../db/index.ts';
import { holdRow } from '../../db/locks.ts';
import type { Actor } from '../../lib/actor.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { decodeCursor, pageOf } from '../../lib/paging.ts';
import { photoIds } from '../../lib/photos.ts';
import { conflict, invalid, notFound } from '../../lib/problem.ts';
import { assertRegionsWithin, coverageOf } from '../../lib/scope.ts';
import { deadlineNotBefore, factDay } from '../../lib/step-dates.ts';
import { assertLive } from '../../lib/live.ts';
import type { AuditTrail } from '../audit/audit.trail.ts';
import type { DeadlineService } from './deadlines.service.ts';
import { RESIDENT_CHANNEL_TEXT, STATUS_TEXT, accessItem, toSummary } from './item-common.ts';
import { ledgerWorkbook } from './items.export.ts';
import * as policy from './items.policy.ts';
import * as repo from './items.repository.ts';
import type { CreateProblemList, ItemListQuery, NewItem, ProblemListQuery } from './items.schemas.ts';
import { notify } from './notifications.service.ts';

/**
 * Problem lists and their items as they are read and made (DOMAIN §8): combing reports into a dated, numbered list,
 * adding an item, the lists and items in scope, one item in full, and the list as a ledger.
 */
export class ProblemListService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditTrail,
    private readonly deadlines: DeadlineService,
    /** To show the residents' phones masked on the item's messages. */
    private readonly cipher?: DataCipher,
  ) {}

  /** One problem list with its counts and what the caller may do with it. */
  async getList(actor: Actor, id: string) {
    const r = await this.lists(actor, { limit: 1 }, id);
    const list = r.items[0];
    const org = await repo.listInScope(this.db, actor, id);
    if (!list || !org) throw notFound('问题清单');
    return { ...list, abilities: { addItem: policy.canAddItem(actor, org) } };
  }

  /** Problem lists in scope, newest first, with their progress counts. */
  async lists(actor: Actor, q: z.infer<typeof ProblemListQuery>, id?: string) {
    const { rows, total } = await repo.problemListPage(
      this.db,
      actor,
      { orgId: q.orgId, id, q: q.q, from: q.from, to: q.to },
      todayInShanghai(),
      q.limit,
      decodeCursor(q.cursor),
    );
    const page = pageOf(rows, q.limit, total, (r) => r.listed_on);
    return {
      ...page,
      items: page.items.map((r) => ({
        id: r.id,
        orgId: r.org_id,
        orgName: r.org_name,
        no: r.no,
        title: r.title,
        listedOn: r.listed_on,
        itemCount: Number(r.item_count),
        closedCount: Number(r.closed_count),
        overdueCount: Number(r.overdue_count),
        version: r.version,
      })),
    };
  }

  /** The problem list as an XLSX ledger (序号, 存在问题, 责任党小组 …), formula-safe. */
  async exportList(actor: Actor, id: string, stamp?: string) {
    const list = await this.getList(actor, id);
    const today = todayInShanghai();
    const { rows, people, participants } = await repo.listItems(this.db, actor, { listId: id, today }, 1000, null, {
      count: false,
    });
    const ledger = rows
      .map((r) => toSummary(r, people, participants))
      .sort((a, b) => a.no - b.no)
      .map((i) => ({
        no: i.no,
        problem: i.problem,
        group: i.responsibleGroup?.name ?? '',
        people: [i.responsibleMembers.join('、'), i.participants.length ? `协助：${i.participants.join('、')}` : '']
          .filter(Boolean)
          .join('；'),
        measures: i.measures ?? '',
        dueOn: i.dueOn ?? '',
        progress: i.latestProgress ?? '',
        status: `${STATUS_TEXT[i.status]}${i.overdue ? '（超期）' : ''}`,
        closedAt: i.closedAt ? todayInShanghai(new Date(i.closedAt)) : '',
        closedBy: i.closedBy ?? '',
      }));
    const file = await ledgerWorkbook(
      list.title,
      `${list.orgName}　梳理日期：${list.listedOn}　导出日期：${today}${stamp ? `　${stamp}` : ''}`,
      ledger,
    );
    return { file, filename: `${list.title}.xlsx` };
  }

  /** Combs reports into a dated, numbered problem list of a branch, in one transaction. */
  async createList(actor: Actor, input: z.infer<typeof CreateProblemList>) {
    return this.db.transaction().execute(async (tx) => {
      const created = await this.createListIn(tx, actor, input);
      await recordReply(tx, actor.requestId, 201, created);
      return created;
    });
  }

  /** Creates a numbered list and its items inside the caller's transaction (a meeting's decisions, say). */
  async createListIn(tx: Executor, actor: Actor, input: z.infer<typeof CreateProblemList>) {
    const org = await repo.orgForList(tx, actor, input.orgId);
    if (!org) throw notFound('组织');
    assertLive(org);
    if (org.level === 'group') throw invalid('问题清单由支部或总支建立', [{ path: 'body.orgId', message: 'group' }]);
    factDay(input.listedOn, 'body.listedOn', '梳理日期', { on: org.established_on, what: '组织成立日期' });
    await holdRow(tx, 'temporary_orgs', org.id);
    const now = nowIso();
    const list = {
      id: newId(),
      org_id: org.id,
      no: await repo.nextListNo(tx, org.id),
      title: input.title,
      listed_on: input.listedOn,
      created_by: actor.userId,
      version: 1,
      created_at: now,
      updated_at: now,
    };
    await repo.insertList(tx, list);
    const ids: string[] = [];
    for (const [i, item] of input.items.entries()) {
      ids.push(
        await this.insertItem(
          tx,
          actor,
          { id: list.id, org_id: org.id, path: org.path, no: list.no, listed_on: list.listed_on },
          i + 1,
          item,
          input.listedOn,
        ),
      );
    }
    await this.audit.record(tx, actor, {
      action: 'problem_list.create',
      entityType: 'problem_list',
      entityId: list.id,
      after: { ...list, items: ids },
    });
    return { id: list.id, itemIds: ids };
  }

  /** Adds one more item to an existing list. */
  async addItem(actor: Actor, listId: string, input: z.infer<typeof NewItem>) {
    return this.db.transaction().execute(async (tx) => {
      const list = await repo.listInScope(tx, actor, listId);
      if (!list) throw notFound('问题清单');
      assertLive(list);
      await holdRow(tx, 'problem_lists', list.id);
      const id = await this.insertItem(
        tx,
        actor,
        { id: list.id, org_id: list.org_id, path: list.path, no: list.no, listed_on: list.listed_on },
        await repo.nextItemNo(tx, listId),
        input,
        todayInShanghai(),
      );
      await recordReply(tx, actor.requestId, 201, { id });
      await this.audit.record(tx, actor, {
        action: 'item.create',
        entityType: 'item',
        entityId: id,
        after: { listId, ...input },
      });
      return id;
    });
  }

  private async insertItem(
    tx: Executor,
    actor: Actor,
    list: { id: string; org_id: string; path: string; no: number; listed_on: string },
    no: number,
    input: z.infer<typeof NewItem>,
    addedOn: string,
  ): Promise<string> {
    const path = (p: string) => `body.items.${no - 1}.${p}`;
    deadlineNotBefore(input.dueOn, path('dueOn'), '完成时限', {
      on: addedOn,
      what: addedOn === list.listed_on ? '清单日期' : '列入清单的日期',
    });
    // An item's place shows on that village's public board: inside the caller's reach and the branch's coverage.
    if (input.regionCode) {
      await assertRegionsWithin(tx, actor, [{ path: path('regionCode'), code: input.regionCode }], {
        within: await coverageOf(tx, list.org_id),
      });
    }
    if (input.responsibleGroupId && !(await repo.isGroupOf(tx, input.responsibleGroupId, list.org_id)))
      throw invalid('责任党小组须是本支部的党小组', [
        { path: path('responsibleGroupId'), message: 'not a group of this branch' },
      ]);
    for (const memberId of input.responsibleMemberIds) {
      if (!(await repo.isBranchMember(tx, memberId, list.path, addedOn))) {
        throw invalid('责任人须是本支部成员；其他单位的党员请用“因需而联”联结', [
          { path: path('responsibleMemberIds'), message: memberId },
        ]);
      }
    }
    for (const reportId of input.reportIds) {
      if (!(await repo.reportVisibleTo(tx, actor, reportId)))
        throw invalid('来源反映不存在或不在管辖范围内', [{ path: path('reportIds'), message: reportId }]);
    }
    for (const unitId of input.unitIds) {
      if (!(await repo.unitExists(tx, unitId)))
        throw invalid('单位不存在', [{ path: path('unitIds'), message: unitId }]);
    }
    if (input.stageId && !(await repo.isStageOf(tx, input.stageId, list.org_id)))
      throw invalid('环节须属于本支部的产业链', [{ path: path('stageId'), message: input.stageId }]);
    if (input.projectId && !(await repo.isProjectOf(tx, input.projectId, list.org_id)))
      throw invalid('项目须属于本支部', [{ path: path('projectId'), message: input.projectId }]);
    const now = nowIso();
    const id = newId();
    await repo.insertItem(tx, {
      id,
      list_id: list.id,
      org_id: list.org_id,
      no,
      listed_on: addedOn,
      sort_key: repo.itemSortKey(list.listed_on, list.no, no),
      kind: input.kind,
      problem: input.problem,
      category: input.category,
      region_code: input.regionCode ?? null,
      responsible_group_id: input.responsibleGroupId ?? null,
      measures: input.measures ?? null,
      due_on: input.dueOn ?? null,
      needed_skill: input.neededSkill ?? CATEGORY_SKILL[input.category] ?? null,
      status: 'open',
      reopened_count: 0,
      submitted_by: null,
      closed_at: null,
      closed_by: null,
      close_evidence: null,
      resident_confirmed_at: null,
      escalated_to_org_id: null,
      escalated_at: null,
      escalation_reason: null,
      handed_over_to_org_id: null,
      stage_id: input.stageId ?? null,
      project_id: input.projectId ?? null,
      version: 1,
      created_at: now,
      updated_at: now,
    });
    const refused = await repo.linkReports(tx, id, new Set(input.reportIds), now);
    if (refused.some((r) => r.status === 'dismissed'))
      throw conflict('report_already_dismissed', '来源反映已不予受理，不能列入清单');
    if (refused.length > 0)
      throw conflict('report_not_new', '来源反映已列入清单：一条反映只列入一个事项，重复的反映请并入同一事项');
    // The residents who reported it hear that it is listed; the branch's robot, that it has a new item.
    const orgName = await orgNameOf(tx, list.org_id);
    await messageReporters(tx, id, 'item_listed', { org: orgName, no: String(no) }, now);
    await messageBranch(tx, {
      orgId: list.org_id,
      itemId: id,
      text: `【${orgName}】第${list.no}号清单新增第${no}项：${input.problem}`,
      now,
    });
    const responsible = new Set(input.responsibleMemberIds);
    for (const memberId of responsible) {
      await repo.insertItemMember(tx, {
        item_id: id,
        member_id: memberId,
        role: 'responsible',
        membership_id: null,
        added_on: addedOn,
        reason: null,
      });
    }
    await notify(tx, responsible, {
      itemId: id,
      kind: 'assigned',
      text: `第${list.no}号清单第${no}项：${input.problem}`,
      at: now,
    });
    await repo.linkUnits(tx, id, new Set(input.unitIds));
    await repo.insertEvent(tx, {
      id: newId(),
      itemId: id,
      userId: actor.userId,
      actorLabel: actor.displayName,
      kind: 'transition',
      text: `列入第${list.no}号问题清单第${no}项`,
      public: true,
      to: 'open',
      at: now,
    });
    return id;
  }

  /** Items in scope, filterable; overdue is derived from the deadline. */
  async list(actor: Actor, q: z.infer<typeof ItemListQuery>) {
    const f: repo.ItemFilters = {
      listId: q.listId,
      orgId: q.orgId,
      status: q.status,
      category: q.category,
      overdue: q.overdue === undefined ? undefined : q.overdue === 'true',
      escalated: q.escalated === 'true',
      today: todayInShanghai(),
      ...(q.asOf ? { asOf: q.asOf } : {}),
    };
    const { rows, people, participants, total } = await repo.listItems(
      this.db,
      actor,
      f,
      q.limit,
      decodeCursor(q.cursor),
    );
    const page = pageOf(rows, q.limit, total, (r) => r.sort_key);
    // The lights are the server's: worked out on the calendar with the page (each item's clock that day), never again
    // in the browser.
    const lights = new Map(page.items.map((r) => [r.id, r.clock.light]));
    return { ...page, items: page.items.map((r) => toSummary(r, people, participants, lights)) };
  }

  /** One item with its trail, people, sources and what the caller may do. */
  async get(actor: Actor, id: string) {
    const { row, people, participants, workers, facts } = await accessItem(this.db, actor, id);
    const [events, units, reports, regionName, assisting, messages] = await Promise.all([
      repo.itemEvents(this.db, id),
      repo.itemUnits(this.db, id),
      repo.itemReports(this.db, id),
      row.region_code ? repo.regionName(this.db, row.region_code) : null,
      repo.itemParticipants(this.db, id),
      repo.itemMessages(this.db, id),
    ]);
    const eventPhotos = await photoIds(
      this.db,
      'item_event',
      events.map((e) => e.id),
    );
    const firstReport = reports.map((r) => r.reported_at).sort()[0] ?? row.created_at;
    // The item was just read with its pauses and targets, and its clock worked out with it (items.repository.ts).
    const clock = row.clock;
    const chases = await this.deadlines.chasesOf(id);
    const days = (from: string, to: string | null) =>
      to ? Math.round(((Date.parse(to) - Date.parse(from)) / 86_400_000) * 10) / 10 : null;
    return {
      ...toSummary(row, people, participants, new Map([[id, clock.light]])),
      clock,
      chases,
      participantRecords: assisting.map((p) => ({
        id: p.id,
        memberId: p.member_id,
        name: p.name,
        unitName: p.unit_name,
        role: p.role,
        startOn: p.start_on,
        endOn: p.end_on,
        version: p.version,
      })),
      regionCode: row.region_code,
      regionName,
      neededSkill: row.needed_skill,
      closeEvidence: row.close_evidence,
      residentConfirmedAt: row.resident_confirmed_at,
      residentConfirmation: await this.residentConfirmation(row),
      residentRating:
        row.resident_rating === null
          ? null
          : {
              stars: Number(row.resident_rating),
              comment: row.resident_comment,
              at: known(row.resident_rated_at, 'the rating’s time'),
            },
      escalatedAt: row.escalated_at,
      escalationReason: row.escalation_reason,
      resolution: {
        hops: row.escalated_to_org_id ? 1 : 0,
        daysFromReport: days(firstReport, row.closed_at),
        daysToResolver: days(firstReport, row.escalated_at ?? row.created_at),
      },
      members: workers.map((w) => ({
        memberId: w.member_id,
        name: w.name,
        unitName: w.unit_name,
        role: w.role,
        addedOn: w.added_on,
        reason: w.reason,
      })),
      units,
      reports: reports.map((r) => ({
        id: r.id,
        source: r.source,
        description: r.description,
        reportedAt: r.reported_at,
      })),
      events: events.map((e) => ({
        id: e.id,
        at: e.at,
        actor: e.actor_label,
        kind: e.kind,
        text: e.text,
        public: e.public === 1,
        fromStatus: e.from_status,
        toStatus: e.to_status,
        photoIds: eventPhotos.get(e.id) ?? [],
      })),
      residentMessages: messages.map((m) => ({
        id: m.id,
        purpose: m.purpose as 'item_done',
        status: m.status,
        queuedAt: m.created_at,
        dueAt: m.not_before,
        sentAt: m.sent_at,
        phone: m.to_enc && this.cipher ? maskPhone(this.cipher.decrypt(m.to_enc)) : null,
        tries: m.tries,
        lastMessage: m.last_message ?? m.last_code,
      })),
      abilities: {
        progress: policy.canProgress(actor, facts),
        transitions: policy.allowedTransitions(actor, facts),
        link: policy.canLink(actor, facts),
        escalate: policy.canEscalate(actor, facts),
        recordResidentCall: facts.staffEnteredReport && policy.canRecordResidentCall(actor, facts),
        participants: policy.canProgress(actor, facts) && policy.staffOnItem(actor),
        edit: policy.canEdit(actor, facts),
        pause: policy.canPause(actor, facts),
        resume: policy.canResume(actor, facts),
      },
    };
  }

  private async residentConfirmation(row: repo.ItemRow) {
    if (!row.resident_confirmed_at) return null;
    const channel = row.resident_confirm_channel ?? 'code';
    return {
      channel,
      text: RESIDENT_CHANNEL_TEXT[channel],
      at: row.resident_confirmed_at,
      recordedBy: row.resident_confirm_recorded_by
        ? await repo.userDisplayName(this.db, row.resident_confirm_recorded_by)
        : null,
      callAt: row.resident_call_at,
      words: row.resident_words,
    };
  }
}
