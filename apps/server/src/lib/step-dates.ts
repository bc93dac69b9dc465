import { type NoticeKind, noticeEndsOn, stepDateProblem, todayInShanghai } from '@lianjian/shared';
import type { Executor } from '../db/index.ts';
import { Problem } from './problem.ts';
import { isoDate, text } from './schemas.ts';

/**
 * The date fields of a procedural step as a request gives them: the day (today when left out) and, for a day before
 * today, why it is recorded late (paper that already happened). DOMAIN §9a.
 */
export const stepDateFields = {
  on: isoDate
    .optional()
    .describe('The day the step happened: today when left out; never after today, never before the step before it'),
  backdateReason: text(500)
    .optional()
    .describe(
      'Required when `on` is before today: recording paper that already happened is its own act, audited with this reason',
    ),
};

/** A step's day as the server accepts it, and the reason it was recorded late (null when recorded the day it happened). */
export interface StepDay {
  on: string;
  late: string | null;
}

/**
 * Checks a step's day against the server's clock and the recorded history: not after today (400 `date_in_future`),
 * not before the step before it (400 `date_before_previous_step`), and before today only with a reason (400
 * `backdate_reason_required`). `path` names the field for the form.
 */
export function stepDay(
  input: { on?: string | undefined; backdateReason?: string | undefined },
  previousOn: string | null,
  opts: { path?: string; today?: string } = {},
): StepDay {
  const today = opts.today ?? todayInShanghai();
  const path = opts.path ?? 'body.on';
  const on = input.on ?? today;
  const problem = stepDateProblem(on, previousOn, today);
  if (problem === 'date_in_future')
    throw new Problem(400, problem, `日期 ${on} 晚于今天（${today}），不能预先登记`, [
      { path, message: `after ${today}` },
    ]);
  if (problem === 'date_before_previous_step') {
    throw new Problem(400, problem, `日期 ${on} 早于上一步的日期（${previousOn}）`, [
      { path, message: `before ${previousOn}` },
    ]);
  }
  if (on < today && !input.backdateReason) {
    throw new Problem(400, 'backdate_reason_required', `日期 ${on} 早于今天：补录已经发生的事项，须写明补录理由`, [
      { path: 'body.backdateReason', message: 'required' },
    ]);
  }
  return { on, late: on < today ? (input.backdateReason as string) : null };
}

/** The words a step's trail adds when the step was recorded late. */
export const lateNote = (day: StepDay, today = todayInShanghai()) => (day.late ? `（${today} 补录：${day.late}）` : '');

/** A procedure's notice as its record keeps it (an exit application, a monitoring case). */
export interface StoredNotice {
  notice_start_on: string | null;
  notice_days: number | null;
  notice_published_on: string | null;
}

/**
 * The first day the step after a record's notice may be taken: its days from its start, and its floor on the board
 * (`noticeEndsOn`); null while the record has no notice. Notices recorded before the board's day was kept count as
 * published the day they started.
 */
export function noticeEndsOf(kind: NoticeKind, r: StoredNotice): string | null {
  if (!r.notice_start_on || !r.notice_days) return null;
  return noticeEndsOn({
    startOn: r.notice_start_on,
    days: r.notice_days,
    publishedOn: r.notice_published_on ?? r.notice_start_on,
    kind,
  });
}

/** The day of a procedure's latest step, from its trail: the next step is dated no earlier. */
export async function latestStepOn(tx: Executor, kind: NoticeKind, id: string): Promise<string | null> {
  const row =
    kind === 'exit'
      ? await tx
          .selectFrom('exit_events')
          .select((eb) => eb.fn.max('on').as('on'))
          .where('application_id', '=', id)
          .executeTakeFirst()
      : await tx
          .selectFrom('monitoring_events')
          .select((eb) => eb.fn.max('on').as('on'))
          .where('case_id', '=', id)
          .executeTakeFirst();
  return row?.on ?? null;
}

/** A day a record says something happened, refused when it lies after today (DOMAIN §9a: dates are facts). */
export function notAfterToday(day: string, path: string, what: string, today = todayInShanghai()) {
  if (day > today)
    throw new Problem(400, 'date_in_future', `${what} ${day} 晚于今天（${today}），不能预先登记`, [
      { path, message: `after ${today}` },
    ]);
}

/**
 * A day a record says something happened (a meeting held, a visit made, a helper starting, a list combed): not after
 * today (400 `date_in_future`) and not before the day of what it belongs to (400 `date_before_record`), e.g. a
 * meeting before its organization was founded. DOMAIN §9a: dates are facts.
 */
export function factDay(
  day: string,
  path: string,
  what: string,
  since?: { on: string | null | undefined; what: string },
  today = todayInShanghai(),
) {
  notAfterToday(day, path, what, today);
  if (since?.on && day < since.on) {
    throw new Problem(400, 'date_before_record', `${what} ${day} 早于${since.what}（${since.on}）`, [
      { path, message: `before ${since.on}` },
    ]);
  }
}

/** A deadline a record sets (a due date, a rectification or follow-up deadline): never before the record's own day. */
export function deadlineNotBefore(
  deadline: string | null | undefined,
  path: string,
  what: string,
  from: { on: string; what: string },
) {
  if (deadline && deadline < from.on) {
    throw new Problem(400, 'deadline_before_record', `${what} ${deadline} 早于${from.what}（${from.on}）`, [
      { path, message: `before ${from.on}` },
    ]);
  }
}
