import { addDays, todayInShanghai } from '@lianjian/shared';
import { describe, expect, it } from 'vitest';
import { idCheckChar } from '../src/lib/identity.ts';
import { earlier } from './earlier.ts';
import { useCounty } from './setup-county.ts';

const today = todayInShanghai();
const ago = (n: number) => addDays(today, -n);

let seq = 700;
const idNumber = (year: number) => {
  seq += 1;
  const first17 = `411321${year}1111${String(seq).slice(-3)}`;
  return first17 + idCheckChar(first17);
};

describe('DOMAIN §7: return-to-poverty monitoring', () => {
  const ctx = useCounty();

  /** An exited household (via the database: the exit procedure has its own tests). */
  const exited = async (labour: 'normal' | 'none' = 'normal', wages = 15000) => {
    const qiao = await ctx.user('qiaoduan');
    const id = (
      await qiao.post('/households', {
        regionCode: '411321106200',
        address: '穆老庄村三组',
        primaryCause: 'illness',
        income: { wages, business: 0, transfer: 0, property: 0 },
        waterSafe: true,
        people: [
          { name: '孙老汉', relationship: '户主', gender: 'male', idNumber: idNumber(1950), health: 'chronic', labour },
          {
            name: '孙大娘',
            relationship: '配偶',
            gender: 'female',
            idNumber: idNumber(1952),
            health: 'serious',
            labour: labour === 'none' ? 'none' : 'lost',
          },
        ],
      })
    ).json().id as string;
    await ctx.t.db.db
      .updateTable('households')
      .set({ status: 'exited', exit_year: 2019 })
      .where('id', '=', id)
      .execute();
    return { qiao, id };
  };

  /** Steps taken today, each with its reason if any; the first refused is returned. */
  const run = async (caseId: string, steps: [string, string?][]) => {
    const qiao = await ctx.user('qiaoduan');
    for (const [to, reason] of steps) {
      const version = (await qiao.get(`/monitoring-cases/${caseId}`)).json().version;
      const res = await qiao.post(`/monitoring-cases/${caseId}/transitions`, {
        to,
        version,
        ...(reason ? { reason } : {}),
      });
      if (res.statusCode !== 204) return res;
    }
    return null;
  };
  /** A case identified today, then through consent and a notice that has run its 5 days on the board. */
  const monitored = async (caseId: string) => {
    expect(await run(caseId, [['consented'], ['in_notice']])).toBeNull();
    await earlier(ctx.t.db.db, 'monitoring', caseId, 5);
    expect(await run(caseId, [['township_reviewed'], ['monitored']])).toBeNull();
  };

  it('identification goes through consent, review and notice, township review and county decision, in that order', async () => {
    const { qiao, id } = await exited();
    const c = await qiao.post('/monitoring-cases', {
      householdId: id,
      category: 'unstable_exited',
      source: 'cadre_visit',
      risk: '妻子重病住院，医疗支出大',
    });
    expect(c.statusCode).toBe(201);
    const caseId = c.json().id;
    const skip = await run(caseId, [['monitored']]);
    expect(skip?.json().code).toBe('illegal_transition');
    const early = await run(caseId, [['consented'], ['in_notice'], ['township_reviewed']]);
    expect(early?.json().code).toBe('notice_period_not_over'); // 5 days by default
    await earlier(ctx.t.db.db, 'monitoring', caseId, 4);
    expect((await run(caseId, [['township_reviewed']]))?.json().code).toBe('notice_period_not_over');
    await earlier(ctx.t.db.db, 'monitoring', caseId, 1);
    expect(await run(caseId, [['township_reviewed'], ['monitored']])).toBeNull();
    expect((await qiao.get(`/households/${id}`)).json().status).toBe('monitored');
    expect(
      (await qiao.get(`/monitoring-cases/${caseId}`)).json().events.map((e: { toStatus: string }) => e.toStatus),
    ).toEqual(['identified', 'consented', 'in_notice', 'township_reviewed', 'monitored']);
  });

  it('the page offers what the server allows: the steps of a case, which need a reason, and when the review may come', async () => {
    const { qiao, id } = await exited('normal', 1000);
    const supervisor = await ctx.user('supervisor');
    const year = Number(today.slice(0, 4));
    const candidate = async (c = qiao) =>
      (await c.get(`/monitoring-candidates?year=${year}`))
        .json()
        .items.find((x: { householdId: string }) => x.householdId === id);
    expect((await candidate()).canIdentify).toBe(true);
    expect((await candidate(supervisor)).canIdentify).toBe(false);
    expect(
      (
        await supervisor.post('/monitoring-cases', {
          householdId: id,
          category: 'unstable_exited',
          source: 'cadre_visit',
          risk: '收入低于监测线',
        })
      ).statusCode,
    ).toBe(403);

    const caseId = (
      await qiao.post('/monitoring-cases', {
        householdId: id,
        category: 'unstable_exited',
        source: 'cadre_visit',
        risk: '收入低于监测线',
      })
    ).json().id;
    const abilities = async (c = qiao) => (await c.get(`/monitoring-cases/${caseId}`)).json().abilities;
    expect(await abilities()).toEqual({
      steps: ['consented', 'dropped'],
      reasonRequired: ['dropped'],
      reviewFrom: null,
    });
    expect(await abilities(supervisor)).toEqual({ steps: [], reasonRequired: [], reviewFrom: null });
    expect((await run(caseId, [['dropped']]))?.statusCode).toBe(400);

    expect(await run(caseId, [['consented'], ['in_notice']])).toBeNull();
    const inNotice = (await qiao.get(`/monitoring-cases/${caseId}`)).json();
    expect(inNotice.abilities).toEqual({
      steps: ['township_reviewed', 'dropped'],
      reasonRequired: ['dropped'],
      reviewFrom: inNotice.noticeEndsOn,
    });
    expect((await run(caseId, [['township_reviewed']]))?.json().code).toBe('notice_period_not_over');
    await earlier(ctx.t.db.db, 'monitoring', caseId, 5);
    expect(await run(caseId, [['township_reviewed'], ['monitored']])).toBeNull();
    expect(await abilities()).toEqual({ steps: ['elimination_in_notice'], reasonRequired: [], reviewFrom: null });
    expect(await candidate()).toBeUndefined();
  });

  it('risk elimination takes the same path, can be rolled back, and is refused for a household with no labour capacity', async () => {
    const { qiao, id } = await exited();
    const caseId = (
      await qiao.post('/monitoring-cases', {
        householdId: id,
        category: 'unstable_exited',
        source: 'household_report',
        risk: '收入骤减',
      })
    ).json().id;
    await monitored(caseId);
    expect(await run(caseId, [['elimination_in_notice']])).toBeNull();
    await earlier(ctx.t.db.db, 'monitoring', caseId, 5);
    expect(await run(caseId, [['elimination_reviewed'], ['eliminated']])).toBeNull();
    expect((await qiao.get(`/households/${id}`)).json().status).toBe('risk_eliminated');
    const noReason = await run(caseId, [['monitored']]);
    expect(noReason?.statusCode).toBe(400);
    expect(await run(caseId, [['monitored', '再次发生大额医疗支出']])).toBeNull();
    expect((await qiao.get(`/households/${id}`)).json().status).toBe('monitored');

    const weak = await exited('none');
    const weakCase = (
      await weak.qiao.post('/monitoring-cases', {
        householdId: weak.id,
        category: 'unstable_exited',
        source: 'cadre_visit',
        risk: '老人无劳动能力',
      })
    ).json().id;
    await monitored(weakCase);
    // The page offers no elimination for it, and the server refuses one asked for all the same.
    expect((await weak.qiao.get(`/monitoring-cases/${weakCase}`)).json().abilities.steps).toEqual([]);
    const refused = await run(weakCase, [['elimination_in_notice']]);
    expect(refused?.json().code).toBe('no_labour_capacity');
  });

  it('early warning lists exited households under the year’s monitoring line', async () => {
    const low = await exited('normal', 9000); // 4,500 a head
    await exited('normal', 20000); // 10,000 a head
    const candidates = (await low.qiao.get('/monitoring-candidates?year=2021')).json().items;
    expect(candidates.map((c: { householdId: string }) => c.householdId)).toEqual([low.id]);
    expect(candidates[0]).toMatchObject({ perCapitaIncome: 4500, line: 6000 });
  });

  it('early warning pages: findings of a visit first, then the lowest incomes, each once, with the total; the county line decides', async () => {
    const ids = [];
    for (const wages of [9000, 7000, 11000, 8000, 20000]) ids.push((await exited('normal', wages)).id); // a head: half
    const qiao = await ctx.user('qiaoduan');
    const admin = await ctx.user('admin');
    const pages = async (year: number) => {
      const seen: { householdId: string; perCapitaIncome: number }[] = [];
      let cursor: string | null = null;
      let n = 0;
      do {
        const res = await qiao.get(
          `/monitoring-candidates?year=${year}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        expect(res.statusCode, res.body).toBe(200);
        const page = res.json();
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items);
        cursor = page.nextCursor;
        n++;
        expect(page.total).toBeGreaterThanOrEqual(seen.length);
      } while (cursor && n < 20);
      const total = (await qiao.get(`/monitoring-candidates?year=${year}&limit=1`)).json().total;
      expect(total).toBe(seen.length);
      return seen;
    };
    // 3,500, 4,000, 4,500 and 5,500 a head are under the default line of 6,000; 10,000 is not.
    expect((await pages(2022)).map((c) => c.householdId)).toEqual([ids[1], ids[3], ids[0], ids[2]]);
    // The county raises the year's line: the household at 10,000 a head is warned of too, last.
    expect((await admin.put('/settings?year=2022', { monitoring_line: 12000 })).statusCode).toBe(200);
    expect((await pages(2022)).map((c) => c.householdId)).toEqual([ids[1], ids[3], ids[0], ids[2], ids[4]]);
    // What a visit found comes first, whatever the income.
    await qiao.post(`/households/${ids[4]}/helpers`, {
      memberId: ctx.county.members.qiaoOther,
      role: 'cadre',
      primary: true,
      reason: '脱贫户巩固',
      startOn: '2022-01-01',
    });
    const visit = await qiao.post(`/households/${ids[4]}/visits`, {
      visitedOn: '2022-03-01',
      helperIds: [ctx.county.members.qiaoOther],
      risks: { disaster: true },
    });
    expect(visit.statusCode, visit.body).toBe(201);
    expect((await pages(2022)).map((c) => c.householdId)).toEqual([ids[4], ids[1], ids[3], ids[0], ids[2]]);
    expect((await qiao.get('/monitoring-candidates?year=2022&cursor=bm9uc2Vuc2U')).statusCode).toBe(400);
  });

  it('a monitoring step is dated no later than today and no earlier than the step before it; the notice runs 5 days on the board, however early the paper says it started', async () => {
    const { qiao, id } = await exited();
    const ahead = await qiao.post('/monitoring-cases', {
      householdId: id,
      category: 'unstable_exited',
      source: 'cadre_visit',
      risk: '收入骤减',
      identifiedOn: addDays(today, 1),
    });
    expect([ahead.statusCode, ahead.json().code]).toEqual([400, 'date_in_future']);
    const filed = await qiao.post('/monitoring-cases', {
      householdId: id,
      category: 'unstable_exited',
      source: 'cadre_visit',
      risk: '收入骤减',
      identifiedOn: ago(12),
      backdateReason: '走访记录补录',
    });
    expect(filed.statusCode).toBe(201);
    const caseId = filed.json().id as string;
    const step = async (to: string, extra: object = {}) => {
      const version = (await qiao.get(`/monitoring-cases/${caseId}`)).json().version;
      return qiao.post(`/monitoring-cases/${caseId}/transitions`, { to, version, ...extra });
    };
    expect((await step('consented', { on: ago(13), backdateReason: '补录' })).json().code).toBe(
      'date_before_previous_step',
    );
    expect((await step('consented', { on: ago(10) })).json().code).toBe('backdate_reason_required');
    expect((await step('consented', { on: ago(10), backdateReason: '入户核实记录补录' })).statusCode).toBe(204);
    expect((await step('in_notice', { on: ago(9), backdateReason: '纸质公示补录' })).statusCode).toBe(204);
    expect((await qiao.get(`/monitoring-cases/${caseId}`)).json()).toMatchObject({
      noticePublishedOn: today,
      noticeEndsOn: addDays(today, 5),
    });
    // The review's finding: a township review dated past the notice, entered today.
    expect((await step('township_reviewed', { on: addDays(today, 6) })).json().code).toBe('date_in_future');
    expect((await step('township_reviewed')).json().code).toBe('notice_period_not_over');
    expect((await qiao.get(`/households/${id}`)).json().status).toBe('exited');
  });

  it("a township admin cannot see another township's monitoring cases", async () => {
    const { qiao, id } = await exited();
    const caseId = (
      await qiao.post('/monitoring-cases', {
        householdId: id,
        category: 'marginal',
        source: 'data_crosscheck',
        risk: '收入接近监测线',
      })
    ).json().id;
    const cheng = await ctx.user('chengjiao');
    expect((await cheng.get(`/monitoring-cases/${caseId}`)).statusCode).toBe(404);
    expect((await cheng.get('/monitoring-cases')).json().items).toHaveLength(0);
  });

  it('visits that find a new serious illness, a disaster or rigid spending above the yearly income raise an early warning', async () => {
    // Both exited households earn well above the monitoring line: income alone warns of neither.
    const ill = await exited('normal', 30000);
    const spender = await exited('normal', 30000);
    const qiao = ill.qiao;
    const admin = await ctx.user('admin');
    for (const h of [ill.id, spender.id]) {
      await qiao.post(`/households/${h}/helpers`, {
        memberId: ctx.county.members.qiaoOther,
        role: 'cadre',
        primary: true,
        reason: '脱贫户巩固',
        startOn: '2020-01-01',
      });
    }
    expect((await qiao.get('/monitoring-candidates?year=2020')).json().items).toEqual([]);
    const visit = (id: string, risks: object, on = '2020-06-01') =>
      qiao.post(`/households/${id}/visits`, { visitedOn: on, helperIds: [ctx.county.members.qiaoOther], risks });
    expect((await visit(ill.id, { seriousIllness: true })).statusCode).toBe(201);
    // 25,000 of rigid spending is below the yearly income of 30,000 …
    expect((await visit(spender.id, { rigidSpending: 25000 })).statusCode).toBe(201);
    let items = (await qiao.get('/monitoring-candidates?year=2020')).json().items;
    expect(items.map((c: { householdId: string; reasons: string[] }) => [c.householdId, c.reasons])).toEqual([
      [ill.id, ['serious_illness']],
    ]);
    expect(items[0].suggestedCategory).toBe('sudden_hardship');
    // … until the county lowers the share of income that counts as large rigid spending.
    expect((await admin.put('/settings?year=2020', { rigid_spending_ratio: 0.8 })).statusCode).toBe(200);
    items = (await qiao.get('/monitoring-candidates?year=2020')).json().items;
    expect(items.find((c: { householdId: string }) => c.householdId === spender.id)).toMatchObject({
      reasons: ['rigid_spending'],
      rigidSpending: 25000,
    });
    // A visit of another year does not count for this one; the visit keeps what it found.
    expect((await qiao.get('/monitoring-candidates?year=2021')).json().items).toEqual([]);
    expect((await qiao.get(`/households/${ill.id}/visits`)).json().items[0].risks).toEqual({
      seriousIllness: true,
      disaster: false,
      rigidSpending: 0,
    });
  });
});
