import { addDays, todayInShanghai } from '@lianjian/shared';
import type { Db } from '../../db/index.ts';
import { type Actor, systemActor } from '../../lib/actor.ts';
import { conflict } from '../../lib/problem.ts';
import { type CockpitParts, meanStars, share } from './cockpit.ts';
import { medianOfHistograms } from './histograms.ts';
import { liveOverview } from './live.ts';
import * as repo from './stats.repository.ts';
import type { OverviewData } from './stats.schemas.ts';

/**
 * Daily statistics per county. An overview wider than one county (a prefecture, the province: 100 counties,
 * millions of households and items) is not computed from the records on each request: every night each county's
 * overview of the day just ended is stored with the values that merge exactly — the days behind each median, the
 * numerators behind each share — and the wide overview merges the counties' rows of one day.
 */

export { medianOfHistograms };

export interface Payload {
  v: 1;
  overview: OverviewData;
  /** The medians' values as counts per value; a snapshot taken before ratings were counted has no `ratingSum` or `rated`. */
  parts: Omit<CockpitParts, 'ratingSum' | 'rated'> & Partial<Pick<CockpitParts, 'ratingSum' | 'rated'>>;
}

/** The county itself, as the system sees it: the same figures its administrator sees. */
const countyActor = (code: string): Actor => ({ ...systemActor(`snapshot:${code}`), regionCode: code });

export interface SnapshotRun {
  asOf: string;
  counties: number;
  computed: number;
  seconds: number;
}

/**
 * Takes the snapshots of one day for every county that has none yet (or for all, with `force`), then marks the day
 * complete. Each county is written on its own, so an interrupted run resumes where it stopped.
 */
export async function takeSnapshots(
  db: Db,
  asOf: string,
  opts: { force?: boolean; progress?: (done: number, total: number, county: string) => void } = {},
): Promise<SnapshotRun> {
  const started = performance.now();
  const counties = await repo.counties(db);
  const have = opts.force ? new Set<string>() : await repo.snapshotScopesOn(db, asOf);
  let computed = 0;
  for (const [i, county] of counties.entries()) {
    if (!have.has(county.code)) {
      const { overview, parts } = await liveOverview(db, countyActor(county.code), asOf);
      const payload: Payload = {
        v: 1,
        overview,
        parts,
      };
      const row = {
        as_of: asOf,
        scope_code: county.code,
        computed_at: new Date().toISOString(),
        payload: JSON.stringify(payload),
      };
      await repo.putSnapshot(db, row);
      computed++;
    }
    opts.progress?.(i + 1, counties.length, county.name);
  }
  const seconds = (performance.now() - started) / 1000;
  const day = { as_of: asOf, counties: counties.length, computed_at: new Date().toISOString(), seconds };
  await repo.putSnapshotDay(db, day);
  return { asOf, counties: counties.length, computed, seconds };
}

/** The latest day on or before `onOrBefore` whose snapshots are complete, or undefined. */
export const latestSnapshotDay = repo.latestSnapshotDay;

/** The overview of a scope wider than one county on a day: its counties' snapshots of the latest complete day. */
export async function snapshotOverview(db: Db, scope: string, asOf: string): Promise<OverviewData> {
  const day = await latestSnapshotDay(db, asOf);
  if (!day) {
    throw conflict(
      'snapshot_missing',
      `县级以上范围的统计按日汇总，${asOf} 及以前还没有统计快照（每日零时后生成前一日的快照；管理员可用 stats-snapshot 命令补做）`,
    );
  }
  const rows = await repo.snapshotsUnder(db, scope, day.as_of);
  return mergeCounties(
    rows.map((r) => ({ code: r.scope_code, name: r.name, payload: JSON.parse(r.payload) as Payload })),
    day.as_of,
    { computedAt: day.computed_at, counties: rows.length },
  );
}

const add = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
};

/** Merges counties' snapshots into one overview: sums, medians over the merged values, shares of summed parts. */
export function mergeCounties(
  counties: { code: string; name: string; payload: Payload }[],
  asOf: string,
  snapshot: { computedAt: string; counties: number },
): OverviewData {
  const orgs = { committee: 0, general_branch: 0, branch: 0, group: 0 };
  const byStatus: Record<string, number> = {};
  const items = { open: 0, in_progress: 0, awaiting_confirmation: 0, closed: 0, overdue: 0, closedThisMonth: 0 };
  const monitored = { unstable_exited: 0, marginal: 0, sudden_hardship: 0 };
  const exits: Record<string, number> = {};
  const trend = new Map<string, { created: number; closed: number }>();
  let grades: { good: number; fair: number; average: number; poor: number } | null = null;
  // The grades of the latest period any county assessed, summed over the counties that assessed it: counties a year
  // behind are left out rather than mixed in. (A snapshot taken before periods were recorded names none.)
  const gradesPeriod =
    counties
      .map((c) => c.payload.overview.work.gradesPeriod ?? null)
      .filter((p): p is { from: string; to: string } => p !== null)
      .sort((a, b) => b.to.localeCompare(a.to) || a.from.localeCompare(b.from))[0] ?? null;
  let membersLinked = 0;
  let units = 0;
  let registered = 0;
  let people = 0;
  let escalations = 0;
  let confirmed = 0;
  let ratingSum = 0;
  let rated = 0;
  let reopened = 0;
  let reopenBase = 0;
  for (const { payload } of counties) {
    const o = payload.overview;
    add(orgs, o.orgs);
    add(byStatus, o.byStatus);
    membersLinked += o.membersLinked;
    units += o.units;
    for (const k of Object.keys(items) as (keyof typeof items)[]) items[k] += o.work.items[k];
    escalations += o.work.escalations.count;
    registered += o.work.households.registered;
    people += o.work.households.people;
    add(monitored, o.work.households.monitored);
    add(exits, o.work.exits);
    const period = o.work.gradesPeriod ?? null;
    if (
      o.work.grades &&
      (gradesPeriod === null || (period?.from === gradesPeriod.from && period.to === gradesPeriod.to))
    ) {
      grades ??= { good: 0, fair: 0, average: 0, poor: 0 };
      add(grades, o.work.grades);
    }
    for (const t of o.work.trend) {
      const m = trend.get(t.month) ?? { created: 0, closed: 0 };
      m.created += t.created;
      m.closed += t.closed;
      trend.set(t.month, m);
    }
    confirmed += payload.parts.confirmed;
    ratingSum += payload.parts.ratingSum ?? 0;
    rated += payload.parts.rated ?? 0;
    reopened += payload.parts.reopened;
    reopenBase += payload.parts.reopenBase;
  }
  const ranking = counties
    .map(({ code, name, payload: { overview: o } }) => ({
      regionCode: code,
      name,
      open: o.work.items.open + o.work.items.in_progress + o.work.items.awaiting_confirmation,
      overdue: o.work.items.overdue,
      closed: o.work.items.closed,
      confirmedShare: o.work.items.confirmedShare,
      satisfaction: o.work.items.satisfaction ?? null,
      registered: o.work.households.registered,
    }))
    .sort((a, b) => b.overdue - a.overdue || b.open - a.open || a.regionCode.localeCompare(b.regionCode));
  return {
    asOf,
    source: 'daily_snapshot',
    snapshot,
    rankingLevel: 'county',
    orgs,
    byStatus,
    membersLinked,
    units,
    byTownship: counties.map(({ code, name, payload: { overview: o } }) => ({
      regionCode: code,
      name,
      branches: o.orgs.branch,
      membersLinked: o.membersLinked,
    })),
    byBranch: [],
    work: {
      items: {
        ...items,
        medianDaysToClose: medianOfHistograms(counties.map((c) => c.payload.parts.daysToClose)),
        confirmedShare: share(confirmed, items.closed),
        reopenRate: share(reopened, reopenBase),
        satisfaction: meanStars(ratingSum, rated),
        rated,
      },
      escalations: {
        count: escalations,
        medianDaysToResolver: medianOfHistograms(counties.map((c) => c.payload.parts.daysToResolver)),
      },
      // Each county's gaps by its own rules; a snapshot taken before gaps were counted leaves the sum unknown.
      households: {
        registered,
        people,
        monitored,
        coverageGaps: sumKnown(counties.map((c) => c.payload.overview.work.households.coverageGaps)),
      },
      exits,
      grades,
      gradesPeriod: grades ? gradesPeriod : null,
      trend: [...trend.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([month, v]) => ({ month, ...v })),
      byTownship: ranking,
    },
  };
}

const sumKnown = (xs: (number | null | undefined)[]) =>
  xs.length && xs.every((x) => typeof x === 'number') ? xs.reduce<number>((a, x) => a + (x as number), 0) : null;

/** Yesterday in Shanghai: the last day that is over, the one the nightly run takes. */
export const lastFinishedDay = () => addDays(todayInShanghai(), -1);
