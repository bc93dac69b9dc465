import { type NoticeKind, daysBetween, todayInShanghai } from '@lianjian/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/index.ts';
import { notFound } from '../../lib/problem.ts';
import { type StoredNotice, noticeEndsOf } from '../../lib/step-dates.ts';
import { problemReplies } from '../../lib/schemas.ts';

const Notice = z.object({ headName: z.string(), outcome: z.string(), noticeStartOn: z.string(), noticeEndsOn: z.string(), daysLeft: z.number().int() });

export const VillageBoard = z
  .object({
    villageCode: z.string(),
    villageName: z.string(),
    townshipName: z.string(),
    today: z.string(),
    exits: z.array(Notice).describe('Exit applications in public notice: names and outcome only'),
    monitoring: z.array(Notice).describe('Monitoring identification or risk elimination in notice: names and outcome only'),
    items: z.array(
      z.object({ listTitle: z.string(), no: z.number().int(), problem: z.string(), status: z.enum(['open', 'in_progress', 'awaiting_confirmation', 'closed']), dueOn: z.string().nullable(), residentConfirmed: z.boolean() }),
    ),
    howToObject: z.string(),
  })
  .meta({ id: 'VillageBoard' });

/**
 * The village notice board (村务公开栏), public and printable: exits and monitoring in public notice with the days
 * left and how to object, and the village's problem-list items with their status. Names and outcomes only: the
 * queries never read an ID number, a phone number, a bank account or a health detail.
 */
export async function villageBoard(db: Db, code: string, today = todayInShanghai()) {
  const village = await db
    .selectFrom('regions as v')
    .leftJoin('regions as t', 't.code', 'v.parent_code')
    .select(['v.code', 'v.name', 'v.level', 't.name as township_name'])
    .where('v.code', '=', code)
    .executeTakeFirst();
  if (village?.level !== 'village') throw notFound('村（社区）');
  const [exits, cases, items] = await Promise.all([
    db
      .selectFrom('exit_applications as e')
      .innerJoin('households as h', 'h.id', 'e.household_id')
      .select(['h.head_name', 'h.head_initials', 'e.notice_start_on', 'e.notice_days', 'e.notice_published_on'])
      .where('h.region_code', '=', code)
      .where('e.status', '=', 'in_notice')
      .orderBy('h.head_initials')
      .execute(),
    db
      .selectFrom('monitoring_cases as m')
      .innerJoin('households as h', 'h.id', 'm.household_id')
      .select(['h.head_name', 'h.head_initials', 'm.status', 'm.notice_start_on', 'm.notice_days', 'm.notice_published_on'])
      .where('h.region_code', '=', code)
      .where('m.status', 'in', ['in_notice', 'elimination_in_notice'])
      .orderBy('h.head_initials')
      .execute(),
    db
      .selectFrom('items as i')
      .innerJoin('problem_lists as l', 'l.id', 'i.list_id')
      .select(['l.title', 'l.listed_on', 'i.no', 'i.problem', 'i.status', 'i.due_on', 'i.resident_confirmed_at'])
      .where('i.region_code', '=', code)
      .orderBy('l.listed_on', 'desc')
      .orderBy('i.no')
      .limit(200)
      .execute(),
  ]);
  // A notice ends when its days have run from its start and its floor has run on this board (DOMAIN §9a).
  const notice = (kind: NoticeKind, r: StoredNotice) => {
    const ends = noticeEndsOf(kind, r) ?? today;
    return { noticeStartOn: r.notice_start_on ?? today, noticeEndsOn: ends, daysLeft: Math.max(0, daysBetween(today, ends)) };
  };
  return {
    villageCode: village.code,
    villageName: village.name,
    townshipName: village.township_name ?? '',
    today,
    exits: exits.map((e) => ({ headName: e.head_name, outcome: '拟退出贫困', ...notice('exit', e) })),
    monitoring: cases.map((m) => ({
      headName: m.head_name,
      outcome: m.status === 'in_notice' ? '拟纳入防返贫监测' : '拟消除返贫风险',
      ...notice('monitoring', m),
    })),
    items: items.map((i) => ({ listTitle: i.title, no: i.no, problem: i.problem, status: i.status, dueOn: i.due_on, residentConfirmed: Boolean(i.resident_confirmed_at) })),
    howToObject: '对公示内容有异议的，请在公示期内向村“两委”、驻村工作队或乡镇党委反映，可实名也可匿名；异议经核实后重新核验。',
  };
}

export function boardRoutes(db: Db): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/public/villages/:code/board', {
      config: { permission: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags: ['public'],
        summary: '村务公开栏（无需账号）：退出公示、监测公示、问题清单',
        params: z.object({ code: z.string().regex(/^\d{12}$/) }),
        response: { 200: VillageBoard, ...problemReplies },
      },
      handler: (req) => villageBoard(db, req.params.code),
    });
  };
}
