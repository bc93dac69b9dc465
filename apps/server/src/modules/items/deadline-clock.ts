import { type DeadlineLight, type PauseReason, lightFor, todayInShanghai } from '@lianjian/shared';
import { Problem } from '../../lib/problem.ts';
import { addWorkingDays, workingDaysBetween } from '../../lib/working-days.ts';
import type { ReportCategory } from '@lianjian/shared';
import type { DeadlineTargets } from '../settings/settings.repository.ts';
import type { ClockFacts, PauseRow } from './deadlines.repository.ts';

/**
 * An item's clock in working days (DOMAIN §9a), worked out from the recorded history and the day asked about:
 * the working days after the day it was listed up to the day of its first response (response) or of its closure
 * (resolution), or up to today while that has not come, less the working days it was paused. Whichever target is
 * still running with the larger share used sets the light and the chasing; a closed item has no light.
 */
export interface Measure {
  targetDays: number;
  usedDays: number;
  /**
   * The day the target runs out: the target's working days after the listing, moved on by the working days paused so
   * far (the item's one deadline; deadlines.repository.ts `resolutionDueOn` works out the same day).
   */
  dueOn: string | null;
  share: number;
  light: DeadlineLight;
  /** The day the response came or the item was closed; null while the clock runs. */
  metOn: string | null;
}

export type Clock =
  | {
      known: true;
      listedOn: string;
      response: Measure;
      resolution: Measure;
      /** The running measure with the larger share, or the resolution once both are met. */
      leading: 'response' | 'resolution';
      /** The leading measure's light; none for a closed item (its measures keep theirs). */
      light: DeadlineLight | null;
      pausedDays: number;
      paused: { reason: PauseReason; note: string; since: string } | null;
    }
  | { known: false; listedOn: string; light: null };

const dayOf = (iso: string) => todayInShanghai(new Date(iso));

/** Working days paused between `from` and `to`: each pause's days after it began up to its end (or `to`). */
function pausedBetween(pauses: PauseRow[], from: string, to: string): number {
  let n = 0;
  for (const p of pauses) {
    const start = p.started_on > from ? p.started_on : from;
    const end = p.ended_on && p.ended_on < to ? p.ended_on : to;
    if (end > start) n += workingDaysBetween(start, end);
  }
  return n;
}

function measure(start: string, end: string, metOn: string | null, target: number, pauses: PauseRow[]): Measure {
  const paused = pausedBetween(pauses, start, end);
  const used = Math.max(0, workingDaysBetween(start, end) - paused);
  let dueOn: string | null;
  try {
    dueOn = addWorkingDays(start, target + paused);
  } catch (e) {
    // A target running into a year the calendar does not know yet has no day to show, only its share.
    if (!(e instanceof Problem)) throw e;
    dueOn = null;
  }
  const share = used / target;
  return { targetDays: target, usedDays: used, dueOn, share, light: lightFor(share), metOn };
}

/** The item's clock on `today`; `known: false` when the calendar does not cover the days it needs. */
export function clockOf(
  f: ClockFacts,
  targets: { response: number; resolution: number },
  pauses: PauseRow[],
  today: string,
): Clock {
  const start = f.listed_on;
  try {
    // What had happened by the day asked about (a sweep may ask about a day before the response came).
    const by = (day: string | null) => (day !== null && day <= today ? day : null);
    const closedOn = by(f.closed_at && f.status === 'closed' ? dayOf(f.closed_at) : null);
    // Closed, an item has been answered at the latest: the response is met whenever the resolution is.
    const respondedOn = by(f.first_response_at ? dayOf(f.first_response_at) : null) ?? closedOn;
    const response = measure(start, respondedOn ?? today, respondedOn, targets.response, pauses);
    const resolution = measure(start, closedOn ?? today, closedOn, targets.resolution, pauses);
    const leading = !response.metOn && response.share > resolution.share ? 'response' : 'resolution';
    const running = pauses.find((p) => p.ended_at === null);
    return {
      known: true,
      listedOn: start,
      response,
      resolution,
      leading,
      light: closedOn ? null : (leading === 'response' ? response : resolution).light,
      pausedDays: pausedBetween(pauses, start, closedOn ?? today),
      paused: running && !closedOn ? { reason: running.reason, note: running.note, since: running.started_on } : null,
    };
  } catch (e) {
    if (e instanceof Problem && e.code === 'calendar_year_unknown')
      return { known: false, listedOn: start, light: null };
    throw e;
  }
}

/**
 * The clock of an item of a list's page (items.repository.ts `listItems`), from what the page carries with it: its
 * facts, its pauses and its county's targets for the year of listing (folded from the settings the page carries,
 * settings.repository.ts `foldTargets`). The same clock as `clocksOf`
 * (deadlines.service.ts), without reading anything again.
 */
export function clockOfPageRow(
  r: Omit<ClockFacts, 'listed_on'> & { item_listed_on: string; pauses: PauseRow[] },
  targets: DeadlineTargets,
  today: string,
): Clock {
  const t = targets[r.category as ReportCategory] ?? targets.other;
  return clockOf({ ...r, listed_on: r.item_listed_on }, t, r.pauses, today);
}

/**
 * An item's one deadline on `day` and whether it had passed, from its clock that day: the same rule as
 * deadlines.repository.ts `deadlineOn` and `overdueOn`, which the lists filter and count by
 * (`deadlines-counts.rules.test.ts` holds the two equal). The deadline is the working day the resolution target runs
 * out on, or the date staff set when earlier; overdue, an item not closed that day has used more working days than
 * its target or is past the date staff set. A clock the calendar cannot measure decides by the date staff set alone.
 */
export function deadlineOfClock(
  clock: Clock,
  statusOn: string,
  dueOnSet: string | null,
  day: string,
): { overdue: boolean; deadlineOn: string | null } {
  const target = clock.known ? clock.resolution.dueOn : null;
  const pastTarget = clock.known && clock.resolution.usedDays > clock.resolution.targetDays;
  return {
    overdue: statusOn !== 'closed' && (pastTarget || (dueOnSet !== null && dueOnSet < day)),
    deadlineOn: dueOnSet !== null && (target === null || dueOnSet < target) ? dueOnSet : target,
  };
}
