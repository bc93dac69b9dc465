import { todayInShanghai } from '@lianjian/shared';
import { z } from 'zod';
import type { Db } from '../../db/index.ts';
import type { Actor } from '../../lib/actor.ts';
import { countAssisted, gapOfAssisted } from '../households/coverage.repository.ts';
import { countyOf, coverageRules } from '../households/coverage.service.ts';
import * as repo from './cockpit.repository.ts';
import { type Histogram, medianOfHistograms, tally } from './histograms.ts';

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

/**
 * The cockpit's figures for the caller's scope at the end of a day, computed from dated records: item
 * statuses from their transitions, households from registration and exit years, monitoring from decision and
 * elimination dates, exits from their dated steps, grades from the ledgers computed by then.
 */
/** What a wider scope needs to merge cockpits exactly: the values behind each median and share. */
export interface CockpitParts {
  /** Days from listing to closure, and to escalation, as counts per value. */
  daysToClose: Histogram;
  daysToResolver: Histogram;
  confirmed: number;
  /** The stars of the ratings given by then, summed, and how many (a wider scope's mean is their quotient). */
  ratingSum: number;
  rated: number;
  reopened: number;
  reopenBase: number;
}

/** The cockpit's figures, with the values behind its medians and shares (what a wider scope merges). */
export async function cockpit(db: Db, actor: Actor, asOf: string, region?: string) {
  const months: string[] = [];
  for (let k = 11; k >= 0; k--) {
    const d = new Date(Date.UTC(Number(asOf.slice(0, 4)), Number(asOf.slice(5, 7)) - 1 - k, 1));
    months.push(d.toISOString().slice(0, 7));
  }
  // The reads are independent: on PostgreSQL they run side by side, each on a connection of the pool.
  const [itemRows, registeredByTownship, gapCount, monitored, exits, graded, townships] = await Promise.all([
    repo.itemFiguresOn(db, actor, asOf, todayInShanghai(), months, region),
    repo.registeredByTownship(db, actor, asOf, region),
    coverageGapsOn(db, actor, asOf, region),
    repo.monitoredByCategory(db, actor, asOf, region),
    repo.exitStagesOn(db, actor, asOf, region),
    gradesOn(db, actor, asOf, region),
    // The township ranking: by open items past their working-day deadline that day, then by open items.
    repo.townshipsUnder(db, region ?? actor.regionCode ?? '-'),
  ]);
  const work = itemFigures(itemRows);
  // Registered households and their people by township, read once: the totals are the townships' sums.
  const registered = { n: 0, people: 0 };
  for (const x of registeredByTownship) {
    registered.n += Number(x.n);
    registered.people += Number(x.people);
  }
  const stages: Record<string, number> = {};
  for (const e of exits) stages[e.stage] = (stages[e.stage] ?? 0) + 1;
  const { grades, period } = graded;

  const registeredIn = new Map(registeredByTownship.map((x) => [x.t, Number(x.n)]));
  const byTownship =
    townships.length > 1
      ? townships
          .map(({ code, name }) => {
            const c = work.byTownship.get(code) ?? noItems();
            return {
              regionCode: code,
              name,
              open: c.open,
              overdue: c.overdue,
              closed: c.closed,
              confirmedShare: share(c.confirmed, c.closed),
              satisfaction: meanStars(c.stars, c.rated),
              registered: registeredIn.get(code) ?? 0,
            };
          })
          .sort((a, b) => b.overdue - a.overdue || b.open - a.open || a.regionCode.localeCompare(b.regionCode))
      : [];

  const { all } = work;
  const parts: CockpitParts = {
    daysToClose: work.daysToClose,
    daysToResolver: work.daysToResolver,
    confirmed: all.confirmed,
    ratingSum: all.stars,
    rated: all.rated,
    reopened: all.reopened,
    reopenBase: all.closed + all.reopenedOpen,
  };
  const figures = {
    byTownship,
    items: {
      open: work.byStatus.get('open') ?? 0,
      in_progress: work.byStatus.get('in_progress') ?? 0,
      awaiting_confirmation: work.byStatus.get('awaiting_confirmation') ?? 0,
      closed: work.byStatus.get('closed') ?? 0,
      overdue: all.overdue,
      closedThisMonth: work.closedIn.get(asOf.slice(0, 7)) ?? 0,
      medianDaysToClose: medianOfHistograms([work.daysToClose]),
      confirmedShare: share(all.confirmed, all.closed),
      reopenRate: share(parts.reopened, parts.reopenBase),
      satisfaction: meanStars(all.stars, all.rated),
      rated: all.rated,
    },
    escalations: { count: all.escalated, medianDaysToResolver: medianOfHistograms([work.daysToResolver]) },
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
    trend: months.map((m) => ({ month: m, created: work.createdIn.get(m) ?? 0, closed: work.closedIn.get(m) ?? 0 })),
  };
  return { figures, parts };
}

/**
 * Coverage gaps that day, by the one definition the register's filter and the ledger use (one county's rules). The gap
 * holds only for households helped that day: they are counted as the gaps view counts them. Null for a scope wider
 * than a county.
 */
async function coverageGapsOn(db: Db, actor: Actor, asOf: string, region?: string) {
  const county = (region ?? actor.regionCode ?? '').slice(0, 6);
  const rulesCounty = county.length === 6 ? county : actor.orgId ? await countyOf(db, actor) : null;
  if (rulesCounty === null) return null;
  return countAssisted(db, actor, asOf, gapOfAssisted(await coverageRules(db, rulesCounty), asOf), region);
}

/**
 * The grades of the latest assessed period computed by then, in the latest version of each visible ledger of it: a
 * cockpit of 2026 shows the 2020 grades as 2020's, never mixed with another year's.
 */
async function gradesOn(db: Db, actor: Actor, asOf: string, region?: string) {
  const ledgers = actor.regionCode === null ? [] : await repo.ledgersComputedBy(db, region ?? actor.regionCode, asOf);
  const period = ledgers[0] ? { from: ledgers[0].period_from, to: ledgers[0].period_to } : null;
  const latest = new Map<string, string>();
  for (const l of ledgers) {
    if (l.period_to === period?.to && l.period_from === period.from && !latest.has(`${l.tier}:${l.scope_code}`))
      latest.set(`${l.tier}:${l.scope_code}`, l.id);
  }
  const grades: Grades | null = latest.size ? { good: 0, fair: 0, average: 0, poor: 0 } : null;
  if (grades) for (const g of await gradesOf(db, [...latest.values()])) for (const k of GRADES) grades[k] += g[k];
  return { grades, period };
}

const GRADES = ['good', 'fair', 'average', 'poor'] as const;
type Grades = Record<(typeof GRADES)[number], number>;

/**
 * The grades counted in each ledger, kept by the ledger's id: a ledger version is never changed (a new computation is
 * a new version), and a county's hold some 2.5 MB of rows, which the cockpit would otherwise read and parse each time.
 * At most `GRADES_KEPT` ledgers are kept, the oldest read forgotten first.
 */
const gradesKept = new Map<string, Grades>();
const GRADES_KEPT = 5000;

async function gradesOf(db: Db, ids: string[]): Promise<Grades[]> {
  const missing = ids.filter((id) => !gradesKept.has(id));
  for (const l of await repo.ledgerRows(db, missing)) {
    const g: Grades = { good: 0, fair: 0, average: 0, poor: 0 };
    for (const r of JSON.parse(l.rows_json) as { grade: keyof Grades }[]) g[r.grade]++;
    if (gradesKept.size >= GRADES_KEPT) gradesKept.delete(gradesKept.keys().next().value as string);
    gradesKept.set(l.id, g);
  }
  return ids.map((id) => gradesKept.get(id) as Grades);
}

/** An item count of a township, or of the scope. */
const noItems = () => ({
  open: 0,
  overdue: 0,
  closed: 0,
  confirmed: 0,
  stars: 0,
  rated: 0,
  reopened: 0,
  reopenedOpen: 0,
  escalated: 0,
});

/** The item figures read back from their rows (cockpit.repository.ts `itemFiguresOn`): totals, townships, months. */
function itemFigures(rows: repo.ItemFigureRow[]) {
  const all = noItems();
  const byTownship = new Map<string, ReturnType<typeof noItems>>();
  const byStatus = new Map<string, number>();
  const createdIn = new Map<string, number>();
  const closedIn = new Map<string, number>();
  const daysToClose: Histogram = [];
  const daysToResolver: Histogram = [];
  const townshipOf = (code: string) => {
    const known = byTownship.get(code);
    if (known) return known;
    const fresh = noItems();
    byTownship.set(code, fresh);
    return fresh;
  };
  for (const r of rows) {
    const n = Number(r.n);
    if (r.kind === 'close') daysToClose.push([Number(r.v) / 100, n]);
    else if (r.kind === 'resolver') daysToResolver.push([Number(r.v) / 100, n]);
    else if (r.kind === 'created') createdIn.set(r.k as string, n);
    else if (r.kind === 'closed') closedIn.set(r.k as string, n);
    else {
      const status = r.s as string;
      byStatus.set(status, (byStatus.get(status) ?? 0) + n);
      // An item without a place counts in the totals, in no township.
      for (const c of r.k === null ? [all] : [all, townshipOf(r.k)]) {
        if (status !== 'closed') c.open += n;
        c.overdue += Number(r.overdue);
        c.closed += Number(r.closed);
        c.confirmed += Number(r.confirmed);
        c.stars += Number(r.stars);
        c.rated += Number(r.rated);
        c.reopened += Number(r.reopened);
        c.reopenedOpen += Number(r.reopened_open);
        c.escalated += Number(r.escalated);
      }
    }
  }
  return {
    all,
    byTownship,
    byStatus,
    createdIn,
    closedIn,
    daysToClose: tally(daysToClose),
    daysToResolver: tally(daysToResolver),
  };
}
