import { type DeadlineLight, type ItemStatus, type ReportCategory, addDays, todayInShanghai } from '@lianjian/shared';
import type { Executor } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { notFound } from '../../lib/problem.ts';
import { setting } from '../settings/settings.repository.ts';
import type * as policy from './items.policy.ts';
import { runningPause } from './deadlines.repository.ts';
import * as repo from './items.repository.ts';

/** What the parts of the items module share: the words of the trail, an item's summary, and access to one item. */

export const STATUS_TEXT: Record<ItemStatus, string> = {
  open: '已登记',
  in_progress: '正在办理',
  awaiting_confirmation: '已办结，等待确认',
  closed: '已销号',
};

/** Who the resident is, in the trail: no account, no name. */
export const RESIDENT = '群众';

/** How the resident's confirmation came, as the ledger and the item's trail say it. */
export const RESIDENT_CHANNEL_TEXT = {
  code: '群众凭查询码确认',
  phone: '群众凭查询码及预留手机验证码确认',
  call: '电话回访群众确认',
  sms: '群众短信回复确认',
} as const;

export const toSummary = (
  r: repo.ItemRow,
  people: { item_id: string; name: string }[],
  participants: { item_id: string; name: string; role: string }[] = [],
  lights: Map<string, DeadlineLight | null> = new Map(),
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
  overdue: r.overdue,
  dueOn: r.deadline_on,
  dueOnSet: r.due_on,
  measures: r.measures,
  responsibleGroup: r.responsible_group_id && r.group_name ? { id: r.responsible_group_id, name: r.group_name } : null,
  responsibleMembers: people.filter((p) => p.item_id === r.id).map((p) => p.name),
  participants: participants.filter((p) => p.item_id === r.id).map((p) => `${p.name}（${p.role}）`),
  latestProgress: r.latest_progress,
  closedAt: r.closed_at,
  closedBy: r.closed_by_name ?? (r.closed_at ? RESIDENT : null),
  reopenedCount: r.reopened_count,
  escalatedTo: r.escalated_to_org_id && r.escalated_name ? { id: r.escalated_to_org_id, name: r.escalated_name } : null,
  light: lights.get(r.id) ?? null,
  version: r.version,
});

/**
 * The last day a resident may reopen a closed item with the tracking code: the county's window (a setting, default 5
 * days) counted from the day it closed (Asia/Shanghai). Null for an item not closed.
 */
export async function reopenUntil(db: Executor, closedAt: string | null, regionCode: string): Promise<string | null> {
  if (!closedAt) return null;
  const closedOn = todayInShanghai(new Date(closedAt));
  const days = await setting(db, regionCode.slice(0, 6), Number(closedOn.slice(0, 4)), 'reopen_window_days');
  return addDays(closedOn, days);
}

/** The item if the actor may see it, with what the policies need; 404 otherwise. */
export async function accessItem(db: Executor, actor: Actor, id: string) {
  const today = todayInShanghai();
  const { rows, people, participants } = await repo.listItems(db, actor, { id, today }, 1, null, { count: false });
  const row = rows[0];
  if (!row) throw notFound('清单事项');
  const [org, workers, enterers, manages] = await Promise.all([
    repo.itemOrg(db, row.org_id),
    repo.itemMembers(db, id),
    repo.reportEnterers(db, id),
    repo.orgForList(db, actor, row.org_id),
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
    managesOrg: manages !== undefined,
    paused: (await runningPause(db, id)) !== undefined,
  };
  return { row, people, participants, org, workers, facts };
}
export type ItemAccess = Awaited<ReturnType<typeof accessItem>>;
