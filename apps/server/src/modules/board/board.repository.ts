import type { Executor } from '../../db/index.ts';
import { PUBLIC_HOUSEHOLD_COLUMNS } from './board.policy.ts';
import { deadlineOn } from '../items/deadlines.repository.ts';

/** All SQL of the village notice board: public reads, by the village's code, of what the policy lets it show. */

export const exitsInNotice = (db: Executor, village: string) =>
  db
    .selectFrom('exit_applications as e')
    .innerJoin('households as h', 'h.id', 'e.household_id')
    .select(PUBLIC_HOUSEHOLD_COLUMNS)
    .select(['e.notice_start_on', 'e.notice_days', 'e.notice_published_on'])
    .where('h.region_code', '=', village)
    .where('e.status', '=', 'in_notice')
    .orderBy('h.head_initials')
    .execute();

export const casesInNotice = (db: Executor, village: string) =>
  db
    .selectFrom('monitoring_cases as m')
    .innerJoin('households as h', 'h.id', 'm.household_id')
    .select(PUBLIC_HOUSEHOLD_COLUMNS)
    .select(['m.status', 'm.notice_start_on', 'm.notice_days', 'm.notice_published_on'])
    .where('h.region_code', '=', village)
    .where('m.status', 'in', ['in_notice', 'elimination_in_notice'])
    .orderBy('h.head_initials')
    .execute();

/** The village's items on the board, with the one deadline as of `today` (deadlines.repository.ts `deadlineOn`). */
export const villageItems = (db: Executor, village: string, limit: number, today: string) =>
  db
    .selectFrom('items as i')
    .innerJoin('problem_lists as l', 'l.id', 'i.list_id')
    .select(['l.title', 'l.listed_on', 'i.no', 'i.problem', 'i.status', 'i.resident_confirmed_at'])
    .select(deadlineOn(today).as('due_on'))
    .where('i.region_code', '=', village)
    .orderBy('l.listed_on', 'desc')
    .orderBy('i.no')
    .limit(limit)
    .execute();
