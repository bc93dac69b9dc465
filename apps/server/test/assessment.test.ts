import { describe, expect, it } from 'vitest';
import { addDays, todayInShanghai } from '@lianjian/shared';
import { newId } from '../src/lib/ids.ts';
import { computeCounties } from '../src/modules/assessment/counties.ts';
import { nameInitials } from '../src/lib/pinyin.ts';
import { PASSWORD, addNeighbourCounty } from './factories.ts';
import { login, sessionHeaders } from './helpers.ts';
import { registerHousehold } from './households-fixture.ts';
import { useCounty } from './setup-county.ts';

const INDICATORS = [
  {
    key: 'meetings',
    dimension: 'political',
    name: '按期开会',
    weight: 10,
    method: 'computed',
    metric: 'meetings_held',
    target: 6,
  },
  {
    key: 'study',
    dimension: 'political',
    name: '学习',
    weight: 10,
    method: 'computed',
    metric: 'study_sessions',
    target: 2,
  },
  {
    key: 'attendance',
    dimension: 'political',
    name: '出席率',
    weight: 10,
    method: 'computed',
    metric: 'attendance_rate',
    target: 1,
  },
  {
    key: 'on_time',
    dimension: 'role',
    name: '按期销号率',
    weight: 15,
    method: 'computed',
    metric: 'items_closed_on_time_rate',
    target: 1,
  },
  {
    key: 'reopen',
    dimension: 'role',
    name: '重开率',
    weight: 5,
    method: 'computed',
    metric: 'reopen_rate',
    target: 0.5,
  },
  {
    key: 'confirmed',
    dimension: 'role',
    name: '群众确认',
    weight: 10,
    method: 'computed',
    metric: 'resident_confirmed_rate',
    target: 1,
  },
  {
    key: 'visits',
    dimension: 'role',
    name: '户均走访',
    weight: 10,
    method: 'computed',
    metric: 'visits_per_assisted_household',
    target: 3,
  },
  {
    key: 'exited',
    dimension: 'results',
    name: '脱贫户数',
    weight: 10,
    method: 'computed',
    metric: 'households_exited',
    target: 2,
  },
  {
    key: 'gaps',
    dimension: 'results',
    name: '帮扶缺口',
    weight: 5,
    method: 'computed',
    metric: 'coverage_gaps',
    target: 4,
  },
  {
    key: 'findings',
    dimension: 'results',
    name: '督查发现',
    weight: 5,
    method: 'computed',
    metric: 'supervision_findings',
    target: 4,
  },
  { key: 'satisfaction', dimension: 'results', name: '满意度', weight: 10, method: 'scored' },
];
const round2 = (n: number) => Math.round(n * 100) / 100;

describe('DOMAIN §9: supervision, tiered ledgers, rectification', () => {
  const ctx = useCounty();

  /** Two more branches in 乔端镇 with no records (they tie), so that the township tier has three rows. */
  const moreBranches = async () => {
    const { qiaoGb } = ctx.county.orgs;
    const ids: string[] = [];
    for (const name of ['西庄村联建临时党支部', '东乔村产业临时党支部']) {
      const id = newId();
      await ctx.t.db.db
        .insertInto('temporary_orgs')
        .values({
          id,
          name,
          name_initials: nameInitials(name),
          level: 'branch',
          kind: 'regular',
          parent_id: qiaoGb.id,
          path: `${qiaoGb.path}${id}/`,
          mode: 'joint_building',
          anchor_type: 'village_cluster',
          anchor_name: name,
          mission: '测试',
          region_code: '411321106',
          approving_party_org_id: ctx.county.partyOrgs.qiao,
          approving_org_id: null,
          approved_on: '2019-06-01',
          approval_doc_no: '测〔2019〕1号',
          established_on: '2019-06-01',
          planned_end_on: null,
          dissolved_on: null,
          status: 'active',
          version: 1,
          created_at: 'x',
          updated_at: 'x',
        })
        .execute();
      ids.push(id);
    }
    return ids;
  };

  /** The households just registered were on the register before the year assessed: a ledger counts them as of its end. */
  const registeredBefore2020 = () =>
    ctx.t.db.db.updateTable('households').set({ created_at: '2019-01-01T00:00:00.000Z' }).execute();
  const putScheme = async (tier: 'county' | 'township', over: Record<string, unknown> = {}) => {
    const admin = await ctx.user('admin');
    return admin.put('/assessment-schemes', {
      year: 2020,
      tier,
      name: '2020年度考核',
      indicators: INDICATORS,
      ...over,
    });
  };

  it('indicator weights must sum to 100, and only the county sets the scheme', async () => {
    const bad = await putScheme('township', {
      indicators: INDICATORS.map((i, n) => (n === 0 ? { ...i, weight: 9 } : i)),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('weights_not_100');
    expect((await putScheme('township', { dailyWeight: 50, finalWeight: 60 })).json().code).toBe('weights_not_100');
    expect(
      (
        await putScheme('township', {
          indicators: INDICATORS.map((i) => (i.key === 'gaps' ? { ...i, target: undefined } : i)),
        })
      ).statusCode,
    ).toBe(400);
    const qiao = await ctx.user('qiaoduan');
    expect(
      (await qiao.put('/assessment-schemes', { year: 2020, tier: 'township', name: 'x', indicators: INDICATORS }))
        .statusCode,
    ).toBe(403);
    expect((await putScheme('township')).statusCode).toBe(200);
    const got = (await qiao.get('/assessment-schemes?year=2020')).json();
    expect(got.items[0]).toMatchObject({
      tier: 'township',
      dailyWeight: 40,
      finalWeight: 60,
      cutoffs: { good: 90, fair: 75, average: 60 },
    });
    expect(got.template.reduce((s: number, i: { weight: number }) => s + i.weight, 0)).toBe(100);
    // The year's schemes page by tier like every list, each page with the template.
    expect((await putScheme('county')).statusCode).toBe(200);
    const first = (await qiao.get('/assessment-schemes?year=2020&limit=1')).json();
    expect(first).toMatchObject({ total: 2, items: [{ tier: 'county' }] });
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (
      await qiao.get(`/assessment-schemes?year=2020&limit=1&cursor=${encodeURIComponent(first.nextCursor)}`)
    ).json();
    expect(second).toMatchObject({ total: 2, nextCursor: null, items: [{ tier: 'township' }] });
    expect(second.template).toEqual(got.template);
  });

  it('every computed indicator matches a hand-built record; ties share a rank; the stored ledger reproduces after the records change', async () => {
    const qiao = await ctx.user('qiaoduan');
    const baihe = await ctx.user('baihe');
    const { qiaoBranch, qiaoGroup } = ctx.county.orgs;
    const { qiaoSecretary, qiaoOther } = ctx.county.members;
    await moreBranches();
    expect((await putScheme('township')).statusCode).toBe(200);

    // Organizational life: 3 meetings (2 branch, 1 group) and 1 study session; 6 of 7 expected present.
    const meet = (o: object) =>
      baihe.post('/activities', {
        orgId: qiaoBranch.id,
        kind: 'branch_meeting',
        place: '服务中心',
        topic: '会议',
        ...o,
      });
    expect(
      (await meet({ heldOn: '2020-02-10', attendance: [{ memberId: qiaoSecretary, status: 'present' }] })).statusCode,
    ).toBe(201);
    await meet({
      heldOn: '2020-03-10',
      attendance: [
        { memberId: qiaoSecretary, status: 'present' },
        { memberId: qiaoOther, status: 'present' },
      ],
    });
    await meet({
      orgId: qiaoGroup.id,
      kind: 'group_meeting',
      heldOn: '2020-03-12',
      attendance: [{ memberId: qiaoSecretary, status: 'present' }],
    });
    await meet({
      kind: 'study_session',
      heldOn: '2020-04-10',
      attendance: [
        { memberId: qiaoSecretary, status: 'present' },
        { memberId: qiaoOther, status: 'present' },
      ],
    });
    // A meeting outside the period does not count.
    await meet({ heldOn: '2019-12-20' });

    // Items: 3 closed in 2020 (2 on time, 1 late and reopened), 2 confirmed by residents; 1 still open.
    const list = await baihe.post('/problem-lists', {
      orgId: qiaoBranch.id,
      title: '测试清单',
      listedOn: '2020-02-01',
      items: ['甲', '乙', '丙', '丁'].map((p) => ({ problem: `问题${p}`, category: 'electricity' })),
    });
    expect(list.statusCode, list.body).toBe(201);
    const [a, b, c] = list.json().itemIds as string[];
    const close = (id: string, closedAt: string, due: string | null, extra: object = {}) =>
      ctx.t.db.db
        .updateTable('items')
        .set({ status: 'closed', closed_at: `${closedAt}T03:00:00.000Z`, due_on: due, ...extra })
        .where('id', '=', id)
        .execute();
    // On time is by the one deadline, electricity's 5 working days after the list's day (the Spring Festival holiday
    // ran to 2 Feb 2020) or an earlier date staff set: 甲 closed on its fifth working day, 7 Feb, six calendar days
    // on; 乙 closed in April, late, though the date staff set said May; 丙 on its third.
    await close(a as string, '2020-02-07', null, { resident_confirmed_at: '2020-03-02T00:00:00Z' });
    await close(b as string, '2020-04-20', '2020-05-10', { reopened_count: 1 });
    await close(c as string, '2020-02-05', null, { resident_confirmed_at: '2020-05-03T00:00:00Z' });

    // Households in 穆老庄村: one assisted with 3 visits in 2020, one assisted without a primary helper, one exited in 2020.
    // (Poor for want of skills: no coverage rule asks it for a doctor or a teacher, so its only possible gap is a primary helper.)
    const h1 = await registerHousehold(qiao, { primaryCause: 'lack_of_skills' });
    const h2 = await registerHousehold(qiao);
    const h3 = await registerHousehold(qiao);
    await registeredBefore2020();
    await qiao.post(`/households/${h1}/helpers`, {
      memberId: qiaoOther,
      role: 'cadre',
      primary: true,
      reason: '结对',
      startOn: '2019-10-01',
    });
    for (const on of ['2020-03-01', '2020-06-01', '2020-09-01', '2019-11-01']) {
      expect((await qiao.post(`/households/${h1}/visits`, { visitedOn: on, helperIds: [qiaoOther] })).statusCode).toBe(
        201,
      );
    }
    // The third is visited once in spring and announced out of poverty in October: helped, and visited, in 2020.
    await qiao.post(`/households/${h3}/helpers`, {
      memberId: qiaoOther,
      role: 'cadre',
      primary: true,
      reason: '结对',
      startOn: '2019-10-01',
    });
    expect(
      (await qiao.post(`/households/${h3}/visits`, { visitedOn: '2020-04-01', helperIds: [qiaoOther] })).statusCode,
    ).toBe(201);
    await ctx.t.db.db
      .updateTable('households')
      .set({ status: 'exited', exit_year: 2020, exited_on: '2020-10-20' })
      .where('id', '=', h3)
      .execute();
    void h2;

    // Supervision: two findings, −5 and +2 points on the daily score; an assessor scores satisfaction 80.
    const supervisor = await ctx.user('supervisor');
    for (const [on, effect] of [
      ['2020-05-05', -5],
      ['2020-08-05', 2],
    ] as const) {
      const s = await supervisor.post('/supervision-records', {
        kind: 'organizational',
        orgId: qiaoBranch.id,
        supervisedOn: on,
        backdateReason: '补录',
        supervisor: '县委督查组',
        findings: `督查${on}`,
        indicator: 'meetings',
        scoreEffect: effect,
      });
      expect(s.statusCode, s.body).toBe(201);
    }
    const schemeId = (await qiao.get('/assessment-schemes?year=2020')).json().items[0].id;
    expect(
      (
        await (
          await ctx.user('admin')
        ).post('/assessor-scores', {
          schemeId,
          indicatorKey: 'satisfaction',
          orgId: qiaoBranch.id,
          score: 80,
          evidence: '入户测评30户',
        })
      ).statusCode,
    ).toBe(204);

    const computed = await qiao.post('/ledgers', { year: 2020, tier: 'township' });
    expect(computed.statusCode, computed.body).toBe(201);
    const ledger = (await qiao.get(`/ledgers/${computed.json().id}`)).json();
    expect(ledger).toMatchObject({
      tier: 'township',
      scopeCode: '411321106',
      periodFrom: '2020-01-01',
      periodTo: '2020-12-31',
      version: 1,
    });
    const row = ledger.items.find((r: { orgId: string }) => r.orgId === qiaoBranch.id);
    const cell = (k: string) => row.cells.find((x: { key: string }) => x.key === k);
    // value → score, worked out by hand.
    const expected: Record<string, [number, number]> = {
      meetings: [3, 50], // 3 of a target of 6
      study: [1, 50], // 1 of 2
      attendance: [round2(6 / 7), round2((6 / 7) * 100)], // 6 of 7 expected present
      on_time: [round2(2 / 3), round2((2 / 3) * 100)], // 2 of 3 closed by their one deadline (甲, 丙)
      reopen: [round2(1 / 3), round2((1 - 1 / 3 / 0.5) * 100)], // 1 of 3 reopened; none at 0.5
      confirmed: [round2(2 / 3), round2((2 / 3) * 100)],
      // 4 visits in 2020 over the 3 households helped that year (the one that left in October counts), target 3
      visits: [round2(4 / 3), round2((4 / 3 / 3) * 100)],
      exited: [1, 50], // 1 exited in 2020, target 2
      gaps: [1, 75], // 1 household without a primary helper; none at 4
      findings: [2, 50], // 2 findings; none at 4
      satisfaction: [80, 80],
    };
    for (const [k, [value, score]] of Object.entries(expected))
      expect([k, cell(k).value, cell(k).score]).toEqual([k, value, score]);
    expect(cell('meetings').evidence).toHaveLength(3);
    expect(cell('findings').evidence.map((e: { label: string }) => e.label)).toEqual([
      '2020-05-05 督查2020-05-05（-5 分）',
      '2020-08-05 督查2020-08-05（+2 分）',
    ]);
    const yearEnd = round2(
      INDICATORS.reduce((s, ind) => s + (ind.weight * (expected[ind.key] as [number, number])[1]) / 100, 0),
    );
    expect(row).toMatchObject({
      yearEnd,
      daily: 97,
      total: round2((40 * 97 + 60 * yearEnd) / 100),
      grade: 'fair',
      rank: 1,
    });
    // The two empty branches: full marks only where lower is better; the same total, the same rank.
    const others = ledger.items.filter((r: { orgId: string }) => r.orgId !== qiaoBranch.id);
    expect(
      others.map((r: { yearEnd: number; total: number; rank: number; grade: string }) => [
        r.yearEnd,
        r.total,
        r.rank,
        r.grade,
      ]),
    ).toEqual([
      [15, 49, 2, 'poor'],
      [15, 49, 2, 'poor'],
    ]);

    // The records change: the stored ledger still reproduces; a new run is a new version with the new result.
    await supervisor.post('/supervision-records', {
      kind: 'discipline',
      orgId: qiaoBranch.id,
      supervisedOn: '2020-10-01',
      backdateReason: '补录',
      supervisor: '县纪委',
      findings: '台账不全',
      indicator: 'meetings',
      scoreEffect: -10,
    });
    const again = (await qiao.get(`/ledgers/${computed.json().id}/reproduce`)).json();
    expect(again.identical).toBe(true);
    expect(again.items.find((r: { orgId: string }) => r.orgId === qiaoBranch.id).daily).toBe(97);
    const v2 = await qiao.post('/ledgers', { year: 2020, tier: 'township' });
    const second = (await qiao.get(`/ledgers/${v2.json().id}`)).json();
    expect(second.version).toBe(2);
    expect(second.items.find((r: { orgId: string }) => r.orgId === qiaoBranch.id).daily).toBe(87);
    expect(
      (await qiao.get(`/ledgers/${computed.json().id}`))
        .json()
        .items.find((r: { orgId: string }) => r.orgId === qiaoBranch.id).daily,
    ).toBe(97);
    expect((await qiao.get('/ledgers?year=2020')).json().items).toHaveLength(2);

    // Tilts for the well graded only.
    const admin = await ctx.user('admin');
    // The first version graded the branch 较好: a tilt is recorded; the second graded it 一般 (no tilt).
    // A tilt rewards a grade: decided after the assessed period, never after today (DOMAIN §9a).
    const tilt = (decidedOn: string) => ({
      ledgerId: computed.json().id,
      orgId: qiaoBranch.id,
      amountYuan: 50000,
      purpose: '党建工作经费',
      approver: '县委组织部',
      decidedOn,
    });
    expect((await admin.post('/tilts', tilt('2020-06-30'))).json().code).toBe('date_before_record');
    expect((await admin.post('/tilts', tilt(addDays(todayInShanghai(), 1)))).json().code).toBe('date_in_future');
    expect(
      (
        await admin.post('/tilts', {
          ledgerId: computed.json().id,
          orgId: qiaoBranch.id,
          amountYuan: 50000,
          purpose: '党建工作经费',
          approver: '县委组织部',
          decidedOn: '2021-01-10',
        })
      ).statusCode,
    ).toBe(201);
    expect(second.items.find((r: { orgId: string }) => r.orgId === qiaoBranch.id).grade).toBe('average');
    expect(
      (
        await admin.post('/tilts', {
          ledgerId: v2.json().id,
          orgId: qiaoBranch.id,
          amountYuan: 1,
          purpose: 'x',
          approver: 'x',
          decidedOn: '2021-01-10',
        })
      ).json().code,
    ).toBe('not_well_graded');
    const poor = others[0].orgId;
    expect(
      (
        await admin.post('/tilts', {
          ledgerId: v2.json().id,
          orgId: poor,
          amountYuan: 1,
          purpose: 'x',
          approver: 'x',
          decidedOn: '2021-01-10',
        })
      ).json().code,
    ).toBe('not_well_graded');
  });

  it("群众满意度 is the mean of the stars residents gave in the period on the organization's items, by the Shanghai day", async () => {
    const baihe = await ctx.user('baihe');
    const qiao = await ctx.user('qiaoduan');
    const { qiaoBranch } = ctx.county.orgs;
    const indicators = [
      ...INDICATORS.filter((i) => i.key !== 'satisfaction'),
      {
        key: 'rated',
        dimension: 'results',
        name: '群众满意度',
        weight: 10,
        method: 'computed',
        metric: 'resident_satisfaction',
        target: 5,
      },
    ];
    expect((await putScheme('township', { indicators })).statusCode).toBe(200);
    const list = await baihe.post('/problem-lists', {
      orgId: qiaoBranch.id,
      title: '评价清单',
      listedOn: '2020-02-01',
      items: ['甲', '乙', '丙', '丁'].map((p) => ({ problem: `评价${p}`, category: 'roads' })),
    });
    expect(list.statusCode, list.body).toBe(201);
    const [a, b, c, d] = list.json().itemIds as string[];
    const rate = (id: string | undefined, stars: number | null, at: string | null) =>
      ctx.t.db.db
        .updateTable('items')
        .set({
          status: 'closed',
          closed_at: '2020-03-01T03:00:00.000Z',
          resident_rating: stars,
          resident_rated_at: at,
        })
        .where('id', '=', id as string)
        .execute();
    await rate(a, 5, '2020-03-05T02:00:00.000Z');
    // 23:30 on the last day of the year in Shanghai: in the period. Half past midnight on New Year's Day: not.
    await rate(b, 4, '2020-12-31T15:30:00.000Z');
    await rate(c, 1, '2020-12-31T16:30:00.000Z');
    await rate(d, null, null);

    const computed = await qiao.post('/ledgers', { year: 2020, tier: 'township' });
    expect(computed.statusCode, computed.body).toBe(201);
    const ledger = (await qiao.get(`/ledgers/${computed.json().id}`)).json();
    const cell = ledger.items
      .find((r: { orgId: string }) => r.orgId === qiaoBranch.id)
      .cells.find((x: { key: string }) => x.key === 'rated');
    expect([cell.value, cell.score]).toEqual([4.5, 90]);
    expect(cell.evidence.map((e: { label: string }) => e.label)).toEqual(['评价甲（★★★★★）', '评价乙（★★★★）']);
  });

  it('a township sees its own ledger; the county sees both tiers', async () => {
    await putScheme('township');
    await putScheme('county');
    const qiao = await ctx.user('qiaoduan');
    const admin = await ctx.user('admin');
    const town = (await qiao.post('/ledgers', { year: 2020, tier: 'township' })).json().id;
    expect((await qiao.post('/ledgers', { year: 2020, tier: 'county' })).statusCode).toBe(404);
    expect((await qiao.post('/ledgers', { year: 2020, tier: 'township', scopeCode: '411321300' })).statusCode).toBe(
      400,
    );
    const county = await admin.post('/ledgers', { year: 2020, tier: 'county' });
    expect(county.statusCode).toBe(201);
    const countyLedger = (await admin.get(`/ledgers/${county.json().id}`)).json();
    // The county ledger: general branches and special-task branches.
    expect(countyLedger.items.map((r: { orgName: string }) => r.orgName).sort()).toEqual(
      ['乔端镇临时党总支', '县酵素产业临时党支部', '城郊乡临时党总支'].sort(),
    );
    expect((await admin.post('/ledgers', { year: 2020, tier: 'township', scopeCode: '411321300' })).statusCode).toBe(
      201,
    );
    expect((await admin.get('/ledgers?year=2020')).json().items).toHaveLength(3);
    expect((await qiao.get('/ledgers?year=2020')).json().items.map((l: { id: string }) => l.id)).toEqual([town]);
    expect((await qiao.get(`/ledgers/${county.json().id}`)).statusCode).toBe(404);
    const cheng = await ctx.user('chengjiao');
    expect((await cheng.get(`/ledgers/${town}`)).statusCode).toBe(404);
    // Supervision within scope only: 城郊乡 neither writes nor reads 乔端镇's.
    const sup = {
      kind: 'sector',
      orgId: ctx.county.orgs.qiaoBranch.id,
      supervisedOn: '2020-06-01',
      backdateReason: '补录',
      supervisor: '县扶贫办',
      findings: '台账不全',
    };
    expect((await cheng.post('/supervision-records', sup)).statusCode).toBe(404);
    expect((await (await ctx.user('supervisor')).post('/supervision-records', sup)).statusCode).toBe(201);
    expect((await cheng.get('/supervision-records')).json().items).toEqual([]);
    expect((await qiao.get('/supervision-records')).json().items).toHaveLength(1);
    // A supervision record is dated while the organization exists and never after today; a past day needs a reason.
    const supervisor = await ctx.user('supervisor');
    const on = async (supervisedOn: string, extra: object = {}) =>
      (
        await supervisor.post('/supervision-records', { ...sup, supervisedOn, backdateReason: undefined, ...extra })
      ).json().code;
    expect(await on('2030-01-01')).toBe('date_in_future');
    expect(await on('2019-01-01', { backdateReason: '补录' })).toBe('date_before_previous_step');
    expect(await on('2020-06-02')).toBe('backdate_reason_required');
    expect((await qiao.get('/supervision-records')).json().items).toHaveLength(1);
    const cookie = await login(ctx.t.app, 'qiaoduan', PASSWORD);
    const xlsx = await ctx.t.app.inject({
      method: 'GET',
      url: `/api/v1/ledgers/${town}/export.xlsx`,
      headers: sessionHeaders(cookie),
    });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
  });

  it('a ledger says what its reader may do, as the server decides it: the county and the township compute and act, the supervisor reads', async () => {
    await putScheme('township');
    const qiao = await ctx.user('qiaoduan');
    const town = (await qiao.post('/ledgers', { year: 2020, tier: 'township' })).json().id;
    const abilities = async (who: 'qiaoduan' | 'admin' | 'supervisor') =>
      (await (await ctx.user(who)).get(`/ledgers/${town}`)).json().abilities;
    expect(await abilities('qiaoduan')).toEqual({ compute: true, score: true, consequences: true });
    expect(await abilities('admin')).toEqual({ compute: true, score: true, consequences: true });
    expect(await abilities('supervisor')).toEqual({ compute: false, score: false, consequences: false });
    // As said: the supervisor's attempt is refused.
    const supervisor = await ctx.user('supervisor');
    expect(
      (await supervisor.post('/ledgers', { year: 2020, tier: 'township', scopeCode: '411321106' })).statusCode,
    ).toBe(403);
  });

  it("in one ledger each organization counts the households of its own places: a special-task branch the county's, a general branch its township's", async () => {
    await putScheme('county');
    const qiao = await ctx.user('qiaoduan');
    const cheng = await ctx.user('chengjiao');
    const { qiaoOther } = ctx.county.members;
    // 乔端镇: two assisted households, one with a primary helper and two visits in 2020; 城郊乡: one, not visited.
    const q1 = await registerHousehold(qiao, { primaryCause: 'lack_of_skills' });
    await registerHousehold(qiao);
    await registerHousehold(cheng, { regionCode: '411321300214', address: '城郊乡一组' });
    await registeredBefore2020();
    await qiao.post(`/households/${q1}/helpers`, {
      memberId: qiaoOther,
      role: 'cadre',
      primary: true,
      reason: '结对',
      startOn: '2019-10-01',
    });
    for (const on of ['2020-03-01', '2020-06-01'])
      expect((await qiao.post(`/households/${q1}/visits`, { visitedOn: on, helperIds: [qiaoOther] })).statusCode).toBe(
        201,
      );
    const admin = await ctx.user('admin');
    const computed = await admin.post('/ledgers', { year: 2020, tier: 'county' });
    expect(computed.statusCode, computed.body).toBe(201);
    const ledger = (await admin.get(`/ledgers/${computed.json().id}`)).json();
    const cells = (orgName: string) => {
      const row = ledger.items.find((r: { orgName: string }) => r.orgName === orgName);
      const value = (k: string) => row.cells.find((x: { key: string }) => x.key === k).value;
      return {
        visits: value('visits'),
        gaps: value('gaps'),
        households: row.cells.find((x: { key: string }) => x.key === 'visits').evidence.length,
      };
    };
    expect(cells('县酵素产业临时党支部')).toEqual({ visits: round2(2 / 3), gaps: 2, households: 3 });
    expect(cells('乔端镇临时党总支')).toEqual({ visits: 1, gaps: 1, households: 2 });
    expect(cells('城郊乡临时党总支')).toEqual({ visits: 0, gaps: 1, households: 1 });
  });

  it('the whole county at once: the county tier and each township with branches, each equal to the ledger computed alone', async () => {
    await putScheme('township');
    await putScheme('county');
    const qiao = await ctx.user('qiaoduan');
    const admin = await ctx.user('admin');
    await registerHousehold(qiao);
    expect((await qiao.post('/ledgers/county', { year: 2020 })).statusCode).toBe(403);
    expect((await admin.post('/ledgers/county', { year: 2019 })).json().code).toBe('scheme_missing');
    const all = await admin.post('/ledgers/county', { year: 2020 });
    expect(all.statusCode, all.body).toBe(201);
    const batch = await Promise.all(
      all.json().ids.map(async (id: string) => (await admin.get(`/ledgers/${id}`)).json()),
    );
    // The county tier, 乔端镇 and 城郊乡 (the townships with branches).
    expect(batch.map((l) => `${l.tier}:${l.scopeCode}`).sort()).toEqual([
      'county:411321',
      'township:411321106',
      'township:411321300',
    ]);
    for (const l of batch) {
      const alone = await admin.post('/ledgers', {
        year: 2020,
        tier: l.tier,
        ...(l.tier === 'township' ? { scopeCode: l.scopeCode } : {}),
      });
      const single = (await admin.get(`/ledgers/${alone.json().id}`)).json();
      expect(single.version).toBe(l.version + 1);
      expect(single.items).toEqual(l.items);
    }
    // One audit row per ledger: three from the batch, three computed alone.
    const audited = await ctx.t.db.db
      .selectFrom('audit_events')
      .select('entity_id')
      .where('action', '=', 'assessment.ledger')
      .execute();
    expect(audited.map((a) => a.entity_id)).toEqual(expect.arrayContaining(all.json().ids));
    expect(audited).toHaveLength(6);
  });

  it('the yearly run of a province computes each county with a scheme as its administrator would, and names the counties without one', async () => {
    await putScheme('township');
    await putScheme('county');
    await registerHousehold(await ctx.user('qiaoduan'));
    const db = ctx.t.db.db;
    await addNeighbourCounty(db);
    await db
      .insertInto('regions')
      .values({
        code: '411323',
        name: '西峡县',
        level: 'county',
        kind: '县',
        parent_code: null,
        name_initials: nameInitials('西峡县'),
        source: 'official',
      })
      .execute();
    expect(await computeCounties(db, ctx.t.app.auditTrail, ctx.t.db.dialect, { year: 2019, region: '41' })).toEqual({
      counties: 0,
      ledgers: 0,
      withoutScheme: ['411321', '411322', '411323'],
    });
    // 西峡县 has a county-tier scheme and no organizations yet: its ledger is computed, empty.
    const scheme = await db
      .selectFrom('assessment_schemes')
      .selectAll()
      .where('county_code', '=', '411321')
      .where('tier', '=', 'county')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('assessment_schemes')
      .values({ ...scheme, id: newId(), county_code: '411323' })
      .execute();
    const run = await computeCounties(db, ctx.t.app.auditTrail, ctx.t.db.dialect, {
      year: 2020,
      region: '41',
      concurrency: 3,
      requestId: 'test:ledgers',
    });
    expect(run).toEqual({ counties: 2, ledgers: 4, withoutScheme: ['411322'] });
    const stored = await db.selectFrom('ledgers').select(['tier', 'scope_code', 'version']).execute();
    expect(stored.map((l) => `${l.tier}:${l.scope_code}:${l.version}`).sort()).toEqual([
      'county:411321:1',
      'county:411323:1',
      'township:411321106:1',
      'township:411321300:1',
    ]);
    // Each ledger with its audit row, under the run's request.
    const audited = await db
      .selectFrom('audit_events')
      .select('request_id')
      .where('action', '=', 'assessment.ledger')
      .execute();
    expect(audited.map((a) => a.request_id)).toEqual(Array(4).fill('test:ledgers'));
    // The same ledgers as the county administrator's button.
    const admin = await ctx.user('admin');
    const button = await admin.post('/ledgers/county', { year: 2020 });
    for (const id of button.json().ids as string[]) {
      const l = (await admin.get(`/ledgers/${id}`)).json();
      const first = await db
        .selectFrom('ledgers')
        .select('rows_json')
        .where('tier', '=', l.tier)
        .where('scope_code', '=', l.scopeCode)
        .where('version', '=', 1)
        .executeTakeFirstOrThrow();
      expect(l.version).toBe(2);
      expect(JSON.parse(first.rows_json)).toEqual(
        JSON.parse(
          (await db.selectFrom('ledgers').select('rows_json').where('id', '=', id).executeTakeFirstOrThrow()).rows_json,
        ),
      );
    }
  });

  it('the cockpit shows the grades of the latest assessed year, and says which year, whichever ledger was computed last', async () => {
    await moreBranches();
    await putScheme('township');
    await putScheme('township', { year: 2019, name: '2019年度考核' });
    const qiao = await ctx.user('qiaoduan');
    const of2020 = (await qiao.post('/ledgers', { year: 2020, tier: 'township' })).json().id;
    // The 2019 ledger computed afterwards (a late correction) does not take the place of 2020's on the cockpit.
    expect((await qiao.post('/ledgers', { year: 2019, tier: 'township' })).statusCode).toBe(201);
    const rows = (await qiao.get(`/ledgers/${of2020}`)).json().items as {
      grade: 'good' | 'fair' | 'average' | 'poor';
    }[];
    const expected = { good: 0, fair: 0, average: 0, poor: 0 };
    for (const r of rows) expected[r.grade]++;
    const work = (await qiao.get('/stats/overview')).json().work;
    expect(work.grades).toEqual(expected);
    expect(work.gradesPeriod).toEqual({ from: '2020-01-01', to: '2020-12-31' });
  });

  it('an organization listed for rectification shows `rectification` until a review with every task done delists it', async () => {
    const [west] = await moreBranches();
    await putScheme('township');
    const qiao = await ctx.user('qiaoduan');
    // The 2020 ledger grades the branch with no records 差.
    const ledgerId = (await qiao.post('/ledgers', { year: 2020, tier: 'township' })).json().id;
    const listed = await qiao.post('/rectifications', {
      orgId: west,
      ledgerId,
      listedOn: '2021-01-15',
      reason: '2020年度考核为差',
      plan: '三个月内整改',
      tasks: ['补开党小组会', '建立走访台账'],
      deadline: '2021-04-15',
      responsible: '乔端镇党委副书记',
    });
    expect(listed.statusCode, listed.body).toBe(201);
    expect((await qiao.get(`/orgs/${west}`)).json().status).toBe('rectification');
    expect(
      (
        await qiao.post('/rectifications', {
          orgId: west,
          ledgerId,
          listedOn: '2021-01-16',
          reason: 'x',
          plan: 'x',
          tasks: ['x'],
          deadline: '2021-02-01',
          responsible: 'x',
        })
      ).json().code,
    ).toBe('illegal_transition');
    // Not back to active by the status switch: only by the review.
    const org = (await qiao.get(`/orgs/${west}`)).json();
    expect(
      (await qiao.post(`/orgs/${west}/transitions`, { to: 'active', reason: '整改完成', version: org.version })).json()
        .code,
    ).toBe('rectification_open');
    const id = listed.json().id;
    let r = (await qiao.get('/rectifications?status=listed')).json().items[0];
    expect(
      (
        await qiao.post(`/rectifications/${id}/delist`, { on: '2021-04-10', reviewNote: '复查', version: r.version })
      ).json().code,
    ).toBe('tasks_open');
    for (const i of [0, 1]) {
      r = (await qiao.get('/rectifications?status=listed')).json().items[0];
      expect((await qiao.post(`/rectifications/${id}/tasks/${i}`, { done: true, version: r.version })).statusCode).toBe(
        204,
      );
    }
    r = (await qiao.get('/rectifications?status=listed')).json().items[0];
    // A delisting, like the listing, is dated no later than today (DOMAIN §9a).
    expect(
      (
        await qiao.post(`/rectifications/${id}/delist`, {
          on: '2099-01-01',
          reviewNote: '预先摘牌',
          version: r.version,
        })
      ).json().code,
    ).toBe('date_in_future');
    expect(
      (
        await qiao.post('/rectifications', {
          orgId: west,
          ledgerId,
          listedOn: '2099-01-01',
          reason: 'x',
          plan: 'x',
          tasks: ['x'],
          deadline: '2099-02-01',
          responsible: 'x',
        })
      ).json().code,
    ).toBe('date_in_future');
    expect(
      (
        await qiao.post(`/rectifications/${id}/delist`, {
          on: '2021-04-10',
          reviewNote: '复查合格，摘牌',
          version: r.version,
        })
      ).statusCode,
    ).toBe(204);
    expect((await qiao.get(`/orgs/${west}`)).json().status).toBe('active');
    expect((await qiao.get('/rectifications?status=delisted')).json().items[0]).toMatchObject({
      status: 'delisted',
      delistedOn: '2021-04-10',
    });
    expect((await (await ctx.user('chengjiao')).get('/rectifications')).json().items).toEqual([]);
  });

  it('only an organization graded 差 is listed for rectification, unless a supervision finding requires it; a finding names an indicator of the scheme within its weight; nobody recommends action about themselves', async () => {
    const [west] = await moreBranches();
    // Cut-offs under which the branches with no records grade 较好, not 差.
    await putScheme('township', { cutoffs: { good: 90, fair: 40, average: 30 } });
    const qiao = await ctx.user('qiaoduan');
    const ledger = (
      await qiao.get(`/ledgers/${(await qiao.post('/ledgers', { year: 2020, tier: 'township' })).json().id}`)
    ).json();
    expect(ledger.items.find((r: { orgId: string }) => r.orgId === west).grade).toBe('fair');
    const listing = {
      orgId: west,
      listedOn: '2021-01-15',
      reason: '整顿',
      plan: '三个月内整改',
      tasks: ['补开党小组会'],
      deadline: '2021-04-15',
      responsible: '乔端镇党委副书记',
    };
    const refused = async (extra: object) => {
      const r = await qiao.post('/rectifications', { ...listing, ...extra });
      expect([r.statusCode, r.json().code], JSON.stringify(extra)).toEqual([409, 'rectification_not_warranted']);
    };
    await refused({});
    await refused({ ledgerId: ledger.id });
    expect((await qiao.get(`/orgs/${west}`)).json().status).toBe('active');

    // A supervision finding: its points belong to an indicator of the year's scheme and stay within its weight.
    const supervisor = await ctx.user('supervisor');
    const finding = {
      kind: 'organizational',
      orgId: west,
      supervisedOn: '2020-11-05',
      backdateReason: '补录',
      supervisor: '县委督查组',
      findings: '半年未开党小组会',
    };
    const code = async (extra: object) =>
      (await supervisor.post('/supervision-records', { ...finding, ...extra })).json().code;
    expect(await code({ indicator: 'made_up', scoreEffect: -50 })).toBe('unknown_indicator');
    expect(await code({ indicator: 'meetings', scoreEffect: -50 })).toBe('score_effect_beyond_weight');
    const noRectification = (
      await supervisor.post('/supervision-records', { ...finding, indicator: 'meetings', scoreEffect: -10 })
    ).json().id;
    await refused({ supervisionId: noRectification });
    const requiring = await supervisor.post('/supervision-records', {
      ...finding,
      rectification: '限期整顿组织生活',
      deadline: '2021-01-31',
    });
    expect(requiring.statusCode, requiring.body).toBe(201);
    // Its follow-up is dated between the supervision and today.
    const followUp = (on: string) =>
      supervisor.post(`/supervision-records/${requiring.json().id}/follow-up`, {
        text: '已召开组织生活会',
        on,
        version: 1,
      });
    expect((await followUp('2099-01-01')).json().code).toBe('date_in_future');
    expect((await followUp('2020-11-01')).statusCode).toBe(400);
    expect((await qiao.post('/rectifications', { ...listing, supervisionId: requiring.json().id })).statusCode).toBe(
      201,
    );
    expect((await qiao.get(`/orgs/${west}`)).json().status).toBe('rectification');

    // The branch secretary cannot file an organizational-action recommendation about himself.
    const baihe = await ctx.user('baihe');
    const self = await baihe.post('/recommendations', {
      kind: 'organizational_action',
      orgId: ctx.county.orgs.qiaoBranch.id,
      memberId: ctx.county.members.qiaoSecretary,
      text: '自己',
    });
    expect([self.statusCode, self.json().code]).toEqual([403, 'own_recommendation']);
    expect(await ctx.t.db.db.selectFrom('recommendations').select('id').execute()).toEqual([]);
  });

  it("a recommendation reaches the member's home organization and stays open until it answers", async () => {
    const baihe = await ctx.user('baihe');
    const qiao = await ctx.user('qiaoduan');
    const { qiaoBranch } = ctx.county.orgs;
    const filed = await baihe.post('/recommendations', {
      kind: 'duty_failure',
      orgId: qiaoBranch.id,
      memberId: ctx.county.members.qiaoOther,
      text: '连续三次无故缺席党小组会，建议所在支部批评教育',
    });
    expect(filed.statusCode, filed.body).toBe(201);
    expect(
      (
        await baihe.post('/recommendations', {
          kind: 'organizational_action',
          orgId: qiaoBranch.id,
          memberId: ctx.county.members.qiaoOther,
          text: 'x',
        })
      ).statusCode,
    ).toBe(400);
    const inbox = (await qiao.get('/recommendations?box=received')).json().items;
    expect(inbox).toMatchObject([
      { id: filed.json().id, answer: null, homePartyOrgName: '中共乔端镇供电所支部委员会' },
    ]);
    expect((await (await ctx.user('chengjiao')).get('/recommendations?box=received')).json().items).toEqual([]);
    expect(
      (await baihe.post(`/recommendations/${filed.json().id}/answer`, { accepted: true, text: 'x', version: 1 }))
        .statusCode,
    ).toBe(403);
    expect(
      (
        await qiao.post(`/recommendations/${filed.json().id}/answer`, {
          accepted: false,
          text: '经核实为抢修线路请假，不予处理',
          version: 1,
        })
      ).statusCode,
    ).toBe(204);
    expect((await baihe.get('/recommendations?box=sent')).json().items[0]).toMatchObject({
      answer: 'declined',
      answerText: '经核实为抢修线路请假，不予处理',
    });
  });
});
