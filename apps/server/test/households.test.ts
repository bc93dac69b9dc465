import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDb, migrate } from '../src/db/index.ts';
import { idCheckChar } from '../src/lib/identity.ts';
import { PASSWORD, buildCounty } from './factories.ts';
import { as, login, testApp } from './helpers.ts';
import { useCounty } from './setup-county.ts';

let seq = 100;
/** A valid generated ID number (GB 11643 check digit), born in the given year. */
function idNumber(year = 1975): string {
  seq += 1;
  const first17 = `411321${year}0315${String(seq).slice(-3)}`;
  return first17 + idCheckChar(first17);
}

const household = (over: Record<string, unknown> = {}, ids = [idNumber(1970), idNumber(1972), idNumber(2008)]) => ({
  regionCode: '411321106200',
  address: '白河新村3号楼2单元',
  primaryCause: 'illness',
  secondaryCauses: ['schooling'],
  income: { wages: 9000, business: 3000, transfer: 2400, property: 0 },
  waterSafe: true,
  people: [
    {
      name: '王大山',
      relationship: '户主',
      gender: 'male',
      idNumber: ids[0],
      phone: '13812341234',
      health: 'healthy',
      labour: 'normal',
    },
    { name: '李秀英', relationship: '配偶', gender: 'female', idNumber: ids[1], health: 'serious', labour: 'lost' },
    {
      name: '王小明',
      relationship: '长子',
      gender: 'male',
      idNumber: ids[2],
      health: 'healthy',
      labour: 'none',
      inSchool: true,
    },
  ],
  ...over,
});

describe('DOMAIN §5: the household register and stacked assistance', () => {
  const ctx = useCounty();

  it('ID numbers are validated (GB 11643 check digit, region, birth date) and phone numbers too', async () => {
    const qiao = await ctx.user('qiaoduan');
    const bad = household();
    (bad.people[0] as { idNumber: string }).idNumber =
      `${(bad.people[0] as { idNumber: string }).idNumber.slice(0, 17)}${(bad.people[0] as { idNumber: string }).idNumber[17] === '0' ? '1' : '0'}`;
    const res = await qiao.post('/households', bad);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toContain('people.0.idNumber');
    const badPhone = household();
    (badPhone.people[0] as { phone: string }).phone = '12345';
    expect((await qiao.post('/households', badPhone)).statusCode).toBe(400);
  });

  it('sensitive fields are masked everywhere by default; unmasking is a separate permission, audited with a reason', async () => {
    const qiao = await ctx.user('qiaoduan');
    const created = await qiao.post('/households', household());
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const detail = (await qiao.get(`/households/${id}`)).json();
    expect(detail.people[0].idNumber).toMatch(/^4113\*{10}\d{3}[\dX]$/);
    expect(detail.people[0].phone).toBe('138****1234');
    expect(detail.people[1].health).toBeNull();
    expect(detail).toMatchObject({ headName: '王大山', size: 3, perCapitaIncome: 4800, status: 'registered' });
    const list = JSON.stringify((await qiao.get('/households')).json());
    expect(list).not.toMatch(/411321\d{12}/);
    const supervisor = await ctx.user('supervisor');
    expect((await supervisor.post(`/households/${id}/unmask`, { reason: '核查' })).statusCode).toBe(403);
    const unmasked = (await qiao.post(`/households/${id}/unmask`, { reason: '核对低保材料' })).json();
    expect(unmasked.people[0].idNumber).toMatch(/^411321\d{11}[\dX]$/);
    expect(unmasked.people[1].health).toBe('serious');
    const audit = (
      await (await ctx.user('auditor')).get(`/audit-events?entityId=${id}&action=household.unmask`)
    ).json();
    expect(audit.items[0].after.reason).toBe('核对低保材料');
    // Neither the rows nor the audit trail hold a clear ID number.
    const raw =
      JSON.stringify(await ctx.t.db.db.selectFrom('household_people').selectAll().execute()) +
      JSON.stringify(await ctx.t.db.db.selectFrom('audit_events').selectAll().execute());
    expect(raw).not.toContain(unmasked.people[0].idNumber);
    expect(raw).not.toContain('13812341234');
  });

  it('an ID number is found by exact search and a person cannot be registered twice', async () => {
    const qiao = await ctx.user('qiaoduan');
    const ids = [idNumber(1960), idNumber(1962), idNumber(2010)];
    await qiao.post('/households', household({}, ids));
    expect((await qiao.post('/households/search', { idNumber: ids[1] })).json().total).toBe(1);
    expect((await qiao.post('/households/search', { idNumber: idNumber(1990) })).json().total).toBe(0);
    const again = await qiao.post('/households', household({}, [ids[1] as string, idNumber(1980), idNumber(2011)]));
    expect(again.json().code).toBe('person_already_registered');
  });

  it("a township admin never sees another township's households", async () => {
    const qiao = await ctx.user('qiaoduan');
    const id = (await qiao.post('/households', household())).json().id;
    const cheng = await ctx.user('chengjiao');
    expect((await cheng.get('/households')).json().total).toBe(0);
    expect((await cheng.get(`/households/${id}`)).statusCode).toBe(404);
    expect((await cheng.post(`/households/${id}/unmask`, { reason: 'x' })).statusCode).toBe(404);
    expect((await cheng.post('/households', household({ regionCode: '411321106201' }))).statusCode).toBe(400);
    // The branch secretary sees households of the places the branch covers.
    expect((await (await ctx.user('baihe')).get(`/households/${id}`)).statusCode).toBe(200);
  });

  it('every registered-poor household keeps a primary helper; stacked helpers add to it', async () => {
    const qiao = await ctx.user('qiaoduan');
    const id = (await qiao.post('/households', household())).json().id;
    expect((await qiao.get('/households?gap=no_primary_helper')).json().total).toBe(1);
    const primary = await qiao.post(`/households/${id}/helpers`, {
      memberId: ctx.county.members.qiaoOther,
      role: 'cadre',
      primary: true,
      reason: '结对帮扶',
      startOn: '2019-10-01',
    });
    expect(primary.statusCode).toBe(201);
    expect((await qiao.get('/households?gap=no_primary_helper')).json().total).toBe(0);
    const second = await qiao.post(`/households/${id}/helpers`, {
      memberId: ctx.county.members.qiaoSecretary,
      role: 'cadre',
      primary: true,
      reason: 'x',
      startOn: '2020-04-01',
    });
    expect(second.json().code).toBe('primary_helper_exists');
    for (const [memberId, role] of [
      [ctx.county.members.qiaoSecretary, 'party_member'],
      [ctx.county.members.qiaoPowerChief, 'party_member'],
      [ctx.county.members.countyOfficer, 'police'],
    ] as const) {
      const stacked = await qiao.post(`/households/${id}/helpers`, {
        memberId,
        role,
        reason: '两人重病，收入不稳定，叠加帮扶',
        startOn: '2020-04-01',
      });
      expect(stacked.statusCode).toBe(201);
    }
    const detail = (await qiao.get(`/households/${id}`)).json();
    expect(detail.helpers).toHaveLength(4);
    expect(detail.helpers.filter((h: { primary: boolean }) => h.primary)).toHaveLength(1);
    expect(detail.helpers.map((h: { role: string }) => h.role)).toContain('police');
    expect((await qiao.get(`/households?helperId=${ctx.county.members.countyOfficer}`)).json().total).toBe(1);
    const primaryRow = detail.helpers.find((h: { primary: boolean }) => h.primary);
    const end = await qiao.post(`/households/${id}/helpers/${primaryRow.id}/end`, {
      endOn: '2020-06-01',
      endReason: '调离',
      version: primaryRow.version,
    });
    expect(end.json().code).toBe('primary_helper_required');
    const stackedRow = detail.helpers.find((h: { role: string }) => h.role === 'police');
    expect(
      (
        await qiao.post(`/households/${id}/helpers/${stackedRow.id}/end`, {
          endOn: '2020-12-31',
          endReason: '风险解除',
          version: stackedRow.version,
        })
      ).statusCode,
    ).toBe(204);
  });
  it('the list can carry each household’s helpers in force, so the field app needs no request per household', async () => {
    const qiao = await ctx.user('qiaoduan');
    const id = (await qiao.post('/households', household())).json().id;
    for (const [memberId, primary, endOn] of [
      [ctx.county.members.qiaoOther, true, null],
      [ctx.county.members.qiaoSecretary, false, null],
      [ctx.county.members.countyOfficer, false, '2020-12-31'],
    ] as const) {
      const added = await qiao.post(`/households/${id}/helpers`, {
        memberId,
        role: primary ? 'cadre' : 'party_member',
        ...(primary ? { primary: true } : {}),
        reason: '结对帮扶',
        startOn: '2020-04-01',
      });
      expect(added.statusCode, added.body).toBe(201);
      if (endOn) {
        const row = (await qiao.get(`/households/${id}`))
          .json()
          .helpers.find((h: { memberId: string }) => h.memberId === memberId);
        const ended = await qiao.post(`/households/${id}/helpers/${row.id}/end`, {
          endOn,
          endReason: '调离',
          version: row.version,
        });
        expect(ended.statusCode, ended.body).toBe(204);
      }
    }
    const listed = (await qiao.get('/households?helpers=true')).json().items.find((h: { id: string }) => h.id === id);
    const named = (await qiao.get(`/households/${id}`))
      .json()
      .helpers.filter((h: { endOn: string | null }) => !h.endOn);
    expect(listed.helpersInForce).toEqual(
      named.map((h: { memberId: string; memberName: string; primary: boolean }) => ({
        memberId: h.memberId,
        memberName: h.memberName,
        primary: h.primary,
      })),
    );
    expect(listed.helpersInForce).toHaveLength(2);
    // Without asking, the list stays as it was.
    expect((await qiao.get('/households')).json().items[0].helpersInForce).toBeUndefined();
  });

  it('an exited household can still be given a helper in the transition period (脱贫不脱帮扶)', async () => {
    const qiao = await ctx.user('qiaoduan');
    const id = (await qiao.post('/households', household())).json().id;
    await ctx.t.db.db
      .updateTable('households')
      .set({ status: 'exited', exit_year: 2019 })
      .where('id', '=', id)
      .execute();
    const res = await qiao.post(`/households/${id}/helpers`, {
      memberId: ctx.county.members.qiaoOther,
      role: 'cadre',
      primary: true,
      reason: '脱贫不脱帮扶',
      startOn: '2020-01-01',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect((await qiao.get(`/households/${id}`)).json().helpers).toHaveLength(1);
  });
});

describe('DOMAIN §5: visits and assistance measures', () => {
  const ctx = useCounty();

  const withHelper = async () => {
    const qiao = await ctx.user('qiaoduan');
    const id = (await qiao.post('/households', household())).json().id as string;
    await qiao.post(`/households/${id}/helpers`, {
      memberId: ctx.county.members.qiaoOther,
      role: 'cadre',
      primary: true,
      reason: '结对',
      startOn: '2019-10-01',
    });
    return { qiao, id };
  };

  it("a visit is made by the household's helpers, and a problem found becomes a report for the branch", async () => {
    const { qiao, id } = await withHelper();
    const stranger = await qiao.post(`/households/${id}/visits`, {
      visitedOn: '2020-04-02',
      helperIds: [ctx.county.members.qiaoPowerChief],
      checks: ['food'],
    });
    expect(stranger.statusCode).toBe(400);
    const before = await qiao.post(`/households/${id}/visits`, {
      visitedOn: '2019-09-01',
      helperIds: [ctx.county.members.qiaoOther],
    });
    expect(before.statusCode).toBe(400); // not yet a helper on that day
    const visit = await qiao.post(`/households/${id}/visits`, {
      visitedOn: '2020-04-02',
      helperIds: [ctx.county.members.qiaoOther],
      checks: ['food', 'clothing', 'medical', 'housing', 'water', 'income'],
      findings: '母亲和妻子重病，药费负担重',
      problem: { category: 'health', description: '重病患者报销手续繁琐，希望上门办理' },
      measuresAgreed: '联系卫生院上门办理慢病卡',
    });
    expect(visit.statusCode).toBe(201);
    const reportId = visit.json().reportId;
    const reports = (await qiao.get('/reports?source=visit')).json();
    expect(reports.items[0]).toMatchObject({ id: reportId, status: 'new', orgName: '白河新村易地搬迁临时党支部' });
    const visits = (await qiao.get(`/households/${id}/visits`)).json();
    expect(visits.items[0]).toMatchObject({ helpers: ['王芳'], reportId });
    expect((await (await ctx.user('chengjiao')).get(`/households/${id}/visits`)).statusCode).toBe(404);
  });

  it('a measure has a category, unit, content, cost and dates, and the household acknowledges it once', async () => {
    const { qiao, id } = await withHelper();
    const m = await qiao.post(`/households/${id}/measures`, {
      category: 'health',
      unitId: ctx.county.units.qiaoPolice,
      content: '慢病卡办理与家庭医生签约',
      costYuan: 0,
      startOn: '2020-04-10',
    });
    expect(m.statusCode).toBe(201);
    expect(
      (
        await qiao.post(`/households/${id}/measures/${m.json().id}/acknowledge`, {
          acknowledgedOn: '2020-04-01',
          version: 1,
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (
        await qiao.post(`/households/${id}/measures/${m.json().id}/acknowledge`, {
          acknowledgedOn: '2020-04-15',
          version: 1,
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (
        await qiao.post(`/households/${id}/measures/${m.json().id}/acknowledge`, {
          acknowledgedOn: '2020-04-16',
          version: 2,
        })
      ).json().code,
    ).toBe('already_acknowledged');
    const list = (await qiao.get(`/households/${id}/measures`)).json();
    expect(list.items[0]).toMatchObject({ category: 'health', unitName: '乔端镇派出所', acknowledgedOn: '2020-04-15' });
  });
});

describe('encryption at rest', () => {
  it('the raw SQLite database file does not contain a registered ID number in clear', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lianjian-raw-'));
    const file = path.join(dir, 'raw.db');
    const handle = createDb(`sqlite:${file}`);
    await migrate(handle.db);
    const t = await testApp(handle);
    try {
      await buildCounty(handle.db);
      const qiao = as(t.app, await login(t.app, 'qiaoduan', PASSWORD));
      const ids = [idNumber(1955), idNumber(1957), idNumber(2009)];
      expect((await qiao.post('/households', household({}, ids))).statusCode).toBe(201);
      await t.close();
      // The database file and any write-ahead log beside it.
      const all = Buffer.concat(fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f))));
      for (const id of ids) expect(all.includes(Buffer.from(id))).toBe(false);
      expect(all.includes(Buffer.from('13812341234'))).toBe(false);
      expect(all.includes(Buffer.from('王大山'))).toBe(true); // the file is readable: the check itself works
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
