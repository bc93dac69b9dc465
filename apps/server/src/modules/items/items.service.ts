import {
  CATEGORY_SKILL,
  ITEM_TRANSITIONS,
  type ItemStatus,
  type ReportCategory,
  addDays,
  canTransition,
  todayInShanghai,
} from '@lianjian/shared';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { Db, Executor } from '../../db/index.ts';
import type { ItemTable } from '../../db/types.ts';
import type { Actor } from '../../lib/actor.ts';
import { newId, nowIso } from '../../lib/ids.ts';
import { maskNumbersInText } from '../../lib/mask.ts';
import { deadlineNotBefore, factDay, notAfterToday } from '../../lib/step-dates.ts';
import { afterCursor, decodeCursor, pageOf } from '../../lib/paging.ts';
import { conflict, forbidden, invalid, notFound, versionConflict } from '../../lib/problem.ts';
import { cleanPhotos, photoIds, storePhotos } from '../../lib/photos.ts';
import { holdRow } from '../../db/locks.ts';
import { assertRegionsWithin, coverageOf, notLinkedByNeed, orgInScope } from '../../lib/scope.ts';
import { recordReply } from '../../lib/idempotency-claims.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { setting } from '../settings/settings.repository.ts';
import { activeOn } from '../orgs/orgs.repository.ts';
import { reportInScope } from '../reports/reports.repository.ts';
import { ledgerWorkbook } from './items.export.ts';
import * as policy from './items.policy.ts';
import * as repo from './items.repository.ts';
import type {
  AddEvent,
  CreateProblemList,
  Escalate,
  ItemListQuery,
  ItemTransition,
  LinkByNeed,
  NewItem,
  EndParticipant,
  NewParticipant,
  ProblemListQuery,
  ResidentCall,
} from './items.schemas.ts';

const STATUS_TEXT: Record<ItemStatus, string> = {
  open: '已登记',
  in_progress: '正在办理',
  awaiting_confirmation: '已办结，等待确认',
  closed: '已销号',
};

/** Who the resident is, in the trail: no account, no name. */
const RESIDENT = '群众';

/** The resident's confirmation as recorded on the item: when, how, and for a call who recorded it. */
const residentWord = (
  now: string,
  recordedBy: string | null,
  opts: { residentChannel?: 'code' | 'phone' | 'call'; call?: { at: string; words: string } },
) => ({
  resident_confirmed_at: now,
  resident_confirm_channel: opts.residentChannel ?? 'code',
  resident_confirm_recorded_by: opts.residentChannel === 'call' ? recordedBy : null,
  resident_call_at: opts.call?.at ?? null,
  resident_words: opts.call?.words ?? null,
});
const NO_RESIDENT_WORD = {
  resident_confirmed_at: null,
  resident_confirm_channel: null,
  resident_confirm_recorded_by: null,
  resident_call_at: null,
  resident_words: null,
};

/** How the resident's confirmation came, as the ledger and the item's trail say it. */
export const RESIDENT_CHANNEL_TEXT = {
  code: '群众凭查询码确认',
  phone: '群众凭查询码及预留手机验证码确认',
  call: '电话回访群众确认',
} as const;

const toSummary = (
  r: repo.ItemRow,
  people: { item_id: string; name: string }[],
  participants: { item_id: string; name: string; role: string }[] = [],
) => ({
  id: r.id,
  listId: r.list_id,
  listNo: r.list_no,
  listTitle: r.list_title,
  listedOn: r.listed_on,
  orgId: r.org_id,
  orgName: r.org_name,
  no: r.no,
  kind: r.kind,
  problem: r.problem,
  category: r.category as ReportCategory,
  status: r.status_on as repo.ItemRow['status'],
  overdue: Number(r.is_overdue) === 1,
  dueOn: r.due_on,
  measures: r.measures,
  responsibleGroup: r.responsible_group_id && r.group_name ? { id: r.responsible_group_id, name: r.group_name } : null,
  responsibleMembers: people.filter((p) => p.item_id === r.id).map((p) => p.name),
  participants: participants.filter((p) => p.item_id === r.id).map((p) => `${p.name}（${p.role}）`),
  latestProgress: r.latest_progress,
  closedAt: r.closed_at,
  closedBy: r.closed_by_name ?? (r.closed_at ? RESIDENT : null),
  reopenedCount: r.reopened_count,
  escalatedTo: r.escalated_to_org_id && r.escalated_name ? { id: r.escalated_to_org_id, name: r.escalated_name } : null,
  version: r.version,
});

/** Problem lists and their items: combing reports, the item workflow, link by need and escalation. */
/**
 * The last day a resident may reopen a closed item with the tracking code: the county's window (a setting, default 5
 * days) counted from the day it closed (Asia/Shanghai). Null for an item not closed.
 */
export async function reopenUntil(db: Executor, closedAt: string | null, regionCode: string): Promise<string | null> {
  if (!closedAt) return null;
  const closedOn = todayInShanghai(new Date(closedAt));
  const days = Number(await setting(db, regionCode.slice(0, 6), Number(closedOn.slice(0, 4)), 'reopen_window_days'));
  return addDays(closedOn, days);
}

export class ItemService {
  constructor(private readonly db: Db) {}

  /** The item if the actor may see it, with what the policies need; 404 otherwise. */
  async access(actor: Actor, id: string, db: Executor = this.db) {
    const today = todayInShanghai();
    const { rows, people, participants } = await repo.listItems(db, actor, { id, today }, 1, null);
    const row = rows[0];
    if (!row) throw notFound('清单事项');
    const [org, workers, enterers] = await Promise.all([
      db
        .selectFrom('temporary_orgs')
        .select(['status', 'path', 'region_code'])
        .where('id', '=', row.org_id)
        .executeTakeFirstOrThrow(),
      repo.itemMembers(db, id),
      repo.reportEnterers(db, id),
    ]);
    const facts: policy.ItemFacts = {
      status: row.status,
      submitted_by: row.submitted_by,
      responsible_group_id: row.responsible_group_id,
      escalated_to_org_id: row.escalated_to_org_id,
      frozen: org.status === 'dissolved',
      actorWorked: actor.memberId !== null && workers.some((w) => w.member_id === actor.memberId),
      actorEnteredReport: enterers.some((e) => e.created_by === actor.userId),
      staffEnteredReport: enterers.some((e) => e.source !== 'resident'),
    };
    return { row, people, participants, org, workers, facts };
  }

  /** One problem list with its counts. */
  async getList(actor: Actor, id: string) {
    const r = await this.lists(actor, { limit: 1 }, id);
    const list = r.items[0];
    if (!list) throw notFound('问题清单');
    return list;
  }

  /** Problem lists in scope, newest first, with their progress counts. */
  async lists(actor: Actor, q: z.infer<typeof ProblemListQuery>, id?: string) {
    const today = todayInShanghai();
    let b = this.db
      .selectFrom('problem_lists as l')
      .innerJoin('temporary_orgs as o', 'o.id', 'l.org_id')
      .where(orgInScope(actor, 'o'));
    if (q.orgId) b = b.where('l.org_id', '=', q.orgId);
    if (id) b = b.where('l.id', '=', id);
    const cursor = decodeCursor(q.cursor);
    const rows = await (cursor ? b.where(afterCursor('l.listed_on', 'l.id', cursor, 'desc')) : b)
      .select([
        'l.id',
        'l.org_id',
        'o.name as org_name',
        'l.no',
        'l.title',
        'l.listed_on',
        'l.version',
        sql<number>`(select count(*) from items i where i.list_id = l.id)`.as('item_count'),
        sql<number>`(select count(*) from items i where i.list_id = l.id and i.status = 'closed')`.as('closed_count'),
        sql<number>`(select count(*) from items i where i.list_id = l.id and i.status <> 'closed' and i.due_on < ${today})`.as(
          'overdue_count',
        ),
      ])
      .orderBy('l.listed_on', 'desc')
      .orderBy('l.id')
      .limit(q.limit + 1)
      .execute();
    const total = await b.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const page = pageOf(rows, q.limit, Number(total.n), (r) => r.listed_on);
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
    const { rows, people, participants } = await repo.listItems(this.db, actor, { listId: id, today }, 1000, null);
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
    const org = await tx
      .selectFrom('temporary_orgs as o')
      .select(['o.id', 'o.level', 'o.status', 'o.path', 'o.established_on'])
      .where('o.id', '=', input.orgId)
      .where(orgInScope(actor, 'o'))
      .executeTakeFirst();
    if (!org) throw notFound('组织');
    if (org.status === 'dissolved') throw conflict('org_dissolved', '组织已撤销，记录只读');
    if (org.level === 'group') throw invalid('问题清单由支部或总支建立', [{ path: 'body.orgId', message: 'group' }]);
    factDay(input.listedOn, 'body.listedOn', '梳理日期', { on: org.established_on, what: '组织成立日期' });
    await holdRow(tx, 'temporary_orgs', org.id);
    const last = await tx
      .selectFrom('problem_lists')
      .select((eb) => eb.fn.max('no').as('n'))
      .where('org_id', '=', org.id)
      .executeTakeFirst();
    const now = nowIso();
    const list = {
      id: newId(),
      org_id: org.id,
      no: Number(last?.n ?? 0) + 1,
      title: input.title,
      listed_on: input.listedOn,
      created_by: actor.userId,
      version: 1,
      created_at: now,
      updated_at: now,
    };
    await tx.insertInto('problem_lists').values(list).execute();
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
    await recordAudit(tx, actor, {
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
      const list = await tx
        .selectFrom('problem_lists as l')
        .innerJoin('temporary_orgs as o', 'o.id', 'l.org_id')
        .select(['l.id', 'l.org_id', 'l.no', 'l.listed_on', 'o.path', 'o.status'])
        .where('l.id', '=', listId)
        .where(orgInScope(actor, 'o'))
        .executeTakeFirst();
      if (!list) throw notFound('问题清单');
      if (list.status === 'dissolved') throw conflict('org_dissolved', '组织已撤销，记录只读');
      await holdRow(tx, 'problem_lists', list.id);
      const last = await tx
        .selectFrom('items')
        .select((eb) => eb.fn.max('no').as('n'))
        .where('list_id', '=', listId)
        .executeTakeFirst();
      const id = await this.insertItem(
        tx,
        actor,
        { id: list.id, org_id: list.org_id, path: list.path, no: list.no, listed_on: list.listed_on },
        Number(last?.n ?? 0) + 1,
        input,
        todayInShanghai(),
      );
      await recordReply(tx, actor.requestId, 201, { id });
      await recordAudit(tx, actor, {
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
    if (input.responsibleGroupId) {
      const g = await tx
        .selectFrom('temporary_orgs')
        .select('id')
        .where('id', '=', input.responsibleGroupId)
        .where('parent_id', '=', list.org_id)
        .where('level', '=', 'group')
        .where('status', '<>', 'dissolved')
        .executeTakeFirst();
      if (!g)
        throw invalid('责任党小组须是本支部的党小组', [
          { path: path('responsibleGroupId'), message: 'not a group of this branch' },
        ]);
    }
    for (const memberId of input.responsibleMemberIds) {
      const m = await tx
        .selectFrom('memberships as m')
        .innerJoin('temporary_orgs as o', 'o.id', 'm.org_id')
        .select('m.id')
        .where('m.member_id', '=', memberId)
        .where('o.path', 'like', `${list.path}%`)
        .where(activeOn('m', addedOn))
        // Linked by need for another item: that link covers that item only, never a new responsibility.
        .where(notLinkedByNeed('m'))
        .executeTakeFirst();
      if (!m) {
        throw invalid('责任人须是本支部成员；其他单位的党员请用“因需而联”联结', [
          { path: path('responsibleMemberIds'), message: memberId },
        ]);
      }
    }
    for (const reportId of input.reportIds) {
      const r = await tx
        .selectFrom('reports as r')
        .select(['r.id'])
        .where('r.id', '=', reportId)
        .where(reportInScope(actor, 'r'))
        .executeTakeFirst();
      if (!r) throw invalid('来源反映不存在或不在管辖范围内', [{ path: path('reportIds'), message: reportId }]);
    }
    for (const unitId of input.unitIds) {
      const u = await tx.selectFrom('units').select('id').where('id', '=', unitId).executeTakeFirst();
      if (!u) throw invalid('单位不存在', [{ path: path('unitIds'), message: unitId }]);
    }
    if (input.stageId) {
      const stage = await tx
        .selectFrom('chain_stages as s')
        .innerJoin('chains as c', 'c.id', 's.chain_id')
        .select('s.id')
        .where('s.id', '=', input.stageId)
        .where('c.org_id', '=', list.org_id)
        .executeTakeFirst();
      if (!stage) throw invalid('环节须属于本支部的产业链', [{ path: path('stageId'), message: input.stageId }]);
    }
    if (input.projectId) {
      const project = await tx
        .selectFrom('projects')
        .select('id')
        .where('id', '=', input.projectId)
        .where('org_id', '=', list.org_id)
        .executeTakeFirst();
      if (!project) throw invalid('项目须属于本支部', [{ path: path('projectId'), message: input.projectId }]);
    }
    const now = nowIso();
    const id = newId();
    await tx
      .insertInto('items')
      .values({
        id,
        list_id: list.id,
        org_id: list.org_id,
        no,
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
      })
      .execute();
    for (const reportId of new Set(input.reportIds)) {
      await tx.insertInto('item_reports').values({ item_id: id, report_id: reportId }).execute();
      await tx
        .updateTable('reports')
        .set((eb) => ({ status: 'listed', version: eb('version', '+', 1), updated_at: now }))
        .where('id', '=', reportId)
        .execute();
    }
    for (const memberId of new Set(input.responsibleMemberIds)) {
      await tx
        .insertInto('item_members')
        .values({
          item_id: id,
          member_id: memberId,
          role: 'responsible',
          membership_id: null,
          added_on: addedOn,
          reason: null,
        })
        .execute();
      await tx
        .insertInto('notifications')
        .values({
          id: newId(),
          member_id: memberId,
          item_id: id,
          kind: 'assigned',
          text: `第${list.no}号清单第${no}项：${input.problem}`,
          created_at: now,
          read_at: null,
        })
        .execute();
    }
    for (const unitId of new Set(input.unitIds))
      await tx.insertInto('item_units').values({ item_id: id, unit_id: unitId }).execute();
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
    return { ...page, items: page.items.map((r) => toSummary(r, people, participants)) };
  }

  /** One item with its trail, people, sources and what the caller may do. */
  async get(actor: Actor, id: string) {
    const { row, people, participants, workers, facts } = await this.access(actor, id);
    const [events, units, reports, region, assisting] = await Promise.all([
      repo.itemEvents(this.db, id),
      this.db
        .selectFrom('item_units as iu')
        .innerJoin('units as u', 'u.id', 'iu.unit_id')
        .select(['u.id', 'u.name'])
        .where('iu.item_id', '=', id)
        .execute(),
      this.db
        .selectFrom('item_reports as ir')
        .innerJoin('reports as r', 'r.id', 'ir.report_id')
        .select(['r.id', 'r.source', 'r.description', 'r.reported_at'])
        .where('ir.item_id', '=', id)
        .execute(),
      row.region_code
        ? this.db.selectFrom('regions').select('name').where('code', '=', row.region_code).executeTakeFirst()
        : undefined,
      repo.itemParticipants(this.db, id),
    ]);
    const eventPhotos = await photoIds(
      this.db,
      'item_event',
      events.map((e) => e.id),
    );
    const firstReport = reports.map((r) => r.reported_at).sort()[0] ?? row.created_at;
    const days = (from: string, to: string | null) =>
      to ? Math.round(((Date.parse(to) - Date.parse(from)) / 86_400_000) * 10) / 10 : null;
    return {
      ...toSummary(row, people, participants),
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
      regionName: region?.name ?? null,
      neededSkill: row.needed_skill,
      closeEvidence: row.close_evidence,
      residentConfirmedAt: row.resident_confirmed_at,
      residentConfirmation: await this.residentConfirmation(row),
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
      abilities: {
        progress: policy.canProgress(actor, facts),
        transitions: policy.allowedTransitions(actor, facts),
        link: policy.canLink(actor, facts),
        escalate: policy.canEscalate(actor, facts),
        recordResidentCall: facts.staffEnteredReport && policy.canRecordResidentCall(actor, facts),
        participants: policy.canProgress(actor, facts) && policy.staffOnItem(actor),
      },
    };
  }

  private async residentConfirmation(row: repo.ItemRow) {
    if (!row.resident_confirmed_at) return null;
    const channel = row.resident_confirm_channel ?? 'code';
    const recorder = row.resident_confirm_recorded_by
      ? await this.db
          .selectFrom('users')
          .select('display_name')
          .where('id', '=', row.resident_confirm_recorded_by)
          .executeTakeFirst()
      : undefined;
    return {
      channel,
      text: RESIDENT_CHANNEL_TEXT[channel],
      at: row.resident_confirmed_at,
      recordedBy: recorder?.display_name ?? null,
      callAt: row.resident_call_at,
      words: row.resident_words,
    };
  }

  /**
   * Someone who is not a Party member assisting with the item (DOMAIN §4: they take part in the task, never hold a
   * membership): a person of the register who is not a Party member, or a name and a unit; with a role and the day
   * they started (not after today, not before the list). A Party member is linked by need instead.
   */
  async addParticipant(actor: Actor, id: string, input: z.infer<typeof NewParticipant>) {
    return this.db.transaction().execute(async (tx) => {
      const { row, org, facts } = await this.access(actor, id, tx);
      if (facts.frozen) throw conflict('org_dissolved', '组织已撤销，记录只读');
      if (!policy.canProgress(actor, facts) || !policy.staffOnItem(actor))
        throw forbidden('permission_denied', '无权为该事项登记参与人员');
      const list = await tx
        .selectFrom('problem_lists')
        .select('listed_on')
        .where('id', '=', row.list_id)
        .executeTakeFirstOrThrow();
      notAfterToday(input.startOn, 'body.startOn', '参与开始日期');
      if (input.startOn < list.listed_on)
        throw invalid(`参与开始日期不能早于清单日期（${list.listed_on}）`, [
          { path: 'body.startOn', message: `before ${list.listed_on}` },
        ]);
      const county = org.region_code.slice(0, 6);
      let person: { member_id: string | null; name: string; unit_id: string | null; unit_name: string };
      if (input.memberId) {
        const m = await tx
          .selectFrom('members as p')
          .innerJoin('units as u', 'u.id', 'p.unit_id')
          .select(['p.id', 'p.name', 'p.party_status', 'u.id as unit_id', 'u.name as unit_name'])
          .where('p.id', '=', input.memberId)
          .where('p.region_code', 'like', `${county}%`)
          .executeTakeFirst();
        if (!m) throw invalid('该人员不在本县名册中', [{ path: 'body.memberId', message: input.memberId }]);
        if (m.party_status !== 'none')
          throw conflict('party_member_link_by_need', `${m.name}是党员，请通过“因需而联”联结进责任党小组`);
        person = { member_id: m.id, name: m.name, unit_id: m.unit_id, unit_name: m.unit_name };
      } else {
        const unit = input.unitId
          ? await tx
              .selectFrom('units')
              .select(['id', 'name'])
              .where('id', '=', input.unitId)
              .where('region_code', 'like', `${county}%`)
              .executeTakeFirst()
          : undefined;
        if (input.unitId && !unit)
          throw invalid('单位不在本县名录中', [{ path: 'body.unitId', message: input.unitId }]);
        person = {
          member_id: null,
          name: input.name as string,
          unit_id: unit?.id ?? null,
          unit_name: unit?.name ?? (input.unitName as string),
        };
      }
      const open = await tx
        .selectFrom('item_participants')
        .select('id')
        .where('item_id', '=', id)
        .where('end_on', 'is', null)
        .where((eb) =>
          person.member_id
            ? eb('member_id', '=', person.member_id)
            : eb.and([eb('name', '=', person.name), eb('unit_name', '=', person.unit_name)]),
        )
        .executeTakeFirst();
      if (open) throw conflict('already_participating', `${person.name}已在协助办理此事项`);
      const record = {
        id: newId(),
        item_id: id,
        ...person,
        role: input.role,
        start_on: input.startOn,
        end_on: null,
        created_by: actor.userId,
        created_at: nowIso(),
        version: 1,
      };
      await tx.insertInto('item_participants').values(record).execute();
      await repo.insertEvent(tx, {
        id: newId(),
        itemId: id,
        userId: actor.userId,
        actorLabel: actor.displayName,
        kind: 'link',
        text: `${person.name}（${person.unit_name}，${input.role}）作为非党员参与人员协助办理`,
        public: false,
        at: record.created_at,
      });
      await recordReply(tx, actor.requestId, 201, { id: record.id });
      await recordAudit(tx, actor, { action: 'item.participant_add', entityType: 'item', entityId: id, after: record });
      return record.id;
    });
  }

  /** A participant's help ends (not before it started, not after today); closing the item ends it too. */
  async endParticipant(actor: Actor, id: string, participantId: string, input: z.infer<typeof EndParticipant>) {
    await this.db.transaction().execute(async (tx) => {
      const { facts } = await this.access(actor, id, tx);
      if (facts.frozen) throw conflict('org_dissolved', '组织已撤销，记录只读');
      if (!policy.canProgress(actor, facts) || !policy.staffOnItem(actor))
        throw forbidden('permission_denied', '无权变更该事项的参与人员');
      const p = await tx
        .selectFrom('item_participants')
        .selectAll()
        .where('id', '=', participantId)
        .where('item_id', '=', id)
        .executeTakeFirst();
      if (!p) throw notFound('参与人员');
      if (p.end_on) throw conflict('participation_ended', '该人员的协助已结束');
      notAfterToday(input.endOn, 'body.endOn', '结束日期');
      if (input.endOn < p.start_on)
        throw invalid(`结束日期不能早于开始日期（${p.start_on}）`, [
          { path: 'body.endOn', message: `before ${p.start_on}` },
        ]);
      const r = await tx
        .updateTable('item_participants')
        .set({ end_on: input.endOn, version: p.version + 1 })
        .where('id', '=', p.id)
        .where('version', '=', input.version)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw versionConflict();
      await recordAudit(tx, actor, {
        action: 'item.participant_end',
        entityType: 'item',
        entityId: id,
        before: { participant: p.id, end_on: null },
        after: { end_on: input.endOn },
      });
    });
  }

  /** A progress entry (进展情况), public or internal. */
  async addEvent(actor: Actor, id: string, input: z.infer<typeof AddEvent>) {
    const cleaned = await cleanPhotos(input.photos);
    await this.db.transaction().execute(async (tx) => {
      const { facts } = await this.access(actor, id, tx);
      if (facts.frozen) throw conflict('org_dissolved', '组织已撤销，记录只读');
      if (!policy.canProgress(actor, facts)) throw forbidden('permission_denied', '无权为该事项填写进展');
      const event = {
        id: newId(),
        itemId: id,
        userId: actor.userId,
        actorLabel: actor.displayName,
        kind: 'progress' as const,
        text: input.text,
        public: input.public,
        at: nowIso(),
      };
      await repo.insertEvent(tx, event);
      const photos = await storePhotos(tx, 'item_event', event.id, cleaned);
      await recordAudit(tx, actor, {
        action: 'item.progress',
        entityType: 'item',
        entityId: id,
        after: { ...event, photos },
      });
    });
  }

  /** Moves an item through its workflow; nobody confirms their own work. */
  async transition(actor: Actor, id: string, input: z.infer<typeof ItemTransition>) {
    await this.db.transaction().execute(async (tx) => {
      const { row, facts } = await this.access(actor, id, tx);
      if (facts.frozen) throw conflict('org_dissolved', '组织已撤销，记录只读');
      if (!canTransition(ITEM_TRANSITIONS, row.status, input.to)) {
        throw conflict('illegal_transition', `事项不能从“${STATUS_TEXT[row.status]}”变为“${STATUS_TEXT[input.to]}”`);
      }
      if (!policy.allowedTransitions(actor, facts).includes(input.to)) {
        if (input.to === 'closed' && (facts.actorWorked || actor.userId === row.submitted_by)) {
          throw forbidden('cannot_confirm_own_work', '办理人不能确认自己的工作，须由他人验收销号');
        }
        throw forbidden('permission_denied', '无权变更该事项的状态');
      }
      if (input.to === 'closed' && !input.evidence) {
        throw invalid('销号须填写依据', [{ path: 'body.evidence', message: 'required' }]);
      }
      if (input.to === 'awaiting_confirmation' && row.kind === 'dispute') {
        const d = await tx.selectFrom('disputes').select('outcome').where('item_id', '=', id).executeTakeFirst();
        if (!d?.outcome)
          throw conflict('dispute_outcome_missing', '矛盾纠纷须先记录调解结果（达成协议、调解不成或移交）');
      }
      if (
        input.to === 'in_progress' &&
        (row.status === 'closed' || row.status === 'awaiting_confirmation') &&
        !input.reason
      ) {
        throw invalid('退回或重新打开须说明原因', [{ path: 'body.reason', message: 'required' }]);
      }
      await this.move(
        tx,
        { userId: actor.userId, label: actor.displayName, requestId: actor.requestId },
        row,
        input.to,
        input.version,
        {
          reason: input.reason,
          evidence: input.evidence,
        },
      );
    });
  }

  /** Applies a status change with its side effects; the caller has checked who may do it. */
  private async move(
    tx: Executor,
    who: { userId: string | null; label: string; requestId: string },
    row: Pick<ItemTable, 'id' | 'status' | 'reopened_count' | 'list_id' | 'no' | 'problem'>,
    to: ItemStatus,
    version: number,
    opts: {
      reason?: string;
      evidence?: string;
      byResident?: boolean;
      residentChannel?: 'code' | 'phone' | 'call';
      call?: { at: string; words: string };
    },
  ) {
    const now = nowIso();
    const today = todayInShanghai();
    const reopening = to === 'in_progress' && (row.status === 'closed' || row.status === 'awaiting_confirmation');
    const patch: Partial<ItemTable> = { status: to, updated_at: now };
    if (to === 'awaiting_confirmation') patch.submitted_by = who.userId;
    if (to === 'closed') {
      patch.closed_at = now;
      // Closed by the resident's word: nobody on the staff closed it, even when a call back was recorded by one.
      patch.closed_by = opts.byResident ? null : who.userId;
      patch.close_evidence = opts.evidence ?? null;
      if (opts.byResident) Object.assign(patch, residentWord(now, who.userId, opts));
    }
    if (reopening) {
      patch.reopened_count = row.reopened_count + (row.status === 'closed' ? 1 : 0);
      patch.closed_at = null;
      patch.closed_by = null;
      Object.assign(patch, NO_RESIDENT_WORD);
    }
    if (!(await repo.updateItem(tx, row.id, version, patch))) throw versionConflict();
    const text = [STATUS_TEXT[to], opts.reason, opts.evidence ? `销号依据：${opts.evidence}` : undefined]
      .filter(Boolean)
      .join('；');
    await repo.insertEvent(tx, {
      id: newId(),
      itemId: row.id,
      userId: who.userId,
      actorLabel: who.label,
      kind: opts.byResident ? 'feedback' : 'transition',
      text,
      public: true,
      from: row.status,
      to,
      at: now,
    });
    if (to === 'closed') {
      // Those who assisted finish with the item.
      await tx
        .updateTable('item_participants')
        .set((eb) => ({ end_on: today, version: eb('version', '+', 1) }))
        .where('item_id', '=', row.id)
        .where('end_on', 'is', null)
        .execute();
      // Members linked by need for this item leave the party group when it closes.
      const linked = await tx
        .selectFrom('item_members')
        .select(['membership_id'])
        .where('item_id', '=', row.id)
        .where('role', '=', 'linked')
        .where('membership_id', 'is not', null)
        .execute();
      for (const l of linked) {
        await tx
          .updateTable('memberships')
          .set((eb) => ({
            end_on: today,
            end_reason: `清单事项第${row.no}项已销号`,
            version: eb('version', '+', 1),
            updated_at: now,
          }))
          .where('id', '=', l.membership_id as string)
          .where('end_on', 'is', null)
          .execute();
      }
    }
    if (reopening && row.status === 'closed') {
      // The members linked by need for this item left its party group when it closed: they come back with it.
      const linked = await tx
        .selectFrom('item_members as im')
        .innerJoin('memberships as m', 'm.id', 'im.membership_id')
        .select(['im.member_id', 'm.id as membership_id', 'm.org_id', 'm.link_reason', 'm.end_on'])
        .where('im.item_id', '=', row.id)
        .where('im.role', '=', 'linked')
        .where('m.end_on', 'is not', null)
        .execute();
      for (const l of linked) {
        if (l.end_on === today) {
          await tx
            .updateTable('memberships')
            .set((eb) => ({ end_on: null, end_reason: null, version: eb('version', '+', 1), updated_at: now }))
            .where('id', '=', l.membership_id)
            .execute();
          continue;
        }
        const id = newId();
        await tx
          .insertInto('memberships')
          .values({
            id,
            org_id: l.org_id,
            member_id: l.member_id,
            role: 'member',
            start_on: today,
            end_on: null,
            end_reason: null,
            link_reason: l.link_reason,
            designated_by_party_org_id: null,
            designated_by_org_id: null,
            version: 1,
            created_at: now,
            updated_at: now,
          })
          .execute();
        await tx
          .updateTable('item_members')
          .set({ membership_id: id })
          .where('item_id', '=', row.id)
          .where('member_id', '=', l.member_id)
          .where('role', '=', 'linked')
          .execute();
      }
    }
    if (reopening) {
      const workers = await tx.selectFrom('item_members').select('member_id').where('item_id', '=', row.id).execute();
      for (const w of workers) {
        await tx
          .insertInto('notifications')
          .values({
            id: newId(),
            member_id: w.member_id,
            item_id: row.id,
            kind: 'reopened',
            text: `事项被退回：${opts.reason ?? ''}`,
            created_at: now,
            read_at: null,
          })
          .execute();
      }
    }
    await recordAudit(
      tx,
      { userId: who.userId, requestId: who.requestId },
      {
        action: 'item.transition',
        entityType: 'item',
        entityId: row.id,
        before: { status: row.status },
        after: { status: to, ...opts },
      },
    );
  }

  /**
   * The resident's word on an item they reported: "solved" confirms it (closing it if it waits for
   * confirmation); "not solved" sends it back to work and counts a reopening.
   */
  async residentFeedback(
    itemId: string,
    solved: boolean,
    reason: string | undefined,
    requestId: string,
    opts: {
      /** The caller's part of the same transaction: the reply the resident is answered with. */
      within?: (tx: Executor) => Promise<void>;
      /** How the resident proved it is them: their own tracking code, or with a one-time code to the phone on file. */
      channel: 'code' | 'phone';
      /** Spends the one-time code in this transaction (a second use of it finds it spent). */
      proof?: (tx: Executor) => Promise<void>;
    },
  ) {
    await this.db.transaction().execute(async (tx) => {
      await opts.proof?.(tx);
      const row = await tx.selectFrom('items').selectAll().where('id', '=', itemId).executeTakeFirstOrThrow();
      const org = await tx
        .selectFrom('temporary_orgs')
        .select(['status', 'region_code'])
        .where('id', '=', row.org_id)
        .executeTakeFirstOrThrow();
      if (org.status === 'dissolved' && !row.handed_over_to_org_id) throw conflict('org_dissolved', '该组织已撤销');
      if (row.status !== 'awaiting_confirmation' && row.status !== 'closed') {
        throw conflict('feedback_not_open', '事项尚未办结，暂不能确认');
      }
      const who = { userId: null, label: RESIDENT, requestId };
      // A closed item is reopened by the resident only within the county's window after it closed; then the
      // tracking code only rates and comments (DOMAIN §9a).
      if (!solved && row.status === 'closed') {
        const until = await reopenUntil(tx, row.closed_at, row.region_code ?? org.region_code);
        if (until !== null && todayInShanghai() > until) {
          throw conflict(
            'reopen_window_over',
            `事项已于 ${until} 前结束可重新打开的期限，可以评价和留言，如有新问题请重新反映`,
          );
        }
      }
      await this.applyResidentWord(tx, who, row, solved, reason, { residentChannel: opts.channel });
      await opts.within?.(tx);
    });
  }

  /** "Solved" closes an item that waits for it (or confirms a closed one); "not solved" sends it back to work. */
  private async applyResidentWord(
    tx: Executor,
    who: { userId: string | null; label: string; requestId: string },
    row: ItemTable,
    solved: boolean,
    reason: string | undefined,
    how: { residentChannel: 'code' | 'phone' | 'call'; call?: { at: string; words: string } },
  ) {
    const evidence = RESIDENT_CHANNEL_TEXT[how.residentChannel];
    if (solved) {
      if (row.status === 'awaiting_confirmation') {
        await this.move(tx, who, row, 'closed', row.version, { evidence, byResident: true, ...how });
      } else {
        const now = nowIso();
        if (!(await repo.updateItem(tx, row.id, row.version, residentWord(now, who.userId, how))))
          throw versionConflict();
        await repo.insertEvent(tx, {
          id: newId(),
          itemId: row.id,
          userId: who.userId,
          actorLabel: who.label,
          kind: 'feedback',
          text: `${evidence}已解决`,
          public: true,
          at: now,
        });
        await recordAudit(
          tx,
          { userId: who.userId, requestId: who.requestId },
          { action: 'item.resident_confirm', entityType: 'item', entityId: row.id, after: how },
        );
      }
    } else {
      await this.move(tx, who, row, 'in_progress', row.version, {
        reason: `群众反馈未解决：${reason ?? ''}`,
        byResident: true,
        ...how,
      });
    }
  }

  /**
   * A call back to the resident who reported the problem, recorded by staff who neither entered the report nor worked
   * the item: the call's time (not in the future, not before the item was handed in) and the resident's words.
   */
  async recordResidentCall(actor: Actor, id: string, input: z.infer<typeof ResidentCall>) {
    await this.db.transaction().execute(async (tx) => {
      const { facts } = await this.access(actor, id, tx);
      if (facts.frozen) throw conflict('org_dissolved', '组织已撤销，记录只读');
      if (!policy.canRecordResidentCall(actor, facts)) {
        if (facts.status !== 'awaiting_confirmation' && facts.status !== 'closed')
          throw conflict('feedback_not_open', '事项尚未办结，暂不能回访确认');
        if (facts.actorWorked || facts.actorEnteredReport || actor.userId === facts.submitted_by) {
          throw forbidden('cannot_confirm_own_work', '登记反映或办理事项的人员不能记录群众确认，须由其他工作人员回访');
        }
        throw forbidden('permission_denied', '无权记录群众回访');
      }
      const row = await tx.selectFrom('items').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      if (row.version !== input.version) throw versionConflict();
      const calledAt = new Date(input.calledAt);
      // A little leeway for the clerk's clock; a call later than that has not happened yet.
      if (calledAt.getTime() > Date.now() + 5 * 60_000)
        throw invalid('回访时间不能晚于现在', [{ path: 'body.calledAt', message: 'in the future' }]);
      const submitted = await repo.lastSubmittedAt(tx, id);
      if (submitted && calledAt.toISOString() < submitted) {
        throw invalid('回访时间不能早于事项报办结的时间', [{ path: 'body.calledAt', message: `before ${submitted}` }]);
      }
      if (!input.solved && row.status === 'closed') {
        const org = await tx
          .selectFrom('temporary_orgs')
          .select('region_code')
          .where('id', '=', row.org_id)
          .executeTakeFirstOrThrow();
        const until = await reopenUntil(tx, row.closed_at, row.region_code ?? org.region_code);
        if (until !== null && todayInShanghai() > until)
          throw conflict('reopen_window_over', `事项已于 ${until} 前结束可重新打开的期限`);
      }
      const words = maskNumbersInText(input.residentWords).text;
      const who = {
        userId: actor.userId,
        label: `${RESIDENT}（电话回访，${actor.displayName}记录）`,
        requestId: actor.requestId,
      };
      await this.applyResidentWord(tx, who, row, input.solved, words, {
        residentChannel: 'call',
        call: { at: calledAt.toISOString(), words },
      });
    });
  }

  /** The resident's rating (1–5) and comment on a closed item, by tracking code; the latest stands, audited. */
  async residentRating(
    itemId: string,
    stars: number,
    comment: string | null,
    requestId: string,
    opts: { within?: (tx: Executor) => Promise<void>; proof?: (tx: Executor) => Promise<void> } = {},
  ) {
    const { within } = opts;
    await this.db.transaction().execute(async (tx) => {
      await opts.proof?.(tx);
      const row = await tx
        .selectFrom('items')
        .select(['id', 'status', 'version'])
        .where('id', '=', itemId)
        .executeTakeFirstOrThrow();
      if (row.status !== 'closed') throw conflict('rating_not_open', '事项销号后才能评价');
      const now = nowIso();
      if (
        !(await repo.updateItem(tx, row.id, row.version, {
          resident_rating: stars,
          resident_comment: comment,
          resident_rated_at: now,
        }))
      )
        throw versionConflict();
      await repo.insertEvent(tx, {
        id: newId(),
        itemId: row.id,
        userId: null,
        actorLabel: RESIDENT,
        kind: 'feedback',
        text: `群众评价：${'★'.repeat(stars)}${comment ? `，${comment}` : ''}`,
        public: true,
        at: now,
      });
      await within?.(tx);
      await recordAudit(
        tx,
        { userId: null, requestId },
        { action: 'item.resident_rating', entityType: 'item', entityId: row.id, after: { stars, comment } },
      );
    });
  }

  /**
   * Members and units who can solve what the item needs, anywhere in the county, ranked (see `suggestMembers`) and
   * each with the reasons it is suggested.
   */
  async suggestions(actor: Actor, id: string, skill?: string) {
    const { row, org } = await this.access(actor, id);
    const need = skill ?? row.needed_skill;
    if (!need) return { skill: null, members: [], units: [] };
    const place = row.region_code ?? org.region_code;
    const today = todayInShanghai();
    const [{ rows, skills }, units] = await Promise.all([
      repo.suggestMembers(this.db, need, place, today, row.responsible_group_id, org.path),
      repo.suggestUnits(this.db, need, place),
    ]);
    const near = ['elsewhere', 'county', 'township', 'village'] as const;
    return {
      skill: need,
      members: rows.map((r) => {
        const why: string[] = [];
        if (Number(r.has_skill)) why.push('skill');
        if (Number(r.unit_duty)) why.push('unit_duty');
        if (Number(r.title_rank) === 2) why.push('heads_unit');
        if (Number(r.title_rank) === 1) why.push('deputy_head');
        if (Number(r.branch_role) === 3) why.push('branch_leader');
        else if (Number(r.branch_role) > 0) why.push('in_branch');
        return {
          memberId: r.id,
          name: r.name,
          title: r.title,
          unitName: r.unit_name,
          regionName: r.region_name,
          skills: skills.filter((s) => s.member_id === r.id).map((s) => s.skill),
          nearness: near[Number(r.nearness)] ?? 'elsewhere',
          load: Number(r.load),
          reasons: why as ('skill' | 'unit_duty' | 'heads_unit' | 'deputy_head' | 'branch_leader' | 'in_branch')[],
        };
      }),
      units: units.map((u) => ({
        unitId: u.id,
        name: u.name,
        regionName: u.region_name,
        membersWithSkill: Number(u.n),
        responsible: Number(u.duty) === 1,
      })),
    };
  }

  /**
   * Links a member by need: a membership of the responsible party group for this item, with the reason
   * "item N of list L"; it ends when the item closes.
   */
  async linkByNeed(actor: Actor, id: string, input: z.infer<typeof LinkByNeed>) {
    await this.db.transaction().execute(async (tx) => {
      const { row, facts, workers } = await this.access(actor, id, tx);
      if (facts.frozen) throw conflict('org_dissolved', '组织已撤销，记录只读');
      if (!policy.canLink(actor, facts)) {
        if (!row.responsible_group_id) throw conflict('no_responsible_group', '请先为事项指定责任党小组');
        throw forbidden('permission_denied', '无权为该事项联结党员');
      }
      if (workers.some((w) => w.member_id === input.memberId))
        throw conflict('already_on_item', '该党员已在办理此事项');
      const member = await tx
        .selectFrom('members')
        .select(['id', 'name', 'party_status'])
        .where('id', '=', input.memberId)
        .executeTakeFirst();
      if (!member) throw notFound('党员');
      if (member.party_status === 'none') {
        throw conflict(
          'participant_cannot_be_member',
          `${member.name}不是党员，可作为参与人员协助办理，不能联结进党小组`,
        );
      }
      const today = todayInShanghai();
      const now = nowIso();
      const groupId = row.responsible_group_id as string;
      const reason = `因需而联：第${row.list_no}号清单第${row.no}项${input.reason ? `，${input.reason}` : ''}`;
      const existing = await tx
        .selectFrom('memberships as m')
        .select('m.id')
        .where('m.org_id', '=', groupId)
        .where('m.member_id', '=', member.id)
        .where(activeOn('m', today))
        .executeTakeFirst();
      let membershipId: string | null = null;
      if (!existing) {
        membershipId = newId();
        await tx
          .insertInto('memberships')
          .values({
            id: membershipId,
            org_id: groupId,
            member_id: member.id,
            role: 'member',
            start_on: today,
            end_on: null,
            end_reason: null,
            link_reason: reason,
            designated_by_party_org_id: null,
            designated_by_org_id: null,
            version: 1,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
      await tx
        .insertInto('item_members')
        .values({
          item_id: id,
          member_id: member.id,
          role: 'linked',
          membership_id: membershipId,
          added_on: today,
          reason,
        })
        .execute();
      await tx
        .insertInto('notifications')
        .values({
          id: newId(),
          member_id: member.id,
          item_id: id,
          kind: 'linked',
          text: reason,
          created_at: now,
          read_at: null,
        })
        .execute();
      await repo.insertEvent(tx, {
        id: newId(),
        itemId: id,
        userId: actor.userId,
        actorLabel: actor.displayName,
        kind: 'link',
        text: `联结${member.name}（${reason}）`,
        public: false,
        at: now,
      });
      await recordAudit(tx, actor, {
        action: 'item.link_by_need',
        entityType: 'item',
        entityId: id,
        after: { memberId: member.id, membershipId, reason },
      });
    });
  }

  /** County special-task branches and general branches an item may go to, ranked by the capability. */
  async escalationTargets(skill?: string) {
    const rows = await this.db
      .selectFrom('temporary_orgs as o')
      .select([
        'o.id',
        'o.name',
        'o.level',
        'o.kind',
        sql<number>`(select count(distinct m.member_id) from memberships m inner join temporary_orgs s on s.id = m.org_id
          inner join member_skills ms on ms.member_id = m.member_id
          where s.path like o.path || '%' and m.end_on is null and ms.skill = ${skill ?? ''})`.as('n'),
      ])
      .where('o.status', 'in', ['active', 'rectification'])
      .where((eb) => eb.or([eb('o.kind', '=', 'special'), eb('o.level', '=', 'general_branch')]))
      .orderBy('n', 'desc')
      .orderBy('o.level')
      .orderBy('o.name')
      .limit(100)
      .execute();
    return {
      items: rows.map((r) => ({ id: r.id, name: r.name, level: r.level, kind: r.kind, membersWithSkill: Number(r.n) })),
    };
  }

  /** Sends an item the branch cannot solve straight to the branch that holds the resources; both sides see it. */
  async escalate(actor: Actor, id: string, input: z.infer<typeof Escalate>) {
    await this.db.transaction().execute(async (tx) => {
      const { row, facts } = await this.access(actor, id, tx);
      if (facts.frozen) throw conflict('org_dissolved', '组织已撤销，记录只读');
      if (!policy.canEscalate(actor, facts)) {
        if (row.escalated_to_org_id) throw conflict('already_escalated', '该事项已上交');
        throw forbidden('permission_denied', '无权上交该事项');
      }
      const target = await tx
        .selectFrom('temporary_orgs')
        .select(['id', 'name', 'level', 'kind', 'status'])
        .where('id', '=', input.toOrgId)
        .executeTakeFirst();
      if (
        !target ||
        target.status === 'dissolved' ||
        !(target.kind === 'special' || target.level === 'general_branch') ||
        target.id === row.org_id
      ) {
        throw invalid('只能直接上交县属专项支部或临时党总支', [
          { path: 'body.toOrgId', message: 'not an escalation target' },
        ]);
      }
      const now = nowIso();
      if (
        !(await repo.updateItem(tx, id, input.version, {
          escalated_to_org_id: target.id,
          escalated_at: now,
          escalation_reason: input.reason,
          updated_at: now,
        }))
      ) {
        throw versionConflict();
      }
      await repo.insertEvent(tx, {
        id: newId(),
        itemId: id,
        userId: actor.userId,
        actorLabel: actor.displayName,
        kind: 'escalation',
        text: `直接上交${target.name}：${input.reason}`,
        public: true,
        at: now,
      });
      for (const memberId of await repo.leadersOf(tx, target.id, todayInShanghai())) {
        await tx
          .insertInto('notifications')
          .values({
            id: newId(),
            member_id: memberId,
            item_id: id,
            kind: 'escalated',
            text: `${row.org_name}上交：${row.problem}`,
            created_at: now,
            read_at: null,
          })
          .execute();
      }
      await recordAudit(tx, actor, {
        action: 'item.escalate',
        entityType: 'item',
        entityId: id,
        after: { toOrgId: target.id, reason: input.reason },
      });
    });
  }

  /** The caller's inbox: stored notices plus deadlines derived today (due within 3 days, overdue). */
  /**
   * What is due for the caller: items they work on that are overdue or due within three days, their stored notices
   * (assigned, linked, reopened, escalated) and, for the account of an organization (a branch secretary), the open
   * items of the organization and its party groups that are overdue or due soon, whoever works them. Overdue first.
   */
  async inbox(actor: Actor) {
    const today = todayInShanghai();
    const soon = addDays(today, 3);
    const [stored, due, ofOrg] = await Promise.all([
      actor.memberId
        ? this.db
            .selectFrom('notifications')
            .selectAll()
            .where('member_id', '=', actor.memberId)
            .orderBy('created_at', 'desc')
            .limit(100)
            .execute()
        : [],
      actor.memberId ? repo.openItemsDue(this.db, { memberId: actor.memberId }, soon, 100) : [],
      actor.orgPath ? repo.openItemsDue(this.db, { orgPath: actor.orgPath }, soon, 50) : [],
    ]);
    const seen = new Set<string>();
    const derived = [...due, ...ofOrg]
      .filter((d) => !seen.has(d.id) && seen.add(d.id))
      .map((d) => {
        const late = (d.due_on as string) < today;
        const group = d.group_name ? `【${d.group_name}】` : '';
        return {
          itemId: d.id,
          orgId: null,
          kind: (late ? 'overdue' : 'due_soon') as 'overdue' | 'due_soon',
          // The tag beside it says overdue or due soon; the text names the group, the problem and its deadline.
          text: `${group}${d.problem}（期限 ${d.due_on}）`,
          at: `${d.due_on}T00:00:00+08:00`,
          read: false,
        };
      })
      .sort((x, y) => x.at.localeCompare(y.at));
    return {
      items: [
        ...derived,
        ...stored.map((n) => ({
          itemId: n.item_id,
          orgId: null,
          kind: n.kind,
          text: n.text,
          at: n.created_at,
          read: n.read_at !== null,
        })),
      ],
    };
  }
}
