import { DEADLINE_TARGET_DEFAULTS } from '@lianjian/shared';
import { describe, expect, it } from 'vitest';
import { CALENDAR } from '../src/lib/working-days.ts';
import { useCounty } from './setup-county.ts';

type Target = { category: string; response: number; resolution: number };
const targetOf = (body: { targets: Target[] }, category: string) => body.targets.find((t) => t.category === category);

describe('DOMAIN §9a: each category has working-day targets, county settings with defaults', () => {
  const ctx = useCounty();

  it('a county sees the defaults until it sets its own; a year set holds for later years; the change is audited', async () => {
    const admin = await ctx.user('admin');
    const before = (await admin.get('/settings?year=2025')).json();
    expect(targetOf(before, 'electricity')).toEqual({
      category: 'electricity',
      ...DEADLINE_TARGET_DEFAULTS.electricity,
    });
    expect(before.targets).toHaveLength(12);

    const put = await admin.put('/settings?year=2025', {
      targets: [{ category: 'roads', response: 3, resolution: 15 }],
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(targetOf(put.json(), 'roads')).toEqual({ category: 'roads', response: 3, resolution: 15 });
    expect(put.json().setThisYear).toEqual(['resolution_days:roads', 'response_days:roads']);
    // Later years inherit the latest year set; earlier ones keep the default.
    expect(targetOf((await admin.get('/settings?year=2026')).json(), 'roads')).toMatchObject({ resolution: 15 });
    expect(targetOf((await admin.get('/settings?year=2024')).json(), 'roads')).toMatchObject({
      resolution: DEADLINE_TARGET_DEFAULTS.roads.resolution,
    });
    const audit = await ctx.t.db.db
      .selectFrom('audit_events')
      .select(['before_json', 'after_json'])
      .where('action', '=', 'settings.update')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.before_json ?? '{}')).toMatchObject({ year: 2025, 'targets.roads': '2/20' });
    expect(JSON.parse(audit.after_json ?? '{}')).toMatchObject({ year: 2025, 'targets.roads': '3/15' });
  });

  it('a response target longer than the resolution target, a day count out of range or a category twice is refused and changes nothing', async () => {
    const admin = await ctx.user('admin');
    const refused = async (targets: Target[]) => {
      const r = await admin.put('/settings?year=2025', { targets });
      expect([r.statusCode, r.json().code], JSON.stringify(targets)).toEqual([400, 'validation_failed']);
      return r.json().errors[0];
    };
    expect(await refused([{ category: 'water', response: 6, resolution: 5 }])).toMatchObject({
      path: 'body.targets.0.response',
      message: '响应时限不能长于办结时限',
    });
    expect((await refused([{ category: 'water', response: 0, resolution: 5 }])).message).toBe('不能少于 1 个工作日');
    await refused([{ category: 'water', response: 1, resolution: 251 }]);
    await refused([
      { category: 'water', response: 1, resolution: 5 },
      { category: 'water', response: 2, resolution: 5 },
    ]);
    expect(await ctx.t.db.db.selectFrom('settings').selectAll().execute()).toEqual([]);
  });

  it('only a county administrator sets targets', async () => {
    const qiao = await ctx.user('qiaoduan');
    const r = await qiao.put('/settings?year=2025', { targets: [{ category: 'water', response: 1, resolution: 3 }] });
    expect(r.statusCode).toBe(403);
  });

  it('the settings say which calendar the working days are counted on, and whether it knows the year', async () => {
    const admin = await ctx.user('admin');
    const known = (await admin.get('/settings?year=2026')).json().calendar;
    expect(known).toEqual({ ...CALENDAR, knowsYear: true });
    expect(known.lastYear).toBeGreaterThanOrEqual(2026);
    expect((await admin.get(`/settings?year=${CALENDAR.lastYear + 1}`)).json().calendar.knowsYear).toBe(false);
  });
});
