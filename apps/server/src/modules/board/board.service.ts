import { type NoticeKind, daysBetween, todayInShanghai } from '@lianjian/shared';
import type { Db } from '../../db/index.ts';
import { notFound } from '../../lib/problem.ts';
import { type StoredNotice, noticeEndsOf } from '../../lib/step-dates.ts';
import * as policy from './board.policy.ts';
import { villageOf } from '../regions/regions.repository.ts';
import * as repo from './board.repository.ts';

/**
 * The village notice board (村务公开栏), public and printable: exits and monitoring in public notice with the days
 * left and how to object, and the village's problem-list items with their status. Names and outcomes only
 * (board.policy.ts).
 */
export class BoardService {
  constructor(private readonly db: Db) {}

  async village(code: string, today = todayInShanghai()) {
    const village = await villageOf(this.db, code);
    if (village?.level !== 'village') throw notFound('村（社区）');
    const [exits, cases, items] = await Promise.all([
      repo.exitsInNotice(this.db, code),
      repo.casesInNotice(this.db, code),
      repo.villageItems(this.db, code, policy.ITEMS_ON_BOARD, today),
    ]);
    // A notice ends when its days have run from its start and its floor has run on this board (DOMAIN §9a).
    const notice = (kind: NoticeKind, r: StoredNotice) => {
      const ends = noticeEndsOf(kind, r) ?? today;
      return {
        noticeStartOn: r.notice_start_on ?? today,
        noticeEndsOn: ends,
        daysLeft: Math.max(0, daysBetween(today, ends)),
      };
    };
    return {
      villageCode: village.code,
      villageName: village.name,
      townshipName: village.township_name ?? '',
      today,
      exits: exits.map((e) => ({
        headName: e.head_name,
        outcome: policy.outcomeOf('exit', 'in_notice'),
        ...notice('exit', e),
      })),
      monitoring: cases.map((m) => ({
        headName: m.head_name,
        outcome: policy.outcomeOf('monitoring', m.status),
        ...notice('monitoring', m),
      })),
      items: items.map((i) => ({
        listTitle: i.title,
        no: i.no,
        problem: i.problem,
        status: i.status,
        dueOn: i.due_on,
        residentConfirmed: Boolean(i.resident_confirmed_at),
      })),
      howToObject: policy.HOW_TO_OBJECT,
    };
  }
}
