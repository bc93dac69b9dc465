import { elapsedDays, median, todayInShanghai } from '@lianjian/shared';
import { z } from 'zod';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { countAssisted } from '../households/coverage.repository.ts';
import { countyOf, coverageGap, coverageRules } from '../households/coverage.service.ts';
import { endOfDay } from '../items/items.repository.ts';
import { known } from '../../lib/known.ts';
import * as repo from './cockpit.repository.ts';

export const Cockpit = z
  .object({
    items: z.object({
      open: z.number().int(),
      in_progress: z.number().int(),
      awaiting_confirmation: z.number().int(),
      closed: z.number().int(),
      overdue: z.number().int(),
      closedThisMonth: z.number().int(),
      medianDaysToClose: z.number().nullable(),
      confirmedShare: z.number().nullable().describe('Closed items residents confirmed solved'),
      reopenRate: z.number().nullable(),
      satisfaction: z
        .number()
        .nullable()
        .describe('群众满意度: the mean of the stars (1–5) residents gave closed items by then; null when none rated'),
      rated: z.number().int().describe('Closed items residents had rated by then'),
    }),
    escalations: z.object({ count: z.number().int(), medianDaysToResolver: z.number().nullable() }),
    households: z.object({
      registered: z.number().int(),
      people: z.number().int(),
      monitored: z.object({
        unstable_exited: z.number().int(),
        marginal: z.number().int(),
        sudden_hardship: z.number().int(),
      }),
      coverageGaps: z
        .number()
        .int()
        .nullable()
        .describe(
          'Households helped that day with a coverage gap (the register’s gap=coverage); null for a scope wider than a county',
        ),
    }),
    exits: z.record(z.string(), z.number().int()).describe('Exit applications by the stage they were in on the day'),
    grades: z
      .object({ good: z.number().int(), fair: z.number().int(), average: z.number().int(), poor: z.number().int() })
      .nullable(),
    /** The assessed period the grades are of: the latest computed by the day asked for. */
    gradesPeriod: z.object({ from: z.string(), to: z.string() }).nullable(),
    trend: z.array(z.object({ month: z.string(), created: z.number().int(), closed: z.number().int() })),
    byTownship: z
      .array(
        z.object({
          regionCode: z.string(),
          name: z.string(),
          open: z.number().int(),
          overdue: z.number().int(),
          closed: z.number().int(),
          confirmedShare: z.number().nullable(),
          satisfaction: z.number().nullable(),
          registered: z.number().int(),
        }),
      )
      .describe('The township ranking, when the scope holds more than one township'),
  })
  .meta({ id: 'Cockpit' });

export const share = (n: number, d: number) => (d ? Math.round((n / d) * 1000) / 1000 : null);
/** A mean of stars to two places, or null for none. */
export const meanStars = (sum: number, n: number) => (n ? Math.round((sum / n) * 100) / 100 : null);
/** `2020-05-19` → the Shanghai month start as a UTC instant, and the months back from it. */
const monthKey = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 7);

/**
 * The cockpit's figures for the caller's scope at the end of a day, computed from dated records: item
 * statuses from their transitions, households from registration and exit years, monitoring from decision and
 * elimination dates, exits from their dated steps, grades from the ledgers computed by then.
 */
/** What a wider scope needs to merge cockpits exactly: the values behind each median and share. */
export interface CockpitParts {
  daysToClose: number[];
  daysToResolver: number[];
  confirmed: number;
  /** The stars of the ratings given by then, summed, and how many (a wider scope's mean is their quotient). */
  ratingSum: number;
  rated: number;
  reopened: number;
  reopenBase: number;
}

/** The cockpit's figures, with the values behind its medians and shares (what a wider scope merges). */
export async function cockpit(db: Db, actor: Actor, asOf: string, region?: string) {
  const end = endOfDay(asOf);
  const rows = await repo.itemsOn(db, actor, asOf, todayInShanghai(), region);
  const count = (s: string) => rows.filter((r) => r.status_on === s).length;
  const closed = rows.filter((r) => r.status_on === 'closed' && r.closed_at && r.closed_at < end);
  const month = asOf.slice(0, 7);
  const months: string[] = [];
  for (let k = 11; k >= 0; k--) {
    const d = new Date(Date.UTC(Number(asOf.slice(0, 4)), Number(asOf.slice(5, 7)) - 1 - k, 1));
    months.push(d.toISOString().slice(0, 7));
  }
  const escalated = rows.filter((r) => r.escalated_at && r.escalated_at < end);

  // Registered households and their people by township, read once: the totals are the townships' sums.
  const registeredByTownship = await repo.registeredByTownship(db, actor, asOf, region);
  const registered = { n: 0, people: 0 };
  for (const x of registeredByTownship) {
    registered.n += Number(x.n);
    registered.people += Number(x.people);
  }
  // Coverage gaps that day, by the one definition the register's filter and the ledger use (one county's rules).
  const county = (region ?? actor.regionCode ?? '').slice(0, 6);
  // The gap holds only for households helped that day: they are counted as the gaps view counts them.
  const gapsByRulesOf = async (rulesCounty: string) =>
    countAssisted(db, actor, asOf, coverageGap(await coverageRules(db, rulesCounty), asOf), region);
  const gapCount =
    county.length === 6
      ? await gapsByRulesOf(county)
      : actor.orgId
        ? await gapsByRulesOf(await countyOf(db, actor))
        : null;
  const monitored = await repo.monitoredByCategory(db, actor, asOf, region);
  const exits = await repo.exitStagesOn(db, actor, asOf, region);
  const stages: Record<string, number> = {};
  for (const e of exits) stages[e.stage] = (stages[e.stage] ?? 0) + 1;

  // The grades of the latest assessed period computed by then, in the latest version of each visible ledger of it:
  // a cockpit of 2026 shows the 2020 grades as 2020's, never mixed with another year's.
  const ledgers = actor.regionCode === null ? [] : await repo.ledgersComputedBy(db, region ?? actor.regionCode, asOf);
  const period = ledgers[0] ? { from: ledgers[0].period_from, to: ledgers[0].period_to } : null;
  const latest = new Map<string, string>();
  for (const l of ledgers) {
    if (l.period_to === period?.to && l.period_from === period.from && !latest.has(`${l.tier}:${l.scope_code}`))
      latest.set(`${l.tier}:${l.scope_code}`, l.rows_json);
  }
  const grades = latest.size ? { good: 0, fair: 0, average: 0, poor: 0 } : null;
  if (grades)
    for (const json of latest.values())
      for (const r of JSON.parse(json) as { grade: keyof typeof grades }[]) grades[r.grade]++;

  // The township ranking: by open items past their working-day deadline that day, then by open items.
  const townships = await repo.townshipsUnder(db, region ?? actor.regionCode ?? '-');
  const overdueOf = (r: (typeof rows)[number]) => Number(r.overdue) === 1;
  const confirmedBy = (r: (typeof rows)[number]) => Boolean(r.resident_confirmed_at && r.resident_confirmed_at < end);
  // A rating counts from when it was given (the latest stands: an earlier one it replaced is not kept).
  const starsBy = (r: (typeof rows)[number]) =>
    r.resident_rating !== null && r.resident_rated_at && r.resident_rated_at < end ? Number(r.resident_rating) : null;
  // Each item counted once into its township (the first nine digits of its place), not once per township.
  const counts = townships.map((t) => ({ ...t, open: 0, overdue: 0, closed: 0, confirmed: 0, ratingSum: 0, rated: 0 }));
  const perTownship = new Map(counts.map((c) => [c.code, c]));
  const countsOf = (r: (typeof rows)[number]) =>
    r.region_code ? perTownship.get(r.region_code.slice(0, 9)) : undefined;
  for (const r of rows) {
    const n = countsOf(r);
    if (n && r.status_on !== 'closed') n.open++;
    if (n && overdueOf(r)) n.overdue++;
  }
  for (const r of closed) {
    const n = countsOf(r);
    if (n) n.closed++;
    if (n && confirmedBy(r)) n.confirmed++;
    const stars = starsBy(r);
    if (n && stars !== null) {
      n.ratingSum += stars;
      n.rated++;
    }
  }
  const registeredIn = new Map(registeredByTownship.map((x) => [x.t, Number(x.n)]));
  const byTownship =
    townships.length > 1
      ? counts
          .map((c) => ({
            regionCode: c.code,
            name: c.name,
            open: c.open,
            overdue: c.overdue,
            closed: c.closed,
            confirmedShare: share(c.confirmed, c.closed),
            satisfaction: meanStars(c.ratingSum, c.rated),
            registered: registeredIn.get(c.code) ?? 0,
          }))
          .sort((a, b) => b.overdue - a.overdue || b.open - a.open || a.regionCode.localeCompare(b.regionCode))
      : [];

  // The trend: items created and closed per month, each item's month worked out once.
  const createdIn = new Map<string, number>();
  const closedIn = new Map<string, number>();
  for (const r of rows) {
    const m = monthKey(r.created_at);
    createdIn.set(m, (createdIn.get(m) ?? 0) + 1);
  }
  for (const r of closed) {
    const m = monthKey(known(r.closed_at, 'a closed item’s close'));
    closedIn.set(m, (closedIn.get(m) ?? 0) + 1);
  }

  const daysToClose = closed.map((r) => elapsedDays(r.created_at, known(r.closed_at, 'a closed item’s close')));
  const daysToResolver = escalated.map((r) =>
    elapsedDays(r.created_at, known(r.escalated_at, 'an escalated item’s escalation')),
  );
  const confirmed = closed.filter(confirmedBy).length;
  const stars = closed.map(starsBy).filter((x): x is number => x !== null);
  const ratingSum = stars.reduce((a, x) => a + x, 0);
  const reopened = rows.filter((r) => Number(r.reopens) > 0).length;
  const reopenBase = closed.length + rows.filter((r) => Number(r.reopens) > 0 && r.status_on !== 'closed').length;
  const parts: CockpitParts = {
    daysToClose,
    daysToResolver,
    confirmed,
    ratingSum,
    rated: stars.length,
    reopened,
    reopenBase,
  };
  const figures = {
    byTownship,
    items: {
      open: count('open'),
      in_progress: count('in_progress'),
      awaiting_confirmation: count('awaiting_confirmation'),
      closed: count('closed'),
      overdue: rows.filter(overdueOf).length,
      closedThisMonth: closedIn.get(month) ?? 0,
      medianDaysToClose: median(daysToClose),
      confirmedShare: share(confirmed, closed.length),
      reopenRate: share(reopened, reopenBase),
      satisfaction: meanStars(ratingSum, stars.length),
      rated: stars.length,
    },
    escalations: { count: escalated.length, medianDaysToResolver: median(daysToResolver) },
    households: {
      registered: registered.n,
      people: registered.people,
      monitored: {
        unstable_exited: Number(monitored.find((m) => m.category === 'unstable_exited')?.n ?? 0),
        marginal: Number(monitored.find((m) => m.category === 'marginal')?.n ?? 0),
        sudden_hardship: Number(monitored.find((m) => m.category === 'sudden_hardship')?.n ?? 0),
      },
      coverageGaps: gapCount,
    },
    exits: stages,
    grades,
    gradesPeriod: grades ? period : null,
    trend: months.map((m) => ({ month: m, created: createdIn.get(m) ?? 0, closed: closedIn.get(m) ?? 0 })),
  };
  return { figures, parts };
}
