import { addDays, todayInShanghai } from '@lianjian/shared';
import { describe, expect, it } from 'vitest';
import { idCheckChar } from '../src/lib/identity.ts';
import { earlier } from './earlier.ts';
import { useCounty } from './setup-county.ts';

/** Days relative to the server's today: a step is never dated after it. */
const today = todayInShanghai();
const ago = (n: number) => addDays(today, -n);
const thisYear = Number(today.slice(0, 4));

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
        {
          name: '赵大海',
          relationship: '户主',
          gender: 'male',
          idNumber: idNumber(1968),
          health: 'healthy',
          labour: 'normal',
        },
        {
          name: '钱小红',
          relationship: '配偶',
          gender: 'female',
          idNumber: idNumber(1970),
          health: 'serious',
          labour: 'lost',
        },
        {
          name: '赵小军',
          relationship: '长子',
          gender: 'male',
          idNumber: idNumber(2006),
          health: 'healthy',
          labour: 'none',
          inSchool: true,
        },
      ],
    });
    const householdId = household.json().id as string;
    await qiao.post(`/households/${householdId}/helpers`, {
      memberId: ctx.county.members.qiaoOther,
      role: 'cadre',
      primary: true,
      reason: '结对',
      startOn: '2019-01-01',
    });
    const app = await qiao.post('/exit-applications', { householdId, source: 'household' });
    expect(app.statusCode).toBe(201);
    const id = app.json().id as string;
    /** A step taken today (no `on`), or on the day given with what else the body carries. */
    const step = async (to: string, extra: object = {}) => {
      const version = (await qiao.get(`/exit-applications/${id}`)).json().version;
      // Verification names its verifier: the village work team, unless the test says otherwise.
      const verifier = to === 'verified' ? { verifier: { unitId: ctx.county.units.workTeam } } : {};
      return qiao.post(`/exit-applications/${id}/transitions`, { to, version, ...verifier, ...extra });
    };
    return { qiao, householdId, id, step };
  };

  it('verification names its verifier, the village work team or the first secretary, of the county', async () => {
    const { qiao, id, step } = await setup();
    await step('reviewed');
    const nobody = await step('verified', { criteria: ALL_MET, verifier: undefined });
    expect([nobody.statusCode, nobody.json().errors?.[0]?.path]).toEqual([400, 'body.verifier']);
    const both = await step('verified', {
      criteria: ALL_MET,
      verifier: { unitId: ctx.county.units.workTeam, memberId: ctx.county.members.qiaoOther },
    });
    expect(both.statusCode).toBe(400);
    const elsewhere = await step('verified', { criteria: ALL_MET, verifier: { unitId: crypto.randomUUID() } });
    expect(elsewhere.statusCode).toBe(400);
    expect((await step('verified', { criteria: ALL_MET })).statusCode).toBe(204);
    const app = (await qiao.get(`/exit-applications/${id}`)).json();
    expect(app.verifier).toEqual({ kind: 'unit', name: '南召县委组织部驻白河新村工作队' });
    expect(app.events.at(-1).text).toContain('核验：南召县委组织部驻白河新村工作队');
  });

  it('no step can be skipped or reordered', async () => {
    const { step } = await setup();
    for (const to of ['verified', 'acknowledged', 'in_notice', 'announced']) {
      const res = await step(to, { criteria: ALL_MET });
      expect(res.statusCode, to).toBe(409);
      expect(res.json().code).toBe('illegal_transition');
    }
    expect((await step('reviewed')).statusCode).toBe(204);
    const out = (await step('in_notice')).json();
    expect(out.code).toBe('illegal_transition');
    // Said in the procedure's words, not the code's.
    expect(out.detail).toBe('不能从“民主评议”直接到“村内公示”');
  });

  it('verification records every criterion with evidence, and income against the year’s poverty line', async () => {
    const { step, qiao, id } = await setup();
    await step('reviewed');
    const partial = await step('verified', { criteria: ALL_MET.slice(0, 3) });
    expect(partial.statusCode).toBe(400);
    // The county raises this year's line above this household's 4,800 yuan per head.
    await ctx.t.db.db
      .insertInto('settings')
      .values({ county_code: '411321', year: thisYear, key: 'poverty_line', value: '5000' })
      .execute();
    const below = await step('verified', { criteria: ALL_MET });
    expect(below.json().code).toBe('income_below_line');
    // Under the line, the page offers no verification: rejection is the way on.
    expect((await qiao.get(`/exit-applications/${id}`)).json().abilities).toMatchObject({ steps: [], reject: true });
    await ctx.t.db.db.deleteFrom('settings').execute();
    expect((await qiao.get(`/exit-applications/${id}`)).json().abilities.steps).toEqual(['verified']);
    const unmet = await step('verified', {
      criteria: ALL_MET.map((c) => (c.criterion === 'medical' ? { ...c, met: false } : c)),
    });
    expect(unmet.json().code).toBe('standard_not_met');
    expect((await step('verified', { criteria: ALL_MET })).statusCode).toBe(204);
    const app = (
      await qiao.get(`/exit-applications?householdId=${(await qiao.get('/households')).json().items[0].id}`)
    ).json().items[0];
    expect(app.criteria).toHaveLength(7);
  });

  it('the exit notice runs from the day it appeared on the village board: announcing before its days have run there is refused; then the household is removed', async () => {
    const { step, qiao, householdId, id } = await setup();
    await step('reviewed');
    await step('verified', { criteria: ALL_MET });
    await step('acknowledged');
    expect((await step('in_notice')).statusCode).toBe(204);
    expect((await qiao.get(`/exit-applications/${id}`)).json()).toMatchObject({
      noticeStartOn: today,
      noticePublishedOn: today,
      noticeEndsOn: addDays(today, 7),
    });
    const early = await step('announced');
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('notice_period_not_over');
    // Six days on the board are not seven.
    await earlier(ctx.t.db.db, 'exit', id, 6);
    expect((await step('announced')).json().code).toBe('notice_period_not_over');
    await earlier(ctx.t.db.db, 'exit', id, 1);
    expect((await step('announced')).statusCode).toBe(204);
    expect((await qiao.get(`/households/${householdId}`)).json()).toMatchObject({
      status: 'exited',
      exitYear: thisYear,
    });
  });

  it('a household is registered until the day its exit is announced, and exited from that day on', async () => {
    const { step, qiao, householdId, id } = await setup();
    // Registered a month ago, so that yesterday's register holds it.
    await ctx.t.db.db
      .updateTable('households')
      .set({ created_at: `${ago(30)}T02:00:00.000Z` })
      .where('id', '=', householdId)
      .execute();
    await step('reviewed');
    await step('verified', { criteria: ALL_MET });
    await step('acknowledged');
    await step('in_notice');
    await earlier(ctx.t.db.db, 'exit', id, 7);
    expect((await step('announced')).statusCode).toBe(204);
    const listed = async (status: string, asOf: string) =>
      (await qiao.get(`/households?status=${status}&asOf=${asOf}`))
        .json()
        .items.map((h: { id: string }) => h.id)
        .includes(householdId);
    // A year-granular register would call it out of poverty for the whole year; it left the register today.
    expect([await listed('registered', ago(1)), await listed('exited', ago(1))]).toEqual([true, false]);
    expect([await listed('registered', today), await listed('exited', today)]).toEqual([false, true]);
    expect((await qiao.get(`/households/${householdId}`)).json()).toMatchObject({
      status: 'exited',
      exitYear: thisYear,
      exitedOn: today,
    });
  });

  it('an exit step is dated no later than today and no earlier than the step before it: an announcement dated after the notice ends is refused today', async () => {
    const { step, qiao, householdId, id } = await setup();
    await step('reviewed');
    await step('verified', { criteria: ALL_MET });
    await step('acknowledged');
    await step('in_notice');
    // The review's finding: announce "on" a day past the notice, today, and the household exits without ever being on the board that long.
    const ahead = await step('announced', { on: addDays(today, 8) });
    expect([ahead.statusCode, ahead.json().code]).toEqual([400, 'date_in_future']);
    const before = await step('rejected', { on: ago(1), backdateReason: '补录', reason: '收入不稳定' });
    expect([before.statusCode, before.json().code]).toEqual([400, 'date_before_previous_step']);
    expect((await qiao.get(`/exit-applications/${id}`)).json()).toMatchObject({
      status: 'in_notice',
      announcedOn: null,
    });
    expect((await qiao.get(`/households/${householdId}`)).json().status).toBe('registered');
  });

  it('an application dated in the future is refused, and so is one dated before today without a reason', async () => {
    const { qiao, householdId } = await setup();
    const ahead = await qiao.post('/exit-applications', {
      householdId,
      source: 'household',
      appliedOn: addDays(today, 2),
    });
    expect([ahead.statusCode, ahead.json().code]).toEqual([400, 'date_in_future']);
    const late = await qiao.post('/exit-applications', { householdId, source: 'household', appliedOn: ago(3) });
    expect([late.statusCode, late.json().code]).toEqual([400, 'backdate_reason_required']);
    expect(
      await ctx.t.db.db
        .selectFrom('exit_applications')
        .select('applied_on')
        .where('household_id', '=', householdId)
        .execute(),
    ).toEqual([{ applied_on: today }]);
  });

  it('recording paper that happened before today needs a reason, is audited, and never shortens the notice below 7 days on the board', async () => {
    const { qiao, householdId, step: first } = await setup();
    expect((await first('rejected', { reason: '重新按纸质材料补录' })).statusCode).toBe(204);
    // The application again, its paper steps recorded late.
    const filed = await qiao.post('/exit-applications', {
      householdId,
      source: 'household',
      appliedOn: ago(20),
      backdateReason: '系统上线前的纸质申请',
    });
    expect(filed.statusCode).toBe(201);
    const app = filed.json().id as string;
    const step = async (to: string, extra: object = {}) => {
      const version = (await qiao.get(`/exit-applications/${app}`)).json().version;
      return qiao.post(`/exit-applications/${app}/transitions`, { to, version, ...extra });
    };
    const noReason = await step('reviewed', { on: ago(15) });
    expect([noReason.statusCode, noReason.json().code]).toEqual([400, 'backdate_reason_required']);
    expect((await step('reviewed', { on: ago(15), backdateReason: '民主评议会议记录补录' })).statusCode).toBe(204);
    expect(
      (
        await step('verified', {
          on: ago(12),
          backdateReason: '核验表补录',
          criteria: ALL_MET,
          verifier: { memberId: ctx.county.members.qiaoOther },
        })
      ).statusCode,
    ).toBe(204);
    expect((await step('acknowledged', { on: ago(11), backdateReason: '签字页补录' })).statusCode).toBe(204);
    // The paper notice went up ten days ago; the board shows it only from today, so it runs 7 days from today.
    expect((await step('in_notice', { on: ago(10), backdateReason: '纸质公示补录' })).statusCode).toBe(204);
    const shown = (await qiao.get(`/exit-applications/${app}`)).json();
    expect(shown).toMatchObject({ noticeStartOn: ago(10), noticePublishedOn: today, noticeEndsOn: addDays(today, 7) });
    expect(shown.events.at(-1).text).toContain('补录：纸质公示补录');
    expect((await step('announced')).json().code).toBe('notice_period_not_over');
    const board = (await ctx.t.app.inject({ method: 'GET', url: '/api/v1/public/villages/411321106200/board' })).json();
    expect(board.exits).toEqual([expect.objectContaining({ noticeEndsOn: addDays(today, 7), daysLeft: 7 })]);
    const audit = await ctx.t.db.db
      .selectFrom('audit_events')
      .select('after_json')
      .where('action', '=', 'exit.transition')
      .where('entity_id', '=', householdId)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => JSON.parse(a.after_json as string).backdateReason)).toEqual([
      null,
      '民主评议会议记录补录',
      '核验表补录',
      '签字页补录',
      '纸质公示补录',
    ]);
  });

  it('an objection during notice sends the application back to verification', async () => {
    const { step, qiao, id } = await setup();
    await step('reviewed');
    await step('verified', { criteria: ALL_MET });
    await step('acknowledged');
    await step('in_notice');
    const version = (await qiao.get(`/exit-applications/${id}`)).json().version;
    expect(
      (await qiao.post(`/exit-applications/${id}/objections`, { content: '其妻重病，收入不稳定', version })).statusCode,
    ).toBe(204);
    const app = (await qiao.get(`/exit-applications/${id}`)).json();
    expect(app).toMatchObject({ status: 'reviewed', criteria: null, noticeStartOn: null });
    expect(app.events.at(-1).text).toContain('异议');
  });

  it('any step can reject with a written reason; the household keeps its helpers and may apply again', async () => {
    const { step, qiao, householdId } = await setup();
    await step('reviewed');
    expect((await step('rejected')).statusCode).toBe(400);
    expect((await step('rejected', { reason: '收入不稳定：两人重病' })).statusCode).toBe(204);
    const household = (await qiao.get(`/households/${householdId}`)).json();
    expect(household.status).toBe('registered');
    expect(household.helpers.filter((h: { endOn: string | null }) => h.endOn === null)).toHaveLength(1);
    expect((await qiao.post('/exit-applications', { householdId, source: 'village' })).statusCode).toBe(201);
    expect((await qiao.post('/exit-applications', { householdId, source: 'village' })).json().code).toBe(
      'application_open',
    );
  });

  it('the page offers what the server allows: each ability of an application matches the answer to the act', async () => {
    const { qiao, householdId, id, step } = await setup();
    const abilities = async (c = qiao) => (await c.get(`/exit-applications/${id}`)).json().abilities;
    expect(await abilities()).toEqual({ steps: ['reviewed'], announceFrom: null, reject: true, object: false });
    expect((await qiao.get(`/households/${householdId}`)).json().abilities).toMatchObject({
      write: true,
      applyExit: false,
    });
    expect((await qiao.post('/exit-applications', { householdId, source: 'village' })).json().code).toBe(
      'application_open',
    );

    // The supervisor reads the application and may take no step: the page offers none, the server refuses each.
    const supervisor = await ctx.user('supervisor');
    expect(await abilities(supervisor)).toEqual({ steps: [], announceFrom: null, reject: false, object: false });
    const version = (await qiao.get(`/exit-applications/${id}`)).json().version;
    expect(
      (await supervisor.post(`/exit-applications/${id}/transitions`, { to: 'reviewed', version })).statusCode,
    ).toBe(403);

    await step('reviewed');
    await step('verified', { criteria: ALL_MET });
    await step('acknowledged');
    await step('in_notice');
    const inNotice = await abilities();
    const app = (await qiao.get(`/exit-applications/${id}`)).json();
    expect(inNotice).toEqual({ steps: ['announced'], announceFrom: app.noticeEndsOn, reject: true, object: true });
    expect(app.noticeEndsOn > today).toBe(true);
    expect((await step('announced')).json().code).toBe('notice_period_not_over');

    expect((await step('rejected', { reason: '收入不稳定' })).statusCode).toBe(204);
    expect(await abilities()).toEqual({ steps: [], announceFrom: null, reject: false, object: false });
    expect((await qiao.get(`/households/${householdId}`)).json().abilities.applyExit).toBe(true);
  });

  it("a township admin cannot see or move another township's exit applications", async () => {
    const { id } = await setup();
    const cheng = await ctx.user('chengjiao');
    expect((await cheng.get(`/exit-applications/${id}`)).statusCode).toBe(404);
    expect((await cheng.post(`/exit-applications/${id}/transitions`, { to: 'reviewed', version: 1 })).statusCode).toBe(
      404,
    );
    expect((await cheng.get('/exit-applications')).json().items).toHaveLength(0);
  });

  it('the printable village notice shows names and outcome only, never ID, phone, bank or health details', async () => {
    const { step, qiao, householdId } = await setup();
    await step('reviewed');
    await step('verified', { criteria: ALL_MET });
    await step('acknowledged');
    expect((await step('in_notice')).statusCode).toBe(204);
    const res = await qiao.get('/exit-notices/411321106200');
    expect(res.statusCode).toBe(200);
    const notice = res.json();
    expect(notice).toMatchObject({ villageName: '穆老庄村', townshipName: expect.any(String) });
    expect(notice.items).toEqual([
      {
        no: 1,
        headName: '赵大海',
        outcome: '拟退出贫困',
        noticeStartOn: today,
        noticeEndsOn: addDays(today, 7),
        daysLeft: 7,
      },
    ]);
    const unmasked = (await qiao.post(`/households/${householdId}/unmask`, { reason: '核对公示' })).json();
    for (const p of unmasked.people as { idNumber: string; name: string }[]) {
      expect(res.body).not.toContain(p.idNumber);
      expect(res.body).not.toContain(p.idNumber.slice(-4));
    }
    for (const word of ['钱小红', '赵小军', 'serious', '重病', 'phone', 'idNumber'])
      expect(res.body).not.toContain(word);
    // A village with no notice shows an empty notice; another township's village is not found.
    expect((await qiao.get('/exit-notices/411321106201')).json().items).toEqual([]);
    expect((await (await ctx.user('chengjiao')).get('/exit-notices/411321106200')).statusCode).toBe(404);
    expect((await qiao.get('/exit-applications?status=in_notice&regionCode=411321106')).json().items).toHaveLength(1);
  });
});
