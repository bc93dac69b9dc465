import { createRequire } from 'node:module';
import { Problem } from './problem.ts';

/**
 * Working days on the official calendar (国务院办公厅 notices of public holidays and make-up workdays, 调休), as the
 * `chinese-days` package records them. Days are Asia/Shanghai dates as 'YYYY-MM-DD'.
 *
 * The package's own functions read the weekday in the process's time zone (a server on UTC or abroad counts
 * 2024-03-02, a Saturday, as a Friday), so only its data is used here and the weekday is worked out on the date
 * itself. A year the data does not cover is refused, never guessed: the State Council publishes each year's
 * arrangement late in the year before, and a weekend-only guess would be wrong around every holiday.
 */
interface CalendarData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

const require = createRequire(import.meta.url);
const data = require('chinese-days/dist/chinese-days.json') as CalendarData;
const { version } = require('chinese-days/package.json') as { version: string };

const yearsIn = (days: Record<string, string>) => Object.keys(days).map((d) => Number(d.slice(0, 4)));
const known = [...yearsIn(data.holidays), ...yearsIn(data.workdays)];

/** The calendar the server counts with: its source, edition and the calendar years it knows. */
export const CALENDAR = {
  source: 'chinese-days',
  version,
  firstYear: Math.min(...known),
  lastYear: Math.max(...known),
} as const;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

function epochDay(day: string): number {
  const m = DAY.exec(day);
  if (!m) throw new Error(`not a day: ${day}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / MS_PER_DAY;
}

const dayOf = (epoch: number) => new Date(epoch * MS_PER_DAY).toISOString().slice(0, 10);

/** Whether the data covers the calendar year. */
export const knowsYear = (year: number) => year >= CALENDAR.firstYear && year <= CALENDAR.lastYear;

/** Refuses a day whose calendar year the data does not cover. */
export function assertKnownYear(day: string): void {
  const year = Number(day.slice(0, 4));
  if (!knowsYear(year)) {
    throw new Problem(
      422,
      'calendar_year_unknown',
      `官方节假日安排只收录到 ${CALENDAR.firstYear}–${CALENDAR.lastYear} 年，无法按工作日计算 ${day}`,
    );
  }
}

/** Whether the day is a working day: a make-up workday counts, a holiday does not, otherwise Monday to Friday. */
export function isWorkingDay(day: string): boolean {
  assertKnownYear(day);
  return isWorkingEpoch(epochDay(day));
}

function fromCalendar(epoch: number): boolean {
  const day = dayOf(epoch);
  if (Object.hasOwn(data.workdays, day)) return true;
  if (Object.hasOwn(data.holidays, day)) return false;
  const weekday = new Date(epoch * MS_PER_DAY).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

// Every day the calendar knows, worked out once: whether it works, and how many working days there are from the
// first known day up to it (lists and the chase sweep count spans of years for many items at a time).
const FIRST = epochDay(`${CALENDAR.firstYear}-01-01`);
const LAST = epochDay(`${CALENDAR.lastYear}-12-31`);
const works: boolean[] = [];
const upTo = new Int32Array(LAST - FIRST + 1);
for (let e = FIRST, n = 0; e <= LAST; e += 1) {
  const w = fromCalendar(e);
  works.push(w);
  if (w) n += 1;
  upTo[e - FIRST] = n;
}

const isWorkingEpoch = (epoch: number) => works[epoch - FIRST] === true;

/** The n-th working day after `day` (n = 0: the day itself). A deadline of n working days from `day`. */
export function addWorkingDays(day: string, n: number): string {
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a count of days: ${n}`);
  assertKnownYear(day);
  const start = epochDay(day) - FIRST;
  if (n === 0) return day;
  // The n-th working day after it is the first day whose count of working days reaches the day's count plus n (the
  // count rises on working days only): found by bisection over the counts, not by walking the days.
  const target = (upTo[start] as number) + n;
  let lo = start + 1;
  let hi = upTo.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((upTo[mid] as number) < target) lo = mid + 1;
    else hi = mid;
  }
  // Past the last day the calendar knows: the next year is refused, as a day in it would be.
  if (lo === upTo.length) assertKnownYear(dayOf(FIRST + lo));
  return dayOf(FIRST + lo);
}

/**
 * The working days after `from` up to and including `to` (0 when `to` is not after `from`): on a working day,
 * an item listed on Monday has used one working day by Tuesday.
 */
export function workingDaysBetween(from: string, to: string): number {
  assertKnownYear(from);
  assertKnownYear(to);
  const start = epochDay(from);
  const end = epochDay(to);
  return end > start ? (upTo[end - FIRST] as number) - (upTo[start - FIRST] as number) : 0;
}

/** Every day the calendar knows, in order, with whether it works and the working days from the first day up to it. */
export function calendarDays(): { day: string; working: number; ordinal: number }[] {
  return works.map((w, k) => ({ day: dayOf(FIRST + k), working: w ? 1 : 0, ordinal: upTo[k] as number }));
}
