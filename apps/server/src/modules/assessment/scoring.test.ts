import { describe, expect, it } from 'vitest';
import { type OrgInputs, type SchemeSnapshot, gradeOf, scoreLedger } from './scoring.ts';

const scheme: SchemeSnapshot = {
  id: 's',
  name: 't',
  year: 2020,
  tier: 'township',
  dailyWeight: 40,
  finalWeight: 60,
  cutoffs: { good: 90, fair: 75, average: 60 },
  indicators: [
    {
      key: 'm',
      dimension: 'political',
      name: 'meetings',
      weight: 100,
      method: 'computed',
      metric: 'meetings_held',
      target: 10,
    },
  ],
};
const org = (name: string, meetings: number, effect = 0): OrgInputs => ({
  orgId: name,
  orgName: name,
  metrics: { meetings_held: { value: meetings, evidence: [] } },
  scored: {},
  supervision: { effect, evidence: [] },
});

describe('assessment scoring', () => {
  it('grades by the configurable cut-offs, inclusive at each line', () => {
    const c = { good: 90, fair: 75, average: 60 };
    expect([100, 90, 89.99, 75, 74.99, 60, 59.99, 0].map((t) => gradeOf(t, c))).toEqual([
      'good',
      'good',
      'fair',
      'fair',
      'average',
      'average',
      'poor',
      'poor',
    ]);
    expect(gradeOf(85, { good: 80, fair: 70, average: 50 })).toBe('good');
  });

  it('ranks with ties: equal totals share a rank and the next rank skips (1, 2, 2, 4)', () => {
    const rows = scoreLedger(scheme, [org('甲', 10), org('乙', 5), org('丙', 5), org('丁', 1)]);
    expect(rows.map((r) => [r.orgName, r.total, r.rank])).toEqual([
      ['甲', 100, 1],
      ['丙', 70, 2],
      ['乙', 70, 2],
      ['丁', 46, 4],
    ]);
  });

  it('combines daily supervision and year-end by their weights; supervision effects stay within 0–100', () => {
    const [a] = scoreLedger(scheme, [org('甲', 10, -150)]);
    expect(a).toMatchObject({ yearEnd: 100, daily: 0, total: 60 });
    const [b] = scoreLedger({ ...scheme, dailyWeight: 50, finalWeight: 50 }, [org('乙', 5, 30)]);
    expect(b).toMatchObject({ yearEnd: 50, daily: 100, total: 75 });
  });
});
