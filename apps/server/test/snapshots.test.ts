import { median } from '@lianjian/shared';
import { describe, expect, it } from 'vitest';
import { nameInitials } from '../src/lib/pinyin.ts';
import { medianOfHistograms, mergeCounties, takeSnapshots } from '../src/modules/stats/snapshots.ts';
import { PASSWORD, addUser } from './factories.ts';
import { as, login } from './helpers.ts';
import { listedJanuary2020 } from './items-history.ts';
import { useCounty } from './setup-county.ts';

type Grades = { good: number; fair: number; average: number; poor: number };
/** A county's overview as its snapshot holds it: closed items and their confirmed share, and its grades of a year. */
const overviewOf = (
  closed: number,
  share: number | null,
  grades: Grades | null = null,
  year: number | null = null,
) => ({
  asOf: 'x',
  source: 'live' as const,
  snapshot: null,
  rankingLevel: 'township' as const,
  orgs: { committee: 0, general_branch: 1, branch: 2, group: 3 },
  byStatus: { active: 6 },
  membersLinked: 10,
  units: 2,
  byTownship: [],
  byBranch: [],
  work: {
    items: {
      open: 1,
      in_progress: 0,
      awaiting_confirmation: 0,
      closed,
      overdue: 0,
      closedThisMonth: 0,
      medianDaysToClose: null,
      confirmedShare: share,
      reopenRate: null,
      satisfaction: null,
      rated: 0,
    },
    escalations: { count: 0, medianDaysToResolver: null },
    households: {
      registered: 5,
      people: 12,
      monitored: { unstable_exited: 1, marginal: 0, sudden_hardship: 0 },
      coverageGaps: 2,
    },
    exits: { applied: 1 },
    grades,
    gradesPeriod: year ? { from: `${year}-01-01`, to: `${year}-12-31` } : null,
    trend: [{ month: '2020-01', created: 1, closed: 0 }],
    byTownship: [],
  },
});

describe('overviews wider than a county: merged from the counties’ daily snapshots', () => {
  const ctx = useCounty();

  /** A second county and the province above both, with an account for the province. */
  async function province() {
    const db = ctx.t.db.db;
    await db
      .insertInto('regions')
      .values([
        {
          code: '41',
          name: '河南省',
          level: 'province',
          kind: '省',
          parent_code: null,
          name_initials: nameInitials('河南省'),
          source: 'official',
        },
        {
          code: '411322',
          name: '方城县',
          level: 'county',
          kind: '县',
          parent_code: null,
          name_initials: nameInitials('方城县'),
          source: 'official',
        },
      ])
      .execute();
    await addUser(db, 'henan', 'county_admin', { region: '41' });
    return as(ctx.t.app, await login(ctx.t.app, 'henan', PASSWORD));
  }

  /** Three items listed on 5 Jan 2020 in 乔端镇; one closed on 10 Feb and confirmed, one past its due date. */
  const history = () => listedJanuary2020(ctx);

  it('the province overview of a day equals the sum of its counties’ own overviews of that day', async () => {
    const henan = await province();
    await history();
    // The resident rates the closed item four stars two days after its close.
    await ctx.t.db.db
      .updateTable('items')
      .set({ resident_rating: 4, resident_rated_at: '2020-02-12T02:00:00.000Z' })
      .where('status', '=', 'closed')
      .execute();
    // Nothing to merge yet: a clear answer, not a slow one.
    const missing = await henan.get('/stats/overview?asOf=2020-02-15');
    expect(missing.statusCode).toBe(409);
    expect(missing.json().code).toBe('snapshot_missing');

    const run = await takeSnapshots(ctx.t.db.db, '2020-02-15');
    expect(run).toMatchObject({ asOf: '2020-02-15', counties: 2, computed: 2 });
    const county = (await (await ctx.user('admin')).get('/stats/overview?asOf=2020-02-15')).json();
    expect(county).toMatchObject({ source: 'live', snapshot: null, rankingLevel: 'township' });

    // Asked for a later day, the province gets the latest complete day, and says so.
    const wide = (await henan.get('/stats/overview?asOf=2020-03-01')).json();
    expect(wide).toMatchObject({
      asOf: '2020-02-15',
      source: 'daily_snapshot',
      rankingLevel: 'county',
      snapshot: { counties: 2 },
    });
    expect(wide.orgs).toEqual(county.orgs);
    expect(wide.byStatus).toEqual(county.byStatus);
    expect(wide.membersLinked).toBe(county.membersLinked);
    expect(wide.units).toBe(county.units);
    expect(wide.work.items).toEqual(county.work.items);
    expect(wide.work.items).toMatchObject({
      open: 2,
      in_progress: 0,
      closed: 1,
      overdue: 2, // 乙 and 丙, past roads' 20 working days (7 Feb)
      medianDaysToClose: 36,
      confirmedShare: 1,
      satisfaction: 4,
      rated: 1,
    });
    expect(wide.work.escalations).toEqual(county.work.escalations);
    expect(wide.work.households).toEqual(county.work.households);
    expect(wide.work.exits).toEqual(county.work.exits);
    expect(wide.work.trend).toEqual(county.work.trend);
    // The ranking is by county; the county without records is last.
    expect(wide.work.byTownship).toEqual([
      {
        regionCode: '411321',
        name: '南召县',
        open: 2,
        overdue: 2,
        closed: 1,
        confirmedShare: 1,
        satisfaction: 4,
        registered: 0,
      },
      {
        regionCode: '411322',
        name: '方城县',
        open: 0,
        overdue: 0,
        closed: 0,
        confirmedShare: null,
        satisfaction: null,
        registered: 0,
      },
    ]);
    expect(wide.byTownship.map((t: { regionCode: string }) => t.regionCode)).toEqual(['411321', '411322']);

    // A snapshot is the record of its day: later work shows in the live county figures, not in the day taken.
    await (await ctx.user('baihe')).post('/problem-lists', {
      orgId: ctx.county.orgs.qiaoBranch.id,
      title: '后补清单',
      listedOn: '2020-01-06',
      items: [{ problem: '丁', category: 'roads', regionCode: '411321106200' }],
    });
    expect((await henan.get('/stats/overview?asOf=2020-02-15')).json().work.items.open).toBe(2);
    // Before the first snapshot there is still nothing.
    expect((await henan.get('/stats/overview?asOf=2020-02-14')).statusCode).toBe(409);
  });

  it('a scope narrower than a county stays live; a region outside the account’s answers 404', async () => {
    const henan = await province();
    await history();
    await takeSnapshots(ctx.t.db.db, '2020-02-15');
    // The province narrowed to one county is computed from the records.
    const one = (await henan.get('/stats/overview?asOf=2020-02-15&regionCode=411321')).json();
    expect(one).toMatchObject({ source: 'live', rankingLevel: 'township' });
    expect(one.work.items.open).toBe(2);
    // A township asking about its county gets its own township.
    const qiao = (await (await ctx.user('qiaoduan')).get('/stats/overview?asOf=2020-02-15&regionCode=411321')).json();
    expect(qiao).toMatchObject({ source: 'live' });
    expect(qiao.work.items.open).toBe(2);
    expect((await (await ctx.user('admin')).get('/stats/overview?regionCode=411322')).statusCode).toBe(404);
  });

  it('medians over several counties are the median of all their values', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    for (let round = 0; round < 50; round++) {
      const counties = Array.from({ length: 1 + Math.floor(rnd() * 5) }, () =>
        Array.from({ length: Math.floor(rnd() * 30) }, () => Math.round(rnd() * 4000) / 100),
      );
      const hist = (xs: number[]) => {
        const m = new Map<number, number>();
        for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
        return [...m.entries()];
      };
      expect(medianOfHistograms(counties.map(hist))).toBe(median(counties.flat()));
    }
  });

  it('shares and the mean of the residents’ stars are merged from their counts, not averaged', () => {
    const parts = (confirmed: number, ratingSum?: number, rated?: number) => ({
      daysToClose: [],
      daysToResolver: [],
      confirmed,
      ...(rated === undefined ? {} : { ratingSum, rated }),
      reopened: 0,
      reopenBase: 0,
    });
    const merged = mergeCounties(
      [
        { code: '411321', name: '甲县', payload: { v: 1, overview: overviewOf(1, 1), parts: parts(1, 14, 3) } },
        { code: '411322', name: '乙县', payload: { v: 1, overview: overviewOf(9, 0), parts: parts(0, 1, 1) } },
      ],
      '2020-01-31',
      { computedAt: 'x', counties: 2 },
    );
    // 1 confirmed of 10 closed: 0.1, not the mean of 1 and 0.
    expect(merged.work.items.confirmedShare).toBe(0.1);
    // 15 stars over 4 ratings: 3.75, not the mean of 4.67 and 1.
    expect([merged.work.items.satisfaction, merged.work.items.rated]).toEqual([3.75, 4]);
    // A snapshot taken before ratings were counted adds none; with no rating at all there is no mean.
    const older = (ratingSum?: number, rated?: number) =>
      mergeCounties(
        [
          {
            code: '411321',
            name: '甲县',
            payload: { v: 1, overview: overviewOf(1, 1), parts: parts(1, ratingSum, rated) },
          },
          { code: '411323', name: '丙县', payload: { v: 1, overview: overviewOf(1, 0), parts: parts(0) } },
        ],
        '2020-01-31',
        { computedAt: 'x', counties: 2 },
      ).work.items;
    expect([older(9, 2).satisfaction, older(9, 2).rated]).toEqual([4.5, 2]);
    expect([older().satisfaction, older().rated]).toEqual([null, 0]);
    // Each county's coverage gaps by its own rules, summed.
    expect(merged.work.households.coverageGaps).toBe(4);
    expect(merged.orgs).toEqual({ committee: 0, general_branch: 2, branch: 4, group: 6 });
    expect(merged.work.households).toEqual({
      registered: 10,
      people: 24,
      monitored: { unstable_exited: 2, marginal: 0, sudden_hardship: 0 },
      coverageGaps: 4,
    });
    expect(merged.work.exits).toEqual({ applied: 2 });
    expect(merged.work.trend).toEqual([{ month: '2020-01', created: 2, closed: 0 }]);
  });

  it('grades are merged for the latest assessed year only, and say which year they are of', () => {
    const g = (n: number) => ({ good: n, fair: n, average: n, poor: n });
    const parts = { daysToClose: [], daysToResolver: [], confirmed: 0, reopened: 0, reopenBase: 0 };
    const counties = [
      { code: '411321', name: '甲县', grades: g(1), year: 2020 },
      { code: '411322', name: '乙县', grades: g(5), year: 2019 },
      { code: '411323', name: '丙县', grades: g(2), year: 2020 },
      { code: '411324', name: '丁县', grades: null, year: null },
    ];
    const merged = mergeCounties(
      counties.map((c) => ({
        code: c.code,
        name: c.name,
        payload: { v: 1 as const, overview: overviewOf(1, 1, c.grades, c.year), parts },
      })),
      '2021-03-31',
      { computedAt: 'x', counties: counties.length },
    );
    // 乙县's 2019 grades are not added to 2020's.
    expect(merged.work.grades).toEqual(g(3));
    expect(merged.work.gradesPeriod).toEqual({ from: '2020-01-01', to: '2020-12-31' });
  });
});
