import { addDays, todayInShanghai } from '@lianjian/shared';
import { describe, expect, it } from 'vitest';
import { registerHousehold } from './households-fixture.ts';
import { useCounty } from './setup-county.ts';

const today = todayInShanghai();
const ALL_MET = ['income', 'food', 'clothing', 'education', 'medical', 'housing', 'water'].map((criterion) => ({
  criterion,
  met: true,
  evidence: '入户核实',
}));

describe('DOMAIN §6, §7: the village notice board is public and shows names and outcomes only', () => {
  const ctx = useCounty();

  it('lists exits and monitoring in public notice and the village items, without ID, phone or health details', async () => {
    const qiao = await ctx.user('qiaoduan');
    const baihe = await ctx.user('baihe');
    // An exit in public notice.
    const h = await registerHousehold(qiao, { income: { wages: 16000, business: 0, transfer: 2000, property: 0 } });
    const app = (await qiao.post('/exit-applications', { householdId: h, source: 'household' })).json().id;
    for (const [to, extra] of [
      ['reviewed', {}],
      ['verified', { criteria: ALL_MET, verifier: { unitId: ctx.county.units.workTeam } }],
      ['acknowledged', {}],
      ['in_notice', {}],
    ] as const) {
      const version = (await qiao.get(`/exit-applications/${app}`)).json().version;
      expect((await qiao.post(`/exit-applications/${app}/transitions`, { to, version, ...extra })).statusCode).toBe(
        204,
      );
    }
    // A household identified for monitoring, in its village notice.
    const m = await registerHousehold(qiao, { primaryCause: 'disaster' });
    await ctx.t.db.db
      .updateTable('households')
      .set({ status: 'exited', exit_year: 2019 })
      .where('id', '=', m)
      .execute();
    const caseId = (
      await qiao.post('/monitoring-cases', {
        householdId: m,
        category: 'sudden_hardship',
        source: 'cadre_visit',
        risk: '房屋受灾',
      })
    ).json().id;
    for (const to of ['consented', 'in_notice']) {
      const version = (await qiao.get(`/monitoring-cases/${caseId}`)).json().version;
      expect((await qiao.post(`/monitoring-cases/${caseId}/transitions`, { to, version })).statusCode).toBe(204);
    }
    // Items of this village and of another (each placed by an organization that covers its village).
    await baihe.post('/problem-lists', {
      orgId: ctx.county.orgs.qiaoBranch.id,
      title: '穆老庄村问题清单',
      listedOn: '2020-08-01',
      items: [{ problem: '村口路灯不亮', category: 'roads', regionCode: '411321106200' }],
    });
    const other = await qiao.post('/problem-lists', {
      orgId: ctx.county.orgs.qiaoGb.id,
      title: '乔端镇问题清单',
      listedOn: '2020-08-01',
      items: [{ problem: '水晶河村饮水管破裂', category: 'water', regionCode: '411321106201' }],
    });
    expect(other.statusCode).toBe(201);

    const res = await ctx.t.app.inject({ method: 'GET', url: '/api/v1/public/villages/411321106200/board' });
    expect(res.statusCode).toBe(200);
    const board = res.json();
    expect(board).toMatchObject({ villageName: '穆老庄村', townshipName: '乔端镇' });
    expect(board.exits).toEqual([
      { headName: '赵大山', outcome: '拟退出贫困', noticeStartOn: today, noticeEndsOn: addDays(today, 7), daysLeft: 7 },
    ]);
    expect(board.monitoring).toEqual([
      {
        headName: '赵大山',
        outcome: '拟纳入防返贫监测',
        noticeStartOn: today,
        noticeEndsOn: addDays(today, 5),
        daysLeft: 5,
      },
    ]);
    expect(board.items.map((i: { problem: string }) => i.problem)).toEqual(['村口路灯不亮']);
    // Nothing a notice may not show: the family's other names, ID and phone numbers, health.
    const people = (await qiao.post(`/households/${h}/unmask`, { reason: '核对公示' })).json().people as {
      name: string;
      idNumber: string;
      phone: string | null;
    }[];
    for (const p of people.slice(1)) expect(res.body).not.toContain(p.name);
    for (const p of people) {
      expect(res.body).not.toContain(p.idNumber);
      if (p.phone) expect(res.body).not.toContain(p.phone);
    }
    for (const word of ['serious', '重病', 'idNumber', 'phone', '房屋受灾']) expect(res.body).not.toContain(word);
    expect(
      (await ctx.t.app.inject({ method: 'GET', url: '/api/v1/public/villages/411321106299/board' })).statusCode,
    ).toBe(404);
    expect((await ctx.t.app.inject({ method: 'GET', url: '/api/v1/public/villages/411321106/board' })).statusCode).toBe(
      400,
    );
  });
});
