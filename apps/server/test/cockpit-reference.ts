import { elapsedDays, median, todayInShanghai } from '@lianjian/shared';
import { sql } from 'kysely';
import type { Db, Executor } from '../src/db/index.ts';
import type { Actor } from '../src/lib/actor.ts';
import { known } from '../src/lib/known.ts';
import { underRegion } from '../src/lib/scope.ts';
import { overdueOn } from '../src/modules/items/deadlines.repository.ts';
import { endOfDay, itemInScope, reopensBy, statusAt } from '../src/modules/items/items.repository.ts';
import { meanStars, share } from '../src/modules/stats/cockpit.ts';
import { townshipsUnder } from '../src/modules/stats/cockpit.repository.ts';
import { histogram } from '../src/modules/stats/histograms.ts';

/**
 * The cockpit's item figures as they were computed before they were counted in SQL: every item of the scope read with
 * its status, overdue flag and reopenings on the day, then counted here one by one. Kept as the reference the counts in
 * the database are checked against (`cockpit-counts.rules.test.ts`).
 */

/** The actor's items created by the end of the day, each with its status then and its reopenings by then. */
function itemsOn(db: Executor, actor: Actor, asOf: string, today: string, region?: string) {
  let q = db
    .selectFrom('items as i')
    .where(itemInScope(actor, 'i'))
    .where('i.created_at', '<', endOfDay(asOf))
    .select([
      'i.id',
      'i.region_code',
      'i.created_at',
      'i.closed_at',
      'i.resident_confirmed_at',
      'i.resident_rating',
      'i.resident_rated_at',
      'i.escalated_at',
    ])
    .select([
      statusAt(asOf, today).as('status_on'),
      // Overdue by the working-day clock as it stood that day (the drill-down's `overdue` filter, deadlines.repository.ts).
      sql<number>`case when ${overdueOn(asOf, statusAt(asOf, today))} then 1 else 0 end`.as('overdue'),
      // Reopenings are indexed apart (migration 0020): a small index that stays in memory.
      reopensBy(asOf).as('reopens'),
    ]);
  if (region) q = q.where(underRegion('i.region_code', region));
  return q.execute();
}

const monthKey = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 7);

/** The item figures, the township ranking's item counts and the values behind the medians and shares, row by row. */
export async function referenceItemFigures(db: Db, actor: Actor, asOf: string, region?: string) {
  const end = endOfDay(asOf);
  const rows = await itemsOn(db, actor, asOf, todayInShanghai(), region);
  const count = (s: string) => rows.filter((r) => r.status_on === s).length;
  const closed = rows.filter((r) => r.status_on === 'closed' && r.closed_at && r.closed_at < end);
  const month = asOf.slice(0, 7);
  const months: string[] = [];
  for (let k = 11; k >= 0; k--) {
    const d = new Date(Date.UTC(Number(asOf.slice(0, 4)), Number(asOf.slice(5, 7)) - 1 - k, 1));
    months.push(d.toISOString().slice(0, 7));
  }
  const escalated = rows.filter((r) => r.escalated_at && r.escalated_at < end);
  const townships = await townshipsUnder(db, region ?? actor.regionCode ?? '-');
  const overdueOf = (r: (typeof rows)[number]) => Number(r.overdue) === 1;
  const confirmedBy = (r: (typeof rows)[number]) => Boolean(r.resident_confirmed_at && r.resident_confirmed_at < end);
  const starsBy = (r: (typeof rows)[number]) =>
    r.resident_rating !== null && r.resident_rated_at && r.resident_rated_at < end ? Number(r.resident_rating) : null;
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
  return {
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
    trend: months.map((m) => ({ month: m, created: createdIn.get(m) ?? 0, closed: closedIn.get(m) ?? 0 })),
    townships: counts.map((c) => ({
      regionCode: c.code,
      open: c.open,
      overdue: c.overdue,
      closed: c.closed,
      confirmedShare: share(c.confirmed, c.closed),
      satisfaction: meanStars(c.ratingSum, c.rated),
    })),
    parts: {
      daysToClose: histogram(daysToClose),
      daysToResolver: histogram(daysToResolver),
      confirmed,
      ratingSum,
      rated: stars.length,
      reopened,
      reopenBase,
    },
  };
}
