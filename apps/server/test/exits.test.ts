import { describe, expect, it } from 'vitest';
import { idCheckChar } from '../src/lib/identity.ts';
import { useCounty } from './setup-county.ts';

let seq = 500;
const idNumber = (year: number) => {
  seq += 1;
  const first17 = `411321${year}0620${String(seq).slice(-3)}`;
  return first17 + idCheckChar(first17);
};

const ALL_MET = ['income', 'food', 'clothing', 'education', 'medical', 'housing', 'water'].map((criterion) => ({
  criterion,
  met: true,
  evidence: `${criterion}：入户核实`,
}));

describe('DOMAIN §6: the poverty-exit procedure', () => {
  const ctx = useCounty();

  const setup = async () => {
    const qiao = await ctx.user('qiaoduan');
    const household = await qiao.post('/households', {
      regionCode: '411321106200',
      address: '白河新村5号楼',
      primaryCause: 'illness',
      income: { wages: 12000, business: 0, transfer: 2400, property: 0 },
      waterSafe: true,
      people: [
        { name: '赵大海', relationship: '户主', gender: 'male', idNumber: idNumber(1968), health: 'healthy', labour: 'normal' },
        { name: '钱小红', relationship: '配偶', gender: 'female', idNumber: idNumber(1970), health: 'serious', labour: 'lost' },
        { name: '赵小军', relationship: '长子', gender: 'male', idNumber: idNumber(2006), health: 'healthy', labour: 'none', inSchool: true },
      ],
    });
    const householdId = household.json().id as string;
    await qiao.post(`/households/${householdId}/helpers`, { memberId: ctx.county.members.qiaoOther, role: 'cadre', primary: true, reason: '结对', startOn: '2019-01-01' });
    const app = await qiao.post('/exit-applications', { householdId, source: 'household', appliedOn: '2020-09-01' });
    expect(app.statusCode).toBe(201);
    const id = app.json().id as string;
    const step = async (to: string, on: string, extra: object = {}) => {
      const version = (await qiao.get(`/exit-applications/${id}`)).json().version;
      return qiao.post(`/exit-applications/${id}/transitions`, { to, on, version, ...extra });
    };
    return { qiao, householdId, id, step };
  };

  it('no step can be skipped or reordered', async () => {
    const { step } = await setup();
    for (const to of ['verified', 'acknowledged', 'in_notice', 'announced']) {
      const res = await step(to, '2020-09-05', { criteria: ALL_MET });
      expect(res.statusCode, to).toBe(409);
      expect(res.json().code).toBe('illegal_transition');
    }
    expect((await step('reviewed', '2020-09-05')).statusCode).toBe(204);
    expect((await step('in_notice', '2020-09-06')).json().code).toBe('illegal_transition');
  });

  it('verification records every criterion with evidence, and income against the year’s poverty line', async () => {
    const { step, qiao } = await setup();
    await step('reviewed', '2020-09-05');
    const partial = await step('verified', '2020-09-10', { criteria: ALL_MET.slice(0, 3) });
    expect(partial.statusCode).toBe(400);
    // The county raises the 2020 line above this household's 4,800 yuan per head.
    await ctx.t.db.db.insertInto('settings').values({ county_code: '411321', year: 2020, key: 'poverty_line', value: '5000' }).execute();
    const below = await step('verified', '2020-09-10', { criteria: ALL_MET });
    expect(below.json().code).toBe('income_below_line');
    await ctx.t.db.db.deleteFrom('settings').execute();
    const unmet = await step('verified', '2020-09-10', { criteria: ALL_MET.map((c) => (c.criterion === 'medical' ? { ...c, met: false } : c)) });
    expect(unmet.json().code).toBe('standard_not_met');
    expect((await step('verified', '2020-09-10', { criteria: ALL_MET })).statusCode).toBe(204);
    const app = (await qiao.get(`/exit-applications?householdId=${(await qiao.get('/households')).json().items[0].id}`)).json().items[0];
    expect(app.criteria).toHaveLength(7);
  });

  it('public notice lasts the configured days: announcing before it ends is refused; then the household is removed', async () => {
    const { step, qiao, householdId } = await setup();
    await step('reviewed', '2020-09-05');
    await step('verified', '2020-09-10', { criteria: ALL_MET });
    await step('acknowledged', '2020-09-11');
    expect((await step('in_notice', '2020-09-12')).statusCode).toBe(204);
    const early = await step('announced', '2020-09-18');
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('notice_period_not_over');
    expect((await step('announced', '2020-09-19')).statusCode).toBe(204);
    expect((await qiao.get(`/households/${householdId}`)).json()).toMatchObject({ status: 'exited', exitYear: 2020 });
  });

  it('the notice period is a setting: a county may require longer', async () => {
    await ctx.t.db.db.insertInto('settings').values({ county_code: '411321', year: 2020, key: 'exit_notice_days', value: '10' }).execute();
    const { step, qiao, id } = await setup();
    await step('reviewed', '2020-09-05');
    await step('verified', '2020-09-10', { criteria: ALL_MET });
    await step('acknowledged', '2020-09-11');
    await step('in_notice', '2020-09-12');
    expect((await qiao.get(`/exit-applications/${id}`)).json().noticeEndsOn).toBe('2020-09-22');
    expect((await step('announced', '2020-09-19')).json().code).toBe('notice_period_not_over');
  });

  it('an objection during notice sends the application back to verification', async () => {
    const { step, qiao, id } = await setup();
    await step('reviewed', '2020-09-05');
    await step('verified', '2020-09-10', { criteria: ALL_MET });
    await step('acknowledged', '2020-09-11');
    await step('in_notice', '2020-09-12');
    const version = (await qiao.get(`/exit-applications/${id}`)).json().version;
    expect((await qiao.post(`/exit-applications/${id}/objections`, { receivedOn: '2020-09-14', content: '其妻重病，收入不稳定', version })).statusCode).toBe(204);
    const app = (await qiao.get(`/exit-applications/${id}`)).json();
    expect(app).toMatchObject({ status: 'reviewed', criteria: null, noticeStartOn: null });
    expect(app.events.at(-1).text).toContain('异议');
  });

  it('any step can reject with a written reason; the household keeps its helpers and may apply again', async () => {
    const { step, qiao, householdId } = await setup();
    await step('reviewed', '2019-11-05');
    expect((await step('rejected', '2019-11-20')).statusCode).toBe(400);
    expect((await step('rejected', '2019-11-20', { reason: '收入不稳定：两人重病' })).statusCode).toBe(204);
    const household = (await qiao.get(`/households/${householdId}`)).json();
    expect(household.status).toBe('registered');
    expect(household.helpers.filter((h: { endOn: string | null }) => h.endOn === null)).toHaveLength(1);
    expect((await qiao.post('/exit-applications', { householdId, source: 'village', appliedOn: '2020-10-01' })).statusCode).toBe(201);
    expect((await qiao.post('/exit-applications', { householdId, source: 'village', appliedOn: '2020-10-02' })).json().code).toBe('application_open');
  });

  it("a township admin cannot see or move another township's exit applications", async () => {
    const { id } = await setup();
    const cheng = await ctx.user('chengjiao');
    expect((await cheng.get(`/exit-applications/${id}`)).statusCode).toBe(404);
    expect((await cheng.post(`/exit-applications/${id}/transitions`, { to: 'reviewed', on: '2020-09-05', version: 1 })).statusCode).toBe(404);
    expect((await cheng.get('/exit-applications')).json().items).toHaveLength(0);
  });

  it('the printable village notice shows names and outcome only, never ID, phone, bank or health details', async () => {
    const { step, qiao, householdId } = await setup();
    await step('reviewed', '2020-09-05');
    await step('verified', '2020-09-10', { criteria: ALL_MET });
    await step('acknowledged', '2020-09-12');
    expect((await step('in_notice', '2020-09-14')).statusCode).toBe(204);
    const res = await qiao.get('/exit-notices/411321106200');
    expect(res.statusCode).toBe(200);
    const notice = res.json();
    expect(notice).toMatchObject({ villageName: '穆老庄村', townshipName: expect.any(String) });
    expect(notice.items).toEqual([{ no: 1, headName: '赵大海', outcome: '拟退出贫困', noticeStartOn: '2020-09-14', noticeEndsOn: '2020-09-21', daysLeft: 0 }]);
    const unmasked = (await qiao.post(`/households/${householdId}/unmask`, { reason: '核对公示' })).json();
    for (const p of unmasked.people as { idNumber: string; name: string }[]) {
      expect(res.body).not.toContain(p.idNumber);
      expect(res.body).not.toContain(p.idNumber.slice(-4));
    }
    for (const word of ['钱小红', '赵小军', 'serious', '重病', 'phone', 'idNumber']) expect(res.body).not.toContain(word);
    // A village with no notice shows an empty notice; another township's village is not found.
    expect((await qiao.get('/exit-notices/411321106201')).json().items).toEqual([]);
    expect((await (await ctx.user('chengjiao')).get('/exit-notices/411321106200')).statusCode).toBe(404);
    expect((await qiao.get('/exit-applications?status=in_notice&regionCode=411321106')).json().items).toHaveLength(1);
  });
});
