import type { Worksheet as ExcelWorksheet } from 'exceljs';
import { excel } from '../src/lib/excel.ts';
import { describe, expect, it } from 'vitest';
import { exported } from './helpers.ts';
import { registerHousehold } from './households-fixture.ts';
import { useCounty } from './setup-county.ts';

// Through the application's loader, which fixes ExcelJS's reader before it is first loaded.
const ExcelJS = await excel();

describe("DOMAIN §5: coverage rules, gaps and helpers' load", () => {
  const ctx = useCounty();

  const helper = async (householdId: string, memberId: string, role: string, primary = false) => {
    const qiao = await ctx.user('qiaoduan');
    const res = await qiao.post(`/households/${householdId}/helpers`, {
      memberId,
      role,
      primary,
      reason: '覆盖规则',
      startOn: '2020-04-01',
    });
    expect(res.statusCode, res.body).toBe(201);
  };

  it('a household impoverished by illness needs a health helper until one is stacked (default rule)', async () => {
    const qiao = await ctx.user('qiaoduan');
    const ill = await registerHousehold(qiao);
    const other = await registerHousehold(qiao, { primaryCause: 'lack_of_skills' });
    await helper(ill, ctx.county.members.qiaoOther, 'cadre', true);
    await helper(other, ctx.county.members.qiaoOther, 'cadre', true);
    const gaps = (await qiao.get('/coverage-gaps')).json().conditions as {
      condition: string;
      total: number;
      households: { id: string }[];
    }[];
    expect(gaps.map((g) => [g.condition, g.total])).toEqual([
      ['primary_helper', 0],
      ['cause_illness', 1],
      ['open_dispute', 0],
      ['cause_schooling', 0],
    ]);
    expect(gaps[1]?.households.map((h) => h.id)).toEqual([ill]);
    expect((await qiao.get('/households?gap=coverage')).json().total).toBe(1);
    // Each condition's households page in the register, as many as the gaps view counts.
    const ofRule = (await qiao.get('/households?gap=cause_illness&limit=1')).json();
    expect([ofRule.total, ofRule.items.map((h: { id: string }) => h.id)]).toEqual([1, [ill]]);
    expect((await qiao.get('/households?gap=cause_schooling')).json().total).toBe(0);
    await helper(ill, ctx.county.members.qiaoSecretary, 'doctor');
    expect((await qiao.get('/coverage-gaps')).json().conditions[1].total).toBe(0);
    expect((await qiao.get('/households?gap=coverage')).json().total).toBe(0);
  });

  it('one definition of a coverage gap, as of a day from dated helper assignments, is used by the register, the gaps view, the cockpit and the ledger', async () => {
    const qiao = await ctx.user('qiaoduan');
    const ill = await registerHousehold(qiao);
    // Registered in 2019 (the register's history counts from registration).
    await ctx.t.db.db
      .updateTable('households')
      .set({ created_at: '2019-01-01T00:00:00.000Z' })
      .where('id', '=', ill)
      .execute();
    const assign = async (memberId: string, role: string, primary: boolean, startOn: string) =>
      expect(
        (await qiao.post(`/households/${ill}/helpers`, { memberId, role, primary, reason: '结对', startOn }))
          .statusCode,
      ).toBe(201);
    await assign(ctx.county.members.qiaoOther, 'cadre', true, '2019-06-01');
    // Stacked in April 2020: a doctor, for the illness.
    await assign(ctx.county.members.qiaoSecretary, 'doctor', false, '2020-04-10');
    const figures = async (day: string) => {
      const register = (await qiao.get(`/households?gap=coverage&asOf=${day}&limit=50`)).json();
      const view = (await qiao.get(`/coverage-gaps?asOf=${day}`)).json();
      const cockpit = (await qiao.get(`/stats/overview?asOf=${day}`)).json();
      return {
        register: register.items.map((h: { id: string }) => h.id).includes(ill),
        registerTotal: register.total,
        view: view.households,
        illness: view.conditions
          .find((g: { condition: string }) => g.condition === 'cause_illness')
          .households.map((h: { id: string }) => h.id)
          .includes(ill),
        cockpit: cockpit.work.households.coverageGaps,
      };
    };
    // Before the stacking: a gap everywhere; after it: none, on every path.
    expect(await figures('2020-03-31')).toEqual({
      register: true,
      registerTotal: 1,
      view: 1,
      illness: true,
      cockpit: 1,
    });
    expect(await figures('2020-05-01')).toEqual({
      register: false,
      registerTotal: 0,
      view: 0,
      illness: false,
      cockpit: 0,
    });
    // Before the household had a primary helper it was a gap for that too; before its registration, not at all.
    expect((await qiao.get('/coverage-gaps?asOf=2019-03-01')).json().conditions[0]).toMatchObject({
      condition: 'primary_helper',
      total: 1,
    });
    expect((await figures('2018-12-01')).view).toBe(0);
    // The ledger's 帮扶缺口 of 2020 is counted at the year's end by the same definition: this household has none.
    await ctx.t.db.db
      .updateTable('helpers')
      .set({ end_on: '2020-11-30' })
      .where('household_id', '=', ill)
      .where('role', '=', 'doctor')
      .execute();
    const indicators = [
      {
        key: 'gaps',
        dimension: 'results',
        name: '帮扶缺口',
        weight: 50,
        method: 'computed',
        metric: 'coverage_gaps',
        target: 4,
      },
      {
        key: 'meetings',
        dimension: 'political',
        name: '按期开会',
        weight: 50,
        method: 'computed',
        metric: 'meetings_held',
        target: 6,
      },
    ];
    const scheme = await (await ctx.user('admin')).put('/assessment-schemes', {
      year: 2020,
      tier: 'township',
      name: '2020年度考核',
      indicators,
    });
    expect(scheme.statusCode, scheme.body).toBe(200);
    const computed = await qiao.post('/ledgers', { year: 2020, tier: 'township' });
    expect(computed.statusCode, computed.body).toBe(201);
    const ledgerId = computed.json().id;
    const ledger = (await qiao.get(`/ledgers/${ledgerId}`)).json();
    const gaps = ledger.items.flatMap((r: { cells: { key: string; evidence: { id: string }[] }[] }) =>
      r.cells.filter((c) => c.key === 'gaps').flatMap((c) => c.evidence.map((e) => e.id)),
    );
    expect(gaps).toContain(ill);
    expect((await figures('2020-12-31')).view).toBe(1);
  });

  it('a dispute raised on a visit and not yet settled needs a police or mediator helper', async () => {
    const qiao = await ctx.user('qiaoduan');
    const id = await registerHousehold(qiao, { primaryCause: 'lack_of_capital' });
    await helper(id, ctx.county.members.qiaoOther, 'cadre', true);
    const visit = await qiao.post(`/households/${id}/visits`, {
      visitedOn: '2020-05-02',
      helperIds: [ctx.county.members.qiaoOther],
      problem: { category: 'disputes', description: '与邻居因宅基地边界起纠纷' },
    });
    expect(visit.statusCode).toBe(201);
    const gap = (await qiao.get('/coverage-gaps'))
      .json()
      .conditions.find((g: { condition: string }) => g.condition === 'open_dispute');
    expect(gap.total).toBe(1);
    await helper(id, ctx.county.members.countyOfficer, 'police');
    expect(
      (await qiao.get('/coverage-gaps'))
        .json()
        .conditions.find((g: { condition: string }) => g.condition === 'open_dispute').total,
    ).toBe(0);
  });

  it('coverage rules are configurable per county by the county only, and audited', async () => {
    const qiao = await ctx.user('qiaoduan');
    const admin = await ctx.user('admin');
    const rules = {
      rules: [
        { condition: 'no_labour', roles: ['cadre', 'party_member'], active: true },
        { condition: 'cause_illness', roles: ['doctor'], active: false },
      ],
    };
    expect((await qiao.put('/coverage-rules', rules)).statusCode).toBe(403);
    const dup = await admin.put('/coverage-rules', { rules: [rules.rules[0], rules.rules[0]] });
    expect(dup.statusCode).toBe(400);
    const saved = await admin.put('/coverage-rules', rules);
    expect(saved.statusCode, saved.body).toBe(200);
    expect((await qiao.get('/coverage-rules')).json().rules).toEqual(rules.rules);
    const noLabour = await registerHousehold(qiao, {
      people: [
        {
          name: '周老汉',
          relationship: '户主',
          gender: 'male',
          idNumber: (await import('./households-fixture.ts')).newIdNumber(1940),
          health: 'chronic',
          labour: 'lost',
        },
      ],
    });
    await registerHousehold(qiao);
    const gaps = (await qiao.get('/coverage-gaps')).json().conditions;
    // The inactive illness rule is not checked; the household with nobody able to work needs a cadre.
    expect(gaps.map((g: { condition: string }) => g.condition)).toEqual(['primary_helper', 'no_labour']);
    expect(gaps[1].households.map((h: { id: string }) => h.id)).toEqual([noLabour]);
    const audit = await ctx.t.db.db
      .selectFrom('audit_events')
      .select('action')
      .where('action', '=', 'coverage.rules')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it("gaps and workload cover the caller's township only", async () => {
    const qiao = await ctx.user('qiaoduan');
    const id = await registerHousehold(qiao);
    await helper(id, ctx.county.members.qiaoOther, 'cadre', true);
    const cheng = await ctx.user('chengjiao');
    const theirs = (await cheng.get('/coverage-gaps')).json().conditions;
    expect(theirs.every((g: { total: number }) => g.total === 0)).toBe(true);
    expect((await cheng.get('/helper-workload')).json().items).toEqual([]);
    expect((await (await ctx.user('admin')).get('/coverage-gaps')).json().conditions[1].total).toBe(1);
  });

  it("a helper's load counts households, primary and stacked, and visits in the last 90 days", async () => {
    const qiao = await ctx.user('qiaoduan');
    const a = await registerHousehold(qiao);
    const b = await registerHousehold(qiao);
    await helper(a, ctx.county.members.qiaoOther, 'cadre', true);
    await helper(b, ctx.county.members.qiaoSecretary, 'cadre', true);
    await helper(b, ctx.county.members.qiaoOther, 'party_member');
    const today = new Date().toISOString().slice(0, 10);
    await qiao.post(`/households/${a}/visits`, { visitedOn: today, helperIds: [ctx.county.members.qiaoOther] });
    await qiao.post(`/households/${b}/visits`, { visitedOn: '2020-05-01', helperIds: [ctx.county.members.qiaoOther] });
    const load = (await qiao.get('/helper-workload')).json().items;
    // Paged like every list: one helper a page, the busiest first, each once, with the total.
    const first = (await qiao.get('/helper-workload?limit=1')).json();
    const second = (await qiao.get(`/helper-workload?limit=1&cursor=${first.nextCursor}`)).json();
    expect([first.total, [...first.items, ...second.items], second.nextCursor]).toEqual([2, load, null]);
    const crafted = Buffer.from(JSON.stringify({ v: 'x', id: 'a' })).toString('base64url');
    expect((await qiao.get(`/helper-workload?cursor=${crafted}`)).json().code).toBe('invalid_cursor');
    expect(load[0]).toMatchObject({
      memberId: ctx.county.members.qiaoOther,
      households: 2,
      primaries: 1,
      stacked: 1,
      assisted: 2,
      visits90d: 1,
      lastVisitOn: today,
    });
    expect(load[1]).toMatchObject({
      memberId: ctx.county.members.qiaoSecretary,
      households: 1,
      primaries: 1,
      stacked: 0,
      visits90d: 0,
      lastVisitOn: null,
    });
  });

  it('yearly thresholds are set by the county, audited, and apply from their year on', async () => {
    const admin = await ctx.user('admin');
    const qiao = await ctx.user('qiaoduan');
    expect((await qiao.get('/settings?year=2020')).json().values).toMatchObject({
      poverty_line: 4000,
      monitoring_line: 6000,
      exit_notice_days: 7,
      rigid_spending_ratio: 1,
    });
    expect((await qiao.put('/settings?year=2020', { poverty_line: 4100 })).statusCode).toBe(403);
    // The reply says who may set them, as the server decides it.
    expect([
      (await qiao.get('/settings?year=2020')).json().abilities,
      (await admin.get('/settings?year=2020')).json().abilities,
    ]).toEqual([{ set: false }, { set: true }]);
    expect((await admin.put('/settings?year=2020', { exit_notice_days: 2 })).statusCode).toBe(400);
    const r = await admin.put('/settings?year=2020', { poverty_line: 4100, monitoring_line: 6150 });
    expect(r.statusCode, r.body).toBe(200);
    expect((await qiao.get('/settings?year=2021')).json().values).toMatchObject({
      poverty_line: 4100,
      monitoring_line: 6150,
    });
    expect((await qiao.get('/settings?year=2019')).json().values.poverty_line).toBe(4000);
  });
});

describe('DOMAIN §6, §7, §9a: settings have floors from the rules and sane ranges', () => {
  const ctx = useCounty();

  it('the exit notice is at least 7 days, the monitoring notice at least 5, the lines within range and the monitoring line not below the poverty line; a refused change changes nothing', async () => {
    const admin = await ctx.user('admin');
    const refused = async (body: object, code = 'validation_failed') => {
      const r = await admin.put('/settings?year=2020', body);
      expect([r.statusCode, r.json().code], JSON.stringify(body)).toEqual([400, code]);
      return r.json();
    };
    expect((await refused({ exit_notice_days: 6 })).errors[0]).toMatchObject({
      path: 'body.exit_notice_days',
      message: '不能少于 7 天',
    });
    await refused({ monitoring_notice_days: 4 });
    expect((await refused({ poverty_line: 1000 })).errors[0].message).toBe('不能少于 2300 元');
    await refused({ poverty_line: 50_000 });
    await refused({ monitoring_line: 3900 }, 'monitoring_line_below_poverty_line');
    await refused({ poverty_line: 6500 }, 'monitoring_line_below_poverty_line');
    expect(await ctx.t.db.db.selectFrom('settings').selectAll().execute()).toEqual([]);
    const set = await admin.put('/settings?year=2020', {
      exit_notice_days: 7,
      monitoring_notice_days: 5,
      poverty_line: 4000,
      monitoring_line: 6000,
    });
    expect(set.statusCode, set.body).toBe(200);
  });
});

describe('DOMAIN §5: exporting the register', () => {
  const ctx = useCounty();

  it('the export is masked (no clear ID or phone, no health), formula-safe, scoped and audited', async () => {
    const qiao = await ctx.user('qiaoduan');
    const id = await registerHousehold(qiao, { address: '=HYPERLINK("http://x.example","点我")' });
    const detail = (await qiao.post(`/households/${id}/unmask`, { reason: '核对导出' })).json();
    const res = await exported(qiao, 'households', {});
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const households = wb.getWorksheet('建档立卡户') as ExcelWorksheet;
    const people = wb.getWorksheet('家庭成员') as ExcelWorksheet;
    expect(households.rowCount).toBe(2);
    const address = households.getRow(2).getCell(5);
    expect(address.type).toBe(ExcelJS.ValueType.String);
    expect(address.value).toBe('=HYPERLINK("http://x.example","点我")');
    expect(people.rowCount).toBe(4);
    const text = JSON.stringify(people.getSheetValues());
    for (const p of detail.people as { idNumber: string; phone: string | null }[]) {
      expect(text).not.toContain(p.idNumber);
      if (p.phone) expect(text).not.toContain(p.phone);
    }
    expect(people.getRow(2).getCell(8).value).toMatch(/^4113\*{10}\w{4}$/);
    expect(people.getRow(2).getCell(9).value).toBe('139****5678');
    expect(text).not.toContain('重病');
    const audit = await ctx.t.db.db
      .selectFrom('audit_events')
      .select('action')
      .where('action', '=', 'household.export')
      .execute();
    expect(audit).toHaveLength(1);

    const theirs = await exported(await ctx.user('chengjiao'), 'households', {});
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(theirs.rawPayload as unknown as ArrayBuffer);
    expect((wb2.getWorksheet('建档立卡户') as ExcelWorksheet).rowCount).toBe(1);
  });
});
