import { type ReportCategory, addDays } from './domain.ts';

/**
 * Dates are facts, not inputs (DOMAIN §9a). A procedural step (an exit, a monitoring case, a dissolution, a
 * supervision record) happens on a day no later than today (Asia/Shanghai) and no earlier than the step before it;
 * recording paper that happened before today is its own act, with a reason. A public notice counts from the day it
 * appeared on the village board, and lasts at least its floor from then, whatever day the paper says.
 */

/** The fewest days a notice runs on the board: a county may set more, never fewer. */
export const NOTICE_FLOORS = { exit: 7, monitoring: 5 } as const;
export type NoticeKind = keyof typeof NOTICE_FLOORS;

/** Why a step's date is refused, if it is: after today, or before the step before it. */
export function stepDateProblem(
  on: string,
  previousOn: string | null,
  today: string,
): 'date_in_future' | 'date_before_previous_step' | null {
  if (on > today) return 'date_in_future';
  if (previousOn !== null && on < previousOn) return 'date_before_previous_step';
  return null;
}

/**
 * The first day the step after a notice may be taken: the notice's days counted from the day it started (on paper,
 * when recorded late), but never before its floor has run on the board since it was published there.
 */
export function noticeEndsOn(n: { startOn: string; days: number; publishedOn: string; kind: NoticeKind }): string {
  const byPaper = addDays(n.startOn, n.days);
  const onBoard = addDays(n.publishedOn, NOTICE_FLOORS[n.kind]);
  // The later of the two (ISO days sort as text).
  return [byPaper, onBoard].sort()[1] as string;
}

/**
 * What a county may set each year, within the rules' floors (notice days, DOMAIN §6, §7) and sane ranges for the lines
 * (yuan per person per year: the national line was 2,300 at 2010 prices and about 4,000 in 2020).
 */
export const SETTING_RANGES = {
  poverty_line: { min: 2300, max: 20_000, unit: '元' },
  monitoring_line: { min: 2300, max: 30_000, unit: '元' },
  exit_notice_days: { min: NOTICE_FLOORS.exit, max: 30, unit: '天' },
  monitoring_notice_days: { min: NOTICE_FLOORS.monitoring, max: 30, unit: '天' },
  rigid_spending_ratio: { min: 0.1, max: 10, unit: '倍' },
  reopen_window_days: { min: 1, max: 30, unit: '天' },
  response_days: { min: 1, max: 30, unit: '个工作日' },
  resolution_days: { min: 1, max: 250, unit: '个工作日' },
} as const;

/**
 * Working days an item of a category has, by default, for a first response (first progress entry or acceptance) and
 * for resolution (closure), counted on the official calendar from the day it was listed (DOMAIN §9a). A county sets
 * its own per year.
 */
export const DEADLINE_TARGET_DEFAULTS: Record<ReportCategory, { response: number; resolution: number }> = {
  electricity: { response: 1, resolution: 5 },
  water: { response: 1, resolution: 5 },
  roads: { response: 2, resolution: 20 },
  public_order: { response: 1, resolution: 5 },
  disputes: { response: 2, resolution: 10 },
  sanitation: { response: 2, resolution: 10 },
  employment: { response: 3, resolution: 20 },
  health: { response: 1, resolution: 10 },
  education: { response: 3, resolution: 20 },
  housing: { response: 3, resolution: 30 },
  industry: { response: 3, resolution: 30 },
  other: { response: 3, resolution: 15 },
};

/** An item's light by the share of its target used: green below half, amber from half, red from the whole. */
export const LIGHT_SHARES = { amber: 0.5, red: 1 } as const;
export type DeadlineLight = 'green' | 'amber' | 'red';
export const lightFor = (share: number): DeadlineLight =>
  share >= LIGHT_SHARES.red ? 'red' : share >= LIGHT_SHARES.amber ? 'amber' : 'green';

/**
 * The chasing steps (催办): at half the target the responsible party group's leader, at the whole the branch
 * secretary, at one and a half the township's Party committee.
 */
export const CHASE_STEPS = [
  { step: 1, share: 0.5, to: 'group_leader' },
  { step: 2, share: 1, to: 'branch_secretary' },
  { step: 3, share: 1.5, to: 'township' },
] as const;
export type ChaseStep = (typeof CHASE_STEPS)[number]['step'];
export const PAUSE_REASONS = ['waiting_resident', 'waiting_unit'] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];
